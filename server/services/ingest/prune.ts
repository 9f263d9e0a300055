// Retention (a periodic job): raw bodies are dropped after the body retention; the rows, which
// carry the body hash that makes a re-posted payload a counted duplicate, are kept at least the
// dedupe retention (30 days minimum, beyond Meta's 7-day retry horizon) and deleted after both.
// Pending rows are never touched: unprocessed requests are never lost to retention. Deletes go
// in small batches so no long lock blocks the hot path. Ledger facts are never pruned: a request
// replayed after its row is gone is still deduplicated by the ledger's fact keys.
import type { TDb } from "@/server/db/client";
import { uuidV7Floor } from "@/server/ingest/uuid-v7";

export type TPruneConfig = {
  now: Date;
  bodyRetentionDays: number;
  dedupeRetentionDays: number;
  batchSize?: number;
};

export type TPruneReport = {
  bodiesPruned: number;
  rowsDeleted: number;
  orphansDeleted: number;
  samplesDeleted: number;
};

const DAY_MS = 86_400_000;
/** stall samples older than this are not part of any baseline any more */
const SAMPLE_RETENTION_MS = 7 * DAY_MS;

async function inBatches(run: () => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run();
    total += n;
    if (n < batchSize) return total;
  }
}

export async function pruneWebhooks(db: TDb, config: TPruneConfig): Promise<TPruneReport> {
  const batch = config.batchSize ?? 2000;
  const now = config.now.getTime();
  const bodyBefore = uuidV7Floor(now - config.bodyRetentionDays * DAY_MS);
  const rowBefore = new Date(now - Math.max(config.bodyRetentionDays, config.dedupeRetentionDays) * DAY_MS);
  const rowBeforeId = uuidV7Floor(rowBefore.getTime());

  const bodiesPruned = await inBatches(
    () => db.$executeRaw`
      UPDATE webhook_inbox SET body = NULL, body_pruned_at = ${config.now}
      WHERE id IN (SELECT id FROM webhook_inbox
                   WHERE id < ${bodyBefore}::uuid AND body IS NOT NULL AND status <> 'pending'
                   ORDER BY id LIMIT ${batch})`,
    batch,
  );
  const rowsDeleted = await inBatches(
    () => db.$executeRaw`
      DELETE FROM webhook_inbox
      WHERE id IN (SELECT id FROM webhook_inbox WHERE id < ${rowBeforeId}::uuid AND status <> 'pending'
                   ORDER BY id LIMIT ${batch})`,
    batch,
  );
  // attached or discarded orphans are bookkeeping (the ledger has the facts); one never matched
  // in the whole retention period is a status for a message Waybill never sent
  const orphansDeleted = await inBatches(
    () => db.$executeRaw`
      DELETE FROM webhook_orphan_status
      WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM webhook_orphan_status
        WHERE received_at < ${rowBefore} LIMIT ${batch})`,
    batch,
  );
  const samplesDeleted = await inBatches(
    () => db.$executeRaw`
      DELETE FROM stall_share_sample
      WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM stall_share_sample WHERE sampled_at < ${new Date(now - SAMPLE_RETENTION_MS)} LIMIT ${batch})`,
    batch,
  );
  return { bodiesPruned, rowsDeleted, orphansDeleted, samplesDeleted };
}
