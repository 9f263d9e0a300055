// The rollups' append path: each message's rollup deltas, inserted (never updated) in the ledger
// append's transaction, so thousands of status appends per second never wait on each other for a
// counter row. The worker folds them (fold-rollups.ts).
import { rollupDeltas, type TRollupFacts } from "@/server/domain/insights/rollup";
import type { TLedgerProjector, TMessageFacts } from "@/server/services/ledger/projector";

/** The advisory-lock key a tenant's rollups are guarded by (shared by writers, exclusive for a rebuild). */
export const rollupLockKey = (tenantId: string) => `insights:${tenantId}`;

const rollupFacts = (facts: TMessageFacts): TRollupFacts => ({
  createdAtMs: facts.createdAtMs,
  senderNumberId: facts.senderNumberId,
  templateName: facts.templateName,
  state: facts.state,
  errorCode: facts.lastErrorCode,
  deliveryLatencyMs: facts.deliveryLatencyMs,
});

/**
 * Records the batch's deltas (a message the batch created counts from nothing). Each tenant's
 * shared lock lets any number of writers through together; only `rebuildRollups` takes it
 * exclusively, so a rebuild never misses a delta committed beside it (see rebuild-rollups.ts).
 */
export const insightDeltaProjector: TLedgerProjector = {
  name: "insight-deltas",
  project: async ({ sql, messages }) => {
    const deltas = messages.flatMap((m) =>
      rollupDeltas(m.before === null ? null : rollupFacts(m.before), rollupFacts(m.after)).map((d) => ({
        tenantId: m.tenantId,
        d,
      })),
    );
    if (deltas.length === 0) return;
    const lockKeys = [...new Set(deltas.map(({ tenantId }) => rollupLockKey(tenantId)))].sort();
    await sql.query(
      `WITH guard AS (
         SELECT count(pg_advisory_xact_lock_shared(h)) AS n
         FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1) AS ordered)
       INSERT INTO insight_delta (tenant_id, bucket_start, sender_number_id, template_name, state, error_code,
                                  latency_bucket, delta)
       SELECT v.tenant_id, v.bucket_start, v.sender_number_id, v.template_name, v.state::message_state, v.error_code,
              v.latency_bucket, v.delta
       FROM guard, unnest($2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::int[],
                          $9::int[])
         AS v (tenant_id, bucket_start, sender_number_id, template_name, state, error_code, latency_bucket, delta)`,
      [
        lockKeys,
        deltas.map(({ tenantId }) => tenantId),
        deltas.map(({ d }) => new Date(d.bucketStartMs).toISOString()),
        deltas.map(({ d }) => d.senderNumberId),
        deltas.map(({ d }) => d.templateName),
        deltas.map(({ d }) => d.state),
        deltas.map(({ d }) => d.errorCode),
        deltas.map(({ d }) => d.latencyBucket),
        deltas.map(({ d }) => d.delta),
      ],
    );
  },
};
