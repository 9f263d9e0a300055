// The fold: pending rollup deltas into the rollups, exactly once. Per tenant (a single-shard
// statement under Citus), one statement takes a batch of the tenant's oldest deltas with
// DELETE ... RETURNING (FOR UPDATE SKIP LOCKED, so folders running side by side take disjoint rows)
// and adds their sums to every rollup and grain (ROLLUP_GRAINS) with upserts; rows that fall to zero are then
// deleted in the same transaction. A crash rolls the whole batch back: its deltas stay pending.
// Order is irrelevant (sums commute), so a batch may take any deltas.
import type { TDb } from "@/server/db/client";
import { ROLLUP_GRAINS } from "@/server/domain/insights/rollup";

export type TFoldReport = { tenants: number; deltas: number; hasMore: boolean };

type TZeroKeys = { sender: unknown[] | null; template: unknown[] | null; latency: unknown[] | null };

/** Folds up to `batchSize` deltas of each tenant that has any (at most `maxTenants` tenants). */
export async function foldRollupDeltas(
  db: TDb,
  options: { batchSize: number; maxTenants?: number },
): Promise<TFoldReport> {
  // one index probe per tenant rather than a DISTINCT over a backlog
  const pending = await db.$queryRaw<{ tenant_id: string }[]>`
    SELECT t.id::text AS tenant_id FROM tenant t
    WHERE EXISTS (SELECT 1 FROM insight_delta d WHERE d.tenant_id = t.id)
    ORDER BY t.id LIMIT ${options.maxTenants ?? 1000}`;
  let deltas = 0;
  let hasMore = false;
  for (const { tenant_id: tenantId } of pending) {
    const folded = await foldTenant(db, tenantId, options.batchSize);
    deltas += folded;
    if (folded >= options.batchSize) hasMore = true;
  }
  return { tenants: pending.length, deltas, hasMore };
}

/** Folds one batch of one tenant's deltas; returns how many deltas it took. */
export async function foldTenant(db: TDb, tenantId: string, batchSize: number): Promise<number> {
  return db.$transaction(async (tx) => {
    const [result] = await tx.$queryRaw<({ taken: number } & TZeroKeys)[]>`
      WITH taken AS (
        DELETE FROM insight_delta d
        WHERE d.tenant_id = ${tenantId}::uuid AND d.id IN (
          SELECT id FROM insight_delta WHERE tenant_id = ${tenantId}::uuid
          ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
        RETURNING d.bucket_start, d.sender_number_id, d.template_name, d.state, d.error_code, d.latency_bucket, d.delta
      ),
      grained AS (
        SELECT g.grain,
               date_bin(make_interval(mins => g.grain), t.bucket_start, timestamptz '1970-01-01 00:00:00+00') AS bucket,
               t.*
        FROM taken t CROSS JOIN unnest(${[...ROLLUP_GRAINS]}::int[]) AS g (grain)
      ),
      sender AS (
        INSERT INTO insight_sender_rollup AS r
          (tenant_id, grain_minutes, bucket_start, sender_number_id, state, error_code, messages)
        SELECT ${tenantId}::uuid, grain, bucket, sender_number_id, state, error_code, sum(delta)::int
        FROM grained GROUP BY grain, bucket, sender_number_id, state, error_code
        HAVING sum(delta) <> 0
        ORDER BY grain, bucket, sender_number_id, state, error_code
        ON CONFLICT (tenant_id, grain_minutes, bucket_start, sender_number_id, state, error_code)
        DO UPDATE SET messages = r.messages + EXCLUDED.messages
        RETURNING r.grain_minutes, r.bucket_start, r.sender_number_id, r.state, r.error_code, r.messages
      ),
      template AS (
        INSERT INTO insight_template_rollup AS r
          (tenant_id, grain_minutes, bucket_start, template_name, state, error_code, messages)
        SELECT ${tenantId}::uuid, grain, bucket, template_name, state, error_code, sum(delta)::int
        FROM grained GROUP BY grain, bucket, template_name, state, error_code
        HAVING sum(delta) <> 0
        ORDER BY grain, bucket, template_name, state, error_code
        ON CONFLICT (tenant_id, grain_minutes, bucket_start, template_name, state, error_code)
        DO UPDATE SET messages = r.messages + EXCLUDED.messages
        RETURNING r.grain_minutes, r.bucket_start, r.template_name, r.state, r.error_code, r.messages
      ),
      latency AS (
        INSERT INTO insight_latency_rollup AS r
          (tenant_id, grain_minutes, bucket_start, sender_number_id, latency_bucket, messages)
        SELECT ${tenantId}::uuid, grain, bucket, sender_number_id, latency_bucket, sum(delta)::int
        FROM grained WHERE latency_bucket >= 0
        GROUP BY grain, bucket, sender_number_id, latency_bucket
        HAVING sum(delta) <> 0
        ORDER BY grain, bucket, sender_number_id, latency_bucket
        ON CONFLICT (tenant_id, grain_minutes, bucket_start, sender_number_id, latency_bucket)
        DO UPDATE SET messages = r.messages + EXCLUDED.messages
        RETURNING r.grain_minutes, r.bucket_start, r.sender_number_id, r.latency_bucket, r.messages
      )
      SELECT (SELECT count(*)::int FROM taken) AS taken,
             (SELECT json_agg(s) FROM sender s WHERE s.messages = 0) AS sender,
             (SELECT json_agg(t) FROM template t WHERE t.messages = 0) AS template,
             (SELECT json_agg(l) FROM latency l WHERE l.messages = 0) AS latency`;
    if (!result) return 0;
    // a key whose messages all moved on: drop the row (a later delta re-creates it)
    if (result.sender) {
      await tx.$executeRaw`
        DELETE FROM insight_sender_rollup r USING json_to_recordset(${JSON.stringify(result.sender)}::json)
          AS z (grain_minutes int, bucket_start timestamptz, sender_number_id uuid, state message_state, error_code text)
        WHERE r.tenant_id = ${tenantId}::uuid AND r.grain_minutes = z.grain_minutes AND r.bucket_start = z.bucket_start
          AND r.sender_number_id = z.sender_number_id AND r.state = z.state AND r.error_code = z.error_code
          AND r.messages = 0`;
    }
    if (result.template) {
      await tx.$executeRaw`
        DELETE FROM insight_template_rollup r USING json_to_recordset(${JSON.stringify(result.template)}::json)
          AS z (grain_minutes int, bucket_start timestamptz, template_name text, state message_state, error_code text)
        WHERE r.tenant_id = ${tenantId}::uuid AND r.grain_minutes = z.grain_minutes AND r.bucket_start = z.bucket_start
          AND r.template_name = z.template_name AND r.state = z.state AND r.error_code = z.error_code
          AND r.messages = 0`;
    }
    if (result.latency) {
      await tx.$executeRaw`
        DELETE FROM insight_latency_rollup r USING json_to_recordset(${JSON.stringify(result.latency)}::json)
          AS z (grain_minutes int, bucket_start timestamptz, sender_number_id uuid, latency_bucket int)
        WHERE r.tenant_id = ${tenantId}::uuid AND r.grain_minutes = z.grain_minutes AND r.bucket_start = z.bucket_start
          AND r.sender_number_id = z.sender_number_id AND r.latency_bucket = z.latency_bucket
          AND r.messages = 0`;
    }
    return result.taken;
  });
}
