// Recomputes a tenant's rollups from the `message` projection (a GROUP BY), replacing what the
// fold built: after a bulk load that bypassed the ledger service, after changing the rollup keys
// or LATENCY_BUCKETS, or to repair. `npm run waybill -- rollup:rebuild` and the bench use it.
//
// Concurrent writers are safe: the rebuild holds the tenant's rollup lock exclusively, writers
// take it shared just before inserting their deltas. A writer that got there first has committed
// (the rebuild's reads see its message row and delete its delta); one that comes later waits with
// its message row uncommitted (the rebuild counts the old row) and then records the delta from
// that old row. Either way rollup + pending deltas = GROUP BY over message when both commit.
import type { TDb } from "@/server/db/client";
import { LATENCY_BUCKETS } from "@/server/domain/insights/delivery-latency";
import { ROLLUP_GRAINS } from "@/server/domain/insights/rollup";
import type { TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { rollupLockKey } from "./rollup-deltas";

/** Finite upper bounds of the latency buckets: width_bucket() over them is latencyBucketOf(). */
const LATENCY_THRESHOLDS = LATENCY_BUCKETS.map((b) => b.upperMs).filter(Number.isFinite);

export type TRebuildReport = {
  tenantId: string;
  messages: number;
  senderRows: number;
  templateRows: number;
  latencyRows: number;
  droppedDeltas: number;
};

export async function rebuildRollups(
  db: TDb,
  tenantId: string,
  audit?: { actor: TActor; reason: string },
): Promise<TRebuildReport> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${rollupLockKey(tenantId)}, 0))`;
      const droppedDeltas =
        await tx.$executeRaw`DELETE FROM insight_delta WHERE tenant_id = ${tenantId}::uuid`;
      await tx.$executeRaw`DELETE FROM insight_sender_rollup WHERE tenant_id = ${tenantId}::uuid`;
      await tx.$executeRaw`DELETE FROM insight_template_rollup WHERE tenant_id = ${tenantId}::uuid`;
      await tx.$executeRaw`DELETE FROM insight_latency_rollup WHERE tenant_id = ${tenantId}::uuid`;
      const [counts] = await tx.$queryRaw<
        { messages: number; sender_rows: number; template_rows: number; latency_rows: number }[]
      >`
        WITH base AS MATERIALIZED (
          SELECT date_bin(interval '15 minutes', created_at, timestamptz '1970-01-01 00:00:00+00') AS bucket,
                 sender_number_id, coalesce(template_name, '') AS template_name, state,
                 coalesce(last_error_code, '') AS error_code,
                 CASE WHEN delivery_latency_ms IS NULL THEN -1
                      ELSE width_bucket(delivery_latency_ms, ${LATENCY_THRESHOLDS}::int[]) END AS latency_bucket,
                 count(*)::int AS n
          FROM message WHERE tenant_id = ${tenantId}::uuid
          GROUP BY 1, 2, 3, 4, 5, 6
        ),
        grained AS MATERIALIZED (
          SELECT g.grain,
                 date_bin(make_interval(mins => g.grain), b.bucket, timestamptz '1970-01-01 00:00:00+00') AS bucket,
                 b.sender_number_id, b.template_name, b.state, b.error_code, b.latency_bucket, b.n
          FROM base b CROSS JOIN unnest(${[...ROLLUP_GRAINS]}::int[]) AS g (grain)
        ),
        sender AS (
          INSERT INTO insight_sender_rollup (tenant_id, grain_minutes, bucket_start, sender_number_id, state, error_code, messages)
          SELECT ${tenantId}::uuid, grain, bucket, sender_number_id, state, error_code, sum(n)::int
          FROM grained GROUP BY grain, bucket, sender_number_id, state, error_code
          RETURNING 1
        ),
        template AS (
          INSERT INTO insight_template_rollup (tenant_id, grain_minutes, bucket_start, template_name, state, error_code, messages)
          SELECT ${tenantId}::uuid, grain, bucket, template_name, state, error_code, sum(n)::int
          FROM grained GROUP BY grain, bucket, template_name, state, error_code
          RETURNING 1
        ),
        latency AS (
          INSERT INTO insight_latency_rollup (tenant_id, grain_minutes, bucket_start, sender_number_id, latency_bucket, messages)
          SELECT ${tenantId}::uuid, grain, bucket, sender_number_id, latency_bucket, sum(n)::int
          FROM grained WHERE latency_bucket >= 0 GROUP BY grain, bucket, sender_number_id, latency_bucket
          RETURNING 1
        )
        SELECT (SELECT coalesce(sum(n), 0)::int FROM base) AS messages,
               (SELECT count(*)::int FROM sender) AS sender_rows,
               (SELECT count(*)::int FROM template) AS template_rows,
               (SELECT count(*)::int FROM latency) AS latency_rows`;
      const report: TRebuildReport = {
        tenantId,
        messages: counts?.messages ?? 0,
        senderRows: counts?.sender_rows ?? 0,
        templateRows: counts?.template_rows ?? 0,
        latencyRows: counts?.latency_rows ?? 0,
        droppedDeltas,
      };
      if (audit) {
        await recordAudit(tx, {
          actor: audit.actor,
          action: "insights.rollups_rebuilt",
          tenantId,
          targetType: "tenant",
          targetId: tenantId,
          reason: audit.reason,
          data: { ...report },
        });
      }
      return report;
    },
    // a large tenant takes a while (1,000,000 messages: bench/RESULTS.md); writers of this tenant
    // wait for it at their delta insert
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
}
