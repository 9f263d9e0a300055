// The dispatcher's last look before a send leaves (server/domain/sending/send-gate.ts decides):
// the template's status at Meta and what Meta's webhooks told about the (sender number, user)
// pair, read in one statement under the message lock. A held row stays in the queue with its
// reason (send_queue.held_reason), which the claim skips (notHeldRowSql) and the message views
// show; a template update that makes the template active again releases its rows at once.
import type { TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import { decideSendGate, TEMPLATE_HOLD_STATUSES, type TSendGate } from "@/server/domain/sending/send-gate";
import { SEND_QUEUE_CHANNEL } from "./send-queue";

/** True when the queued row `q` (send_queue) is not held (the claim's condition). */
export function notHeldRowSql(q: string): string {
  return `${q}.held_reason IS NULL`;
}

/** The template of message `m` (sent from sender_number `s`) as Meta's webhooks last described it. */
const templateOf = (m: string, s: string) => `
  LEFT JOIN LATERAL (
    SELECT mt.name, mt.language, mt.status, mt.category FROM message_template mt
    WHERE mt.tenant_id = ${m}.tenant_id AND mt.waba_id = ${s}.waba_id AND mt.name = ${m}.template_name
      AND (mt.language IS NULL OR ${m}.template_language IS NULL OR mt.language = ${m}.template_language)
    ORDER BY (mt.language IS NOT DISTINCT FROM ${m}.template_language) DESC, mt.last_event_at DESC NULLS LAST
    LIMIT 1
  ) mt ON ${m}.content_kind = 'template'`;

export async function checkSendGate(
  tx: TDbTx,
  item: { tenantId: string; messageId: string },
  now: Date,
): Promise<TSendGate> {
  const rows = await tx.$queryRawUnsafe<
    {
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
    }[]
  >(
    `SELECT m.content_kind, m.template_name, m.template_language, m.template_category,
            mt.name AS mt_name, mt.language AS mt_language, mt.status AS mt_status, mt.category AS mt_category,
            rc.marketing_opted_out, rc.marketing_preference_at, rc.last_inbound_at
     FROM message m
     JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
     ${templateOf("m", "s")}
     LEFT JOIN recipient_contact rc ON rc.tenant_id = m.tenant_id AND rc.sender_number_id = m.sender_number_id
       AND rc.recipient = m.recipient
     WHERE m.tenant_id = $1::uuid AND m.id = $2::uuid`,
    item.tenantId,
    item.messageId,
  );
  const row = rows[0];
  if (!row) return { kind: "send" };
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

/** Keeps the row queued with its reason and hands it back (the claim skips it until released). */
export async function holdQueuedSend(
  tx: TDbTx,
  item: { tenantId: string; messageId: string },
  reason: string,
): Promise<void> {
  await tx.$executeRaw`
    UPDATE send_queue SET held_reason = ${reason}, lease_until = NULL, leased_by = NULL
    WHERE tenant_id = ${item.tenantId}::uuid AND message_id = ${item.messageId}::uuid`;
}

/**
 * After a template's status changed: its held messages go again when the template is no longer
 * paused or disabled (a NOTIFY wakes the dispatchers). Holding needs nothing here: the dispatcher
 * looks at the template before each send. Returns how many were released.
 */
export async function releaseTemplateHolds(
  tx: TDbTx | TSql,
  template: { tenantId: string; wabaId: string; templateId: string },
): Promise<number> {
  const sql = toSql(tx);
  const rows = await sql.query(
    `UPDATE send_queue q SET held_reason = NULL
     FROM message m
     JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
     JOIN message_template t ON t.tenant_id = m.tenant_id AND t.waba_id = s.waba_id AND t.name = m.template_name
     WHERE q.tenant_id = $1::uuid AND q.held_reason IS NOT NULL
       AND m.tenant_id = q.tenant_id AND m.id = q.message_id AND m.content_kind = 'template'
       AND s.waba_id = $2 AND t.template_id = $3
       AND (t.language IS NULL OR m.template_language IS NULL OR t.language = m.template_language)
       AND upper(coalesce(t.status, '')) <> ALL($4::text[])
     RETURNING 1 AS released`,
    [template.tenantId, template.wabaId, template.templateId, [...TEMPLATE_HOLD_STATUSES]],
  );
  const released = rows.length;
  if (released > 0)
    await sql.query("SELECT count(pg_notify($1, $2))::int AS n", [SEND_QUEUE_CHANNEL, template.tenantId]);
  return released;
}
