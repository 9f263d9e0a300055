// The rollups' append path: a message's rollup deltas, inserted (never updated) in the caller's
// transaction, so thousands of status appends per second never wait on each other for a counter
// row. The worker folds them (fold-rollups.ts).
import { Prisma } from "@/server/db/generated/client";
import type { TDbTx } from "@/server/db/client";
import type { TRollupDelta } from "@/server/domain/insights/rollup";

/** The advisory-lock key a tenant's rollups are guarded by (shared by writers, exclusive for a rebuild). */
export const rollupLockKey = (tenantId: string) => `insights:${tenantId}`;

/**
 * Records `deltas` for one tenant. The shared lock lets any number of writers through together;
 * only `rebuildRollups` takes it exclusively, so a rebuild never misses a delta committed beside
 * it (see rebuild-rollups.ts).
 */
export async function recordRollupDeltas(
  tx: TDbTx,
  tenantId: string,
  deltas: readonly TRollupDelta[],
): Promise<void> {
  if (deltas.length === 0) return;
  const rows = deltas.map(
    (d) =>
      Prisma.sql`(${tenantId}::uuid, ${new Date(d.bucketStartMs)}::timestamptz, ${d.senderNumberId}::uuid, ${d.templateName},
                  ${d.state}::message_state, ${d.errorCode}, ${d.latencyBucket}::int, ${d.delta}::int)`,
  );
  await tx.$executeRaw`
    WITH guard AS (SELECT pg_advisory_xact_lock_shared(hashtextextended(${rollupLockKey(tenantId)}, 0)))
    INSERT INTO insight_delta (tenant_id, bucket_start, sender_number_id, template_name, state, error_code,
                               latency_bucket, delta)
    SELECT v.* FROM guard, (VALUES ${Prisma.join(rows)})
      AS v (tenant_id, bucket_start, sender_number_id, template_name, state, error_code, latency_bucket, delta)`;
}
