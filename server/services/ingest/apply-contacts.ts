// What Meta's webhooks tell about a (sender number, user) pair, kept per tenant in
// recipient_contact: when the user last wrote (the 24-hour customer-service window opens there;
// the time only, never the content) and their marketing preference (user_preferences). Both move
// forward only, so a re-delivered or late webhook never turns an opt-out back or shortens the
// window. One statement for the batch.
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import type { TWebhookItem } from "@/server/ingest/parse-webhook";

export type TContactWork = {
  item: Extract<TWebhookItem, { kind: "contact" }>;
  tenantId: string;
  senderNumberId: string;
};

export async function applyContacts(sql: TSql, work: readonly TContactWork[], now: Date): Promise<void> {
  if (work.length === 0) return;
  const q = sqlTemplate(sql);
  // one row per pair (a statement cannot update a row twice): the latest of each kind wins
  const pairs = new Map<
    string,
    {
      tenantId: string;
      senderNumberId: string;
      recipient: string;
      inboundAt: number | null;
      preference: { isOptedOut: boolean; at: number } | null;
    }
  >();
  for (const { item, tenantId, senderNumberId } of work) {
    const key = `${tenantId}/${senderNumberId}/${item.recipient}`;
    const pair = pairs.get(key) ?? {
      tenantId,
      senderNumberId,
      recipient: item.recipient,
      inboundAt: null,
      preference: null,
    };
    if (item.fact.kind === "inbound") pair.inboundAt = Math.max(pair.inboundAt ?? 0, item.fact.at);
    else if (pair.preference === null || item.fact.at >= pair.preference.at)
      pair.preference = { isOptedOut: item.fact.isOptedOut, at: item.fact.at };
    pairs.set(key, pair);
  }
  const rows = [...pairs.values()];
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  await q`
    INSERT INTO recipient_contact AS rc (tenant_id, sender_number_id, recipient, last_inbound_at, marketing_opted_out,
                                         marketing_preference_at, updated_at)
    SELECT u.tenant_id, u.sender_number_id, u.recipient, u.inbound_at, coalesce(u.opted_out, false), u.preference_at, ${now}
    FROM unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.senderNumberId)}::uuid[],
                ${rows.map((r) => r.recipient)}::text[], ${rows.map((r) => iso(r.inboundAt))}::timestamptz[],
                ${rows.map((r) => r.preference?.isOptedOut ?? null)}::boolean[],
                ${rows.map((r) => iso(r.preference?.at ?? null))}::timestamptz[])
      AS u(tenant_id, sender_number_id, recipient, inbound_at, opted_out, preference_at)
    ORDER BY u.tenant_id, u.sender_number_id, u.recipient
    ON CONFLICT (tenant_id, sender_number_id, recipient) DO UPDATE SET
      last_inbound_at = GREATEST(rc.last_inbound_at, EXCLUDED.last_inbound_at),
      marketing_opted_out = CASE
        WHEN EXCLUDED.marketing_preference_at IS NOT NULL
             AND (rc.marketing_preference_at IS NULL OR EXCLUDED.marketing_preference_at >= rc.marketing_preference_at)
          THEN EXCLUDED.marketing_opted_out ELSE rc.marketing_opted_out END,
      marketing_preference_at = GREATEST(rc.marketing_preference_at, EXCLUDED.marketing_preference_at),
      updated_at = EXCLUDED.updated_at`;
}
