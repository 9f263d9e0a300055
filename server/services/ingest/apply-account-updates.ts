// Number health (quality, messaging limit, account and capability events, out-of-band errors) and
// template updates of a batch: a history row per event and per number or template, deduplicated
// by content (a re-delivery or a replay adds nothing). A number's current health is re-derived
// from its history; a template's current values move forward only.
import crypto from "node:crypto";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { senderChangesFor, templateChangesFor } from "@/server/ingest/account-updates";
import type { TWebhookItem } from "@/server/ingest/parse-webhook";
import { alertKeys, raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import { releaseTemplateHolds } from "@/server/services/sending/send-gate";
import { appendHealthFact, refreshNumberHealth } from "@/server/services/number-health/health-store";
import type { TClaimedRow, TDirectoryRow } from "./batch-types";
import type { CounterBag } from "./counters";

const sha256Hex = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

export async function applySenderHealth(
  sql: TSql,
  row: TClaimedRow,
  item: Extract<TWebhookItem, { kind: "sender_health" }>,
  senders: readonly TDirectoryRow[],
  now: Date,
  counters: CounterBag,
): Promise<number> {
  const { alert } = senderChangesFor(item.field, item.event, item.value);
  const dedupeKey = sha256Hex(
    canonicalJson({
      field: item.field,
      wabaId: item.wabaId,
      time: item.providerTimestamp,
      value: item.value,
    }),
  );
  const at = item.providerTimestamp === null ? null : new Date(item.providerTimestamp);
  const q = sqlTemplate(sql);
  let recorded = 0;
  for (const sender of senders) {
    const eventId = await appendHealthFact(sql, {
      tenantId: sender.tenant_id,
      senderNumberId: sender.sender_number_id,
      wabaId: item.wabaId,
      source: "webhook",
      field: item.field,
      event: item.event,
      providerTimestamp: at,
      value: item.value,
      dedupeKey,
      rawWebhookId: row.id,
      actor: null,
      now,
    });
    if (!eventId) continue; // the same event again (re-delivery in another body, or a replay)
    recorded += 1;
    counters.add("sender_health_events", sender.tenant_id);
    // the view is re-derived from the whole history: an older event changes only what no newer
    // fact has said since (server/domain/number-health/derive-health.ts)
    const { legacyChanges } = await refreshNumberHealth(sql, sender.tenant_id, sender.sender_number_id, now);
    // out-of-order delivery: an alert older than the last applied event is history only
    const newer = await q<{ n: number }>`
      SELECT count(*)::int AS n FROM sender_health_event
      WHERE tenant_id = ${sender.tenant_id}::uuid AND sender_number_id = ${sender.sender_number_id}::uuid
        AND id <> ${eventId}::uuid AND source = 'webhook' AND applied <> '{}'::jsonb AND provider_timestamp > ${at}`;
    const isStale = at !== null && (newer[0]?.n ?? 0) > 0;
    const effectiveAlert = isStale ? null : alert;
    if (Object.keys(legacyChanges).length === 0 && effectiveAlert === null) continue;
    await q`
      UPDATE sender_health_event SET applied = ${JSON.stringify({ ...legacyChanges, alert: effectiveAlert?.action ?? null })}::jsonb
      WHERE tenant_id = ${sender.tenant_id}::uuid AND id = ${eventId}::uuid`;
    if (effectiveAlert?.action === "open") {
      await raiseAlert(
        sql,
        {
          tenantId: sender.tenant_id,
          senderNumberId: sender.sender_number_id,
          kind: "sender_health",
          dedupeKey: alertKeys.senderHealth(sender.sender_number_id),
          severity: effectiveAlert.severity,
          title: effectiveAlert.title,
          details: {
            field: item.field,
            event: item.event,
            displayNumber: sender.display_number,
            value: item.value,
          },
          isNewOccurrence: true,
        },
        now,
      );
    } else if (effectiveAlert?.action === "resolve") {
      await resolveAlertsByKey(
        sql,
        sender.tenant_id,
        [alertKeys.senderHealth(sender.sender_number_id)],
        effectiveAlert.reason,
        now,
      );
    }
  }
  return recorded;
}

export async function applyTemplate(
  sql: TSql,
  row: TClaimedRow,
  item: Extract<TWebhookItem, { kind: "template" }>,
  tenantId: string,
  now: Date,
  counters: CounterBag,
): Promise<number> {
  const q = sqlTemplate(sql);
  const changes = templateChangesFor(item.field, item.event, item.value);
  const at = item.providerTimestamp === null ? null : new Date(item.providerTimestamp);
  const dedupeKey = sha256Hex(
    canonicalJson({
      field: item.field,
      templateId: item.templateId,
      time: item.providerTimestamp,
      value: item.value,
    }),
  );
  await q`
    INSERT INTO message_template (tenant_id, waba_id, template_id, name, language, created_at, updated_at)
    VALUES (${tenantId}::uuid, ${item.wabaId}, ${item.templateId}, ${changes.name ?? null}, ${changes.language ?? null}, ${now}, ${now})
    ON CONFLICT (tenant_id, waba_id, template_id) DO NOTHING`;
  const inserted = await q<{ id: string }>`
    INSERT INTO message_template_event (tenant_id, id, waba_id, template_id, field, event, provider_timestamp, value,
                                        dedupe_key, raw_webhook_id, recorded_at)
    VALUES (${tenantId}::uuid, ${crypto.randomUUID()}::uuid, ${item.wabaId}, ${item.templateId}, ${item.field}, ${item.event},
            ${at}, ${JSON.stringify(item.value)}::jsonb, ${dedupeKey}, ${row.id}::uuid, ${now})
    ON CONFLICT (tenant_id, waba_id, dedupe_key) DO NOTHING
    RETURNING id::text AS id`;
  if (inserted.length === 0) return 0;
  counters.add("template_events", tenantId);
  // the current status moves forward only: an event older than the one shown is history only
  await q`
    UPDATE message_template SET
      name = COALESCE(${changes.name ?? null}, name),
      language = COALESCE(${changes.language ?? null}, language),
      category = COALESCE(${changes.category ?? null}, category),
      status = COALESCE(${changes.status ?? null}, status),
      quality_score = COALESCE(${changes.qualityScore ?? null}, quality_score),
      last_event = COALESCE(${item.event}, last_event),
      last_event_at = GREATEST(last_event_at, ${at}),
      updated_at = ${now}
    WHERE tenant_id = ${tenantId}::uuid AND waba_id = ${item.wabaId} AND template_id = ${item.templateId}
      AND (last_event_at IS NULL OR ${at}::timestamptz IS NULL OR last_event_at <= ${at})`;
  // a template active again releases the sends held while it was paused or disabled
  if (changes.status !== undefined)
    await releaseTemplateHolds(sql, { tenantId, wabaId: item.wabaId, templateId: item.templateId });
  return 1;
}
