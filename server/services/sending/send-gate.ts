// The dispatcher's last look before a send leaves (server/domain/sending/send-gate.ts decides):
// the template's status at Meta and what Meta's webhooks told about the (sender number, user)
// pair, read in one statement under the message lock. A held row stays in the queue with its
// reason (send_queue.held_reason), which the claim skips (rowHoldsSql in claim-sends.ts) and the message views
// show; a template update that makes the template active again releases its rows at once.
import type { TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import { decideSendGate, type TSendGate } from "@/server/domain/sending/send-gate";

/** The template of message `m` (sent from sender_number `s`) as Meta's webhooks last described it. */
const templateOf = (m: string, s: string) => `
  LEFT JOIN LATERAL (
    SELECT mt.name, mt.language, mt.status, mt.category FROM message_template mt
    WHERE mt.tenant_id = ${m}.tenant_id AND mt.waba_id = ${s}.waba_id AND mt.name = ${m}.template_name
      AND (mt.language IS NULL OR ${m}.template_language IS NULL OR mt.language = ${m}.template_language)
    ORDER BY (mt.language IS NOT DISTINCT FROM ${m}.template_language) DESC, mt.last_event_at DESC NULLS LAST
    LIMIT 1
  ) mt ON ${m}.content_kind = 'template'`;

type TGateRow = {
  tenant_id: string;
  message_id: string;
  content_kind: string;
  template_name: string | null;
  template_language: string | null;
  template_category: string | null;
  mt_name: string | null;
  mt_language: string | null;
  mt_status: string | null;
  mt_category: string | null;
  marketing_opted_out: boolean | null;
  marketing_preference_at: Date | null;
  last_inbound_at: Date | null;
};

/**
 * The gate of every message in `items`, read in one statement (a claim's sends are decided
 * together), in the order of `items`. A message that is gone reads as "send": the caller's own
 * lock-and-load decides what happens to it.
 */
export async function checkSendGates(
  handle: TSql | TDbTx,
  items: readonly { tenantId: string; messageId: string }[],
  now: Date,
): Promise<TSendGate[]> {
  if (items.length === 0) return [];
  const rows = await toSql(handle).query<TGateRow>(
    `SELECT m.tenant_id::text, m.id::text AS message_id,
            m.content_kind, m.template_name, m.template_language, m.template_category,
            mt.name AS mt_name, mt.language AS mt_language, mt.status AS mt_status, mt.category AS mt_category,
            rc.marketing_opted_out, rc.marketing_preference_at, rc.last_inbound_at
     FROM unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, message_id)
     JOIN message m ON m.tenant_id = k.tenant_id AND m.id = k.message_id
     JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
     ${templateOf("m", "s")}
     LEFT JOIN recipient_contact rc ON rc.tenant_id = m.tenant_id AND rc.sender_number_id = m.sender_number_id
       AND rc.recipient = m.recipient`,
    [items.map((i) => i.tenantId), items.map((i) => i.messageId)],
  );
  const byKey = new Map(rows.map((row) => [`${row.tenant_id}|${row.message_id}`, row]));
  return items.map((item) => {
    const row = byKey.get(`${item.tenantId.toLowerCase()}|${item.messageId.toLowerCase()}`);
    return row ? gateOf(row, now) : { kind: "send" };
  });
}

/** The gate of one message (the one-message path). */
export async function checkSendGate(
  handle: TSql | TDbTx,
  item: { tenantId: string; messageId: string },
  now: Date,
): Promise<TSendGate> {
  return (await checkSendGates(handle, [item], now))[0]!;
}

function gateOf(row: TGateRow, now: Date): TSendGate {
  return decideSendGate({
    contentKind: row.content_kind === "text" ? "text" : "template",
    templateCategory: row.template_category ?? row.mt_category,
    template:
      row.mt_name === null && row.mt_status === null
        ? null
        : {
            name: row.template_name ?? row.mt_name ?? "",
            language: row.template_language,
            status: row.mt_status,
          },
    contact:
      row.marketing_opted_out === null
        ? null
        : {
            marketingOptedOut: row.marketing_opted_out,
            marketingPreferenceAt: row.marketing_preference_at?.getTime() ?? null,
            lastInboundAt: row.last_inbound_at?.getTime() ?? null,
          },
    nowMs: now.getTime(),
  });
}

// holding a row and releasing a template's rows are queue writes: the send queue module owns them
export { holdQueuedSend, releaseTemplateHolds } from "./send-queue";
