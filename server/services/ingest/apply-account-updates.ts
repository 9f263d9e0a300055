// Number health (quality, messaging limit, account events, out-of-band errors) and template
// updates of a batch: a history row per event and per number or template, deduplicated by content
// (a re-delivery or a replay adds nothing), and the current values moved forward only.
import crypto from "node:crypto";
import type { TDbTx } from "@/server/db/client";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import { senderChangesFor, templateChangesFor, type TSenderChanges } from "@/server/ingest/account-updates";
import type { TWebhookItem } from "@/server/ingest/parse-webhook";
import { alertKeys, raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import type { TClaimedRow, TDirectoryRow } from "./batch-types";
import type { CounterBag } from "./counters";

const sha256Hex = (text: string) => crypto.createHash("sha256").update(text).digest("hex");

export async function applySenderHealth(
  tx: TDbTx,
  row: TClaimedRow,
  item: Extract<TWebhookItem, { kind: "sender_health" }>,
  senders: readonly TDirectoryRow[],
  now: Date,
  counters: CounterBag,
): Promise<number> {
  const { changes, alert } = senderChangesFor(item.field, item.event, item.value);
  const dedupeKey = sha256Hex(
    canonicalJson({
      field: item.field,
      wabaId: item.wabaId,
      time: item.providerTimestamp,
      value: item.value,
    }),
  );
  const at = item.providerTimestamp === null ? null : new Date(item.providerTimestamp);
  let recorded = 0;
  for (const sender of senders) {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO sender_health_event (tenant_id, id, sender_number_id, waba_id, field, event, provider_timestamp,
                                       value, applied, dedupe_key, raw_webhook_id, recorded_at)
      VALUES (${sender.tenant_id}::uuid, ${crypto.randomUUID()}::uuid, ${sender.sender_number_id}::uuid, ${item.wabaId},
              ${item.field}, ${item.event}, ${at}, ${JSON.stringify(item.value)}::jsonb, '{}'::jsonb, ${dedupeKey},
              ${row.id}::uuid, ${now})
      ON CONFLICT (tenant_id, sender_number_id, dedupe_key) DO NOTHING
      RETURNING id::text AS id`;
    const eventId = inserted[0]?.id;
    if (!eventId) continue; // the same event again (re-delivery in another body, or a replay)
    recorded += 1;
    counters.add("sender_health_events", sender.tenant_id);
    if (Object.keys(changes).length === 0 && alert === null) continue;
    // out-of-order delivery: an older event goes to the history only
    const newer = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM sender_health_event
      WHERE tenant_id = ${sender.tenant_id}::uuid AND sender_number_id = ${sender.sender_number_id}::uuid
        AND id <> ${eventId}::uuid AND applied <> '{}'::jsonb AND provider_timestamp > ${at}`;
    if (at !== null && (newer[0]?.n ?? 0) > 0) continue;
    const applied = await applySenderChanges(tx, sender, changes, now);
    await tx.$executeRaw`
      UPDATE sender_health_event SET applied = ${JSON.stringify({ ...applied, alert: alert?.action ?? null })}::jsonb
      WHERE tenant_id = ${sender.tenant_id}::uuid AND id = ${eventId}::uuid`;
    if (alert?.action === "open") {
      await raiseAlert(
        tx,
        {
          tenantId: sender.tenant_id,
          senderNumberId: sender.sender_number_id,
          kind: "sender_health",
          dedupeKey: alertKeys.senderHealth(sender.sender_number_id),
          severity: alert.severity,
          title: alert.title,
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
    } else if (alert?.action === "resolve") {
      await resolveAlertsByKey(
        tx,
        sender.tenant_id,
        [alertKeys.senderHealth(sender.sender_number_id)],
        alert.reason,
        now,
      );
    }
  }
  return recorded;
}

async function applySenderChanges(tx: TDbTx, sender: TDirectoryRow, changes: TSenderChanges, now: Date) {
  if (Object.keys(changes).length === 0) return {};
  const before = await tx.senderNumber.findUniqueOrThrow({
    where: { tenantId_id: { tenantId: sender.tenant_id, id: sender.sender_number_id } },
    select: { status: true, qualityRating: true, messagingLimitTier: true },
  });
  await tx.senderNumber.update({
    where: { tenantId_id: { tenantId: sender.tenant_id, id: sender.sender_number_id } },
    data: { ...changes, updatedAt: now },
  });
  const diff: Record<string, { from: string; to: string }> = {};
  for (const [field, to] of Object.entries(changes) as [keyof TSenderChanges, string][]) {
    if (before[field] !== to) diff[field] = { from: before[field], to };
  }
  return diff;
}

export async function applyTemplate(
  tx: TDbTx,
  row: TClaimedRow,
  item: Extract<TWebhookItem, { kind: "template" }>,
  tenantId: string,
  now: Date,
  counters: CounterBag,
): Promise<number> {
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
  await tx.$executeRaw`
    INSERT INTO message_template (tenant_id, waba_id, template_id, name, language, created_at, updated_at)
    VALUES (${tenantId}::uuid, ${item.wabaId}, ${item.templateId}, ${changes.name ?? null}, ${changes.language ?? null}, ${now}, ${now})
    ON CONFLICT (tenant_id, waba_id, template_id) DO NOTHING`;
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO message_template_event (tenant_id, id, waba_id, template_id, field, event, provider_timestamp, value,
                                        dedupe_key, raw_webhook_id, recorded_at)
    VALUES (${tenantId}::uuid, ${crypto.randomUUID()}::uuid, ${item.wabaId}, ${item.templateId}, ${item.field}, ${item.event},
            ${at}, ${JSON.stringify(item.value)}::jsonb, ${dedupeKey}, ${row.id}::uuid, ${now})
    ON CONFLICT (tenant_id, waba_id, dedupe_key) DO NOTHING
    RETURNING id::text AS id`;
  if (inserted.length === 0) return 0;
  counters.add("template_events", tenantId);
  // the current status moves forward only: an event older than the one shown is history only
  await tx.$executeRaw`
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
  return 1;
}
