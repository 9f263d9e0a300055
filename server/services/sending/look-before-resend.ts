// In doubt means look before resending. An attempt whose answer never came is resent only after
// its grace period, and only if nothing proves it was accepted: just before the resend, the
// message's waiting orphans (statuses whose callback data names it) are attached, and webhook
// requests still waiting in the inbox that name it are given time to be processed. A recipient
// who gets a message twice because Waybill did not read what it had already received is the
// failure this prevents.
import type { TDbTx } from "@/server/db/client";
import { attachOrphansNamingMessage } from "@/server/services/ingest/orphans";

export type TLookBeforeResend =
  /** nothing proves acceptance: resend */
  | { kind: "resend" }
  /** waiting statuses were attached: the ledger now decides (the caller re-reads the state) */
  | { kind: "attached"; statuses: number }
  /** an unprocessed webhook request names the message: wait for the drainer */
  | { kind: "wait"; pendingRequests: number };

/** How long an unprocessed request may hold a resend back (a stopped drainer must not hold it forever). */
const PENDING_HOLD_MS = 10 * 60_000;

export async function lookBeforeResend(
  tx: TDbTx,
  target: { tenantId: string; messageId: string; senderNumberId: string; attemptCount: number },
  now: Date,
): Promise<TLookBeforeResend> {
  const attached = await attachOrphansNamingMessage(tx, target, { now });
  if (attached > 0) return { kind: "attached", statuses: attached };
  // pending requests are few (the drainer keeps up); the message id appears verbatim in the
  // callback data of every status about it
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM webhook_inbox
    WHERE status = 'pending' AND body IS NOT NULL
      AND received_at > ${new Date(now.getTime() - PENDING_HOLD_MS)}
      AND position(convert_to(${target.messageId}, 'UTF8') IN body) > 0`;
  const pending = rows[0]?.n ?? 0;
  return pending > 0 ? { kind: "wait", pendingRequests: pending } : { kind: "resend" };
}
