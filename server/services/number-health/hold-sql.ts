// "Is this number (or this queued message) held, and why?" in SQL, over a sender_health row, for
// the dispatcher's claim and the queue views. The SQL twin of decideSending
// (server/domain/number-health/sending-hold.ts): same precedence, same words; an integration test
// runs both over the same states. A number without a sender_health row is not held.

import { levelBlockedReasonSql } from "@/server/services/sending/level-limits";

/** A timestamp literal for `now` (generated here from a Date, never from input). */
export function sqlTimestamp(now: Date): string {
  return `'${now.toISOString()}'::timestamptz`;
}

const utcText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'`;

/** The reason every message of the number waits at `now`, or NULL. `h` is a sender_health alias. */
export function heldAllReasonSql(h: string, now: string): string {
  return `(CASE
    WHEN ${h}.override_mode = 'hold' AND ${h}.override_until > ${now}
      THEN 'held by an operator until ' || ${utcText(`${h}.override_until`)} || ': ' || ${h}.override_reason
    WHEN ${h}.override_mode = 'send' AND ${h}.override_until > ${now} THEN NULL
    ELSE ${h}.hard_hold_reason END)`;
}

/** The reason the number's template messages wait at `now` (free-form ones still go), or NULL. */
export function heldTemplatesReasonSql(h: string, now: string): string {
  return `(CASE
    WHEN ${h}.override_mode IS NOT NULL AND ${h}.override_until > ${now} THEN NULL
    WHEN ${h}.template_hold_reason IS NOT NULL AND (${h}.template_hold_until IS NULL OR ${h}.template_hold_until > ${now})
      THEN ${h}.template_hold_reason || ': template messages wait'
    END)`;
}

/** True when the queued row `q` (send_queue) is a template message. */
export function isTemplateRowSql(q: string): string {
  return `EXISTS (SELECT 1 FROM message hm WHERE hm.tenant_id = ${q}.tenant_id AND hm.id = ${q}.message_id
                    AND hm.content_kind = 'template')`;
}

/**
 * Why a message still in the send queue waits right now, on its number's health or with a reason
 * of its own (send_queue.held_reason: its template paused at Meta), on its number's cool-down or
 * an open circuit breaker (the app's, its WABA's), or null (not queued, or not
 * held). For the message's explanation in the API and the console.
 */
export async function queuedMessageHold(
  sql: { query<R extends object>(text: string, values?: readonly unknown[]): Promise<R[]> },
  tenantId: string,
  messageId: string,
  now: Date,
): Promise<string | null> {
  const at = sqlTimestamp(now);
  const rows = await sql.query<{ reason: string | null }>(
    `SELECT coalesce(${heldAllReasonSql("h", at)},
                     CASE WHEN ${isTemplateRowSql("q")} THEN ${heldTemplatesReasonSql("h", at)} END,
                     q.held_reason, ${levelBlockedReasonSql("d", at)}) AS reason
     FROM send_queue q
     LEFT JOIN sender_health h ON h.tenant_id = q.tenant_id AND h.sender_number_id = q.sender_number_id
     LEFT JOIN sender_dispatch d ON d.tenant_id = q.tenant_id AND d.sender_number_id = q.sender_number_id
     WHERE q.tenant_id = $1::uuid AND q.message_id = $2::uuid`,
    [tenantId, messageId],
  );
  return rows[0]?.reason ?? null;
}
