// Quarantine items of a batch: one row per unprocessable item (or whole body), idempotent per
// (request, path, reason); a replay that no longer produces an item resolves it.
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { storablePrefix } from "@/server/platform/storable-text";
import { uuidV7 } from "@/server/ingest/uuid-v7";
import type { TClaimedRow, TQuarantineItem } from "./batch-types";
import type { CounterBag } from "./counters";

export async function writeQuarantine(
  sql: TSql,
  items: readonly TQuarantineItem[],
  rows: readonly TClaimedRow[],
  now: Date,
  counters: CounterBag,
): Promise<void> {
  const q = sqlTemplate(sql);
  if (items.length > 0) {
    const records = items.map((q) => ({
      id: uuidV7(now.getTime()),
      raw_webhook_id: q.rawWebhookId,
      item_path: q.itemPath,
      reason: q.reason,
      detail: storablePrefix(q.detail, 2000),
      field: q.field,
      phone_number_id: q.phoneNumberId,
      waba_id: q.wabaId,
      item: q.item ?? null,
      tenant_id: q.tenantId,
    }));
    const inserted = await q<{ tenant_id: string | null; is_new: boolean }>`
      INSERT INTO webhook_quarantine AS w (id, raw_webhook_id, item_path, reason, detail, field, phone_number_id, waba_id,
                                           item, tenant_id, created_at, last_seen_at)
      SELECT r.id, r.raw_webhook_id, r.item_path, r.reason, r.detail, r.field, r.phone_number_id, r.waba_id, r.item,
             r.tenant_id, ${now}, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(
        id uuid, raw_webhook_id uuid, item_path text, reason text, detail text, field text, phone_number_id text,
        waba_id text, item jsonb, tenant_id uuid)
      ON CONFLICT (raw_webhook_id, item_path, reason) DO UPDATE
        SET last_seen_at = EXCLUDED.last_seen_at, detail = EXCLUDED.detail,
            -- a replay that fails the same way reopens what an earlier replay had closed;
            -- what an engineer discarded stays discarded
            resolved_at = CASE WHEN w.resolution = 'discarded' THEN w.resolved_at END,
            resolution = CASE WHEN w.resolution = 'discarded' THEN w.resolution END,
            resolved_by = CASE WHEN w.resolution = 'discarded' THEN w.resolved_by END
      RETURNING w.tenant_id::text AS tenant_id, (w.xmax = 0) AS is_new`;
    for (const row of inserted) if (row.is_new) counters.add("items_quarantined", row.tenant_id);
  }
  // a replayed request no longer quarantines what it used to: those items are resolved
  const replayed = rows.filter((r) => r.processCount > 0);
  if (replayed.length > 0) {
    const current = items.map((q) => `${q.rawWebhookId}|${q.itemPath}|${q.reason}`);
    await q`
      UPDATE webhook_quarantine SET resolved_at = ${now}, resolution = 'replayed', resolved_by = 'system:replay'
      WHERE raw_webhook_id = ANY(${replayed.map((r) => r.id)}::uuid[]) AND resolved_at IS NULL
        AND NOT (raw_webhook_id::text || '|' || item_path || '|' || reason = ANY(${current}::text[]))`;
  }
}
