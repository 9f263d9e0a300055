// Keeps `dead_letter` equal to deriveDeadLetter(ledger) for one message, inside the ledger
// append's transaction (called by appendEvents after the message's own projection). A message
// that was never dead-lettered costs nothing: no row, no query.
import type { TDbTx } from "@/server/db/client";
import { deriveDeadLetter } from "@/server/domain/dead-letters/dead-letter";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";

const at = (ms: number | null) => (ms === null ? null : new Date(ms));

export async function syncDeadLetter(
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  chain: readonly TLedgerEvent[],
  now: Date,
): Promise<void> {
  const dl = deriveDeadLetter(chain);
  if (dl === null) return;
  await tx.$executeRaw`
    INSERT INTO dead_letter (tenant_id, message_id, sender_number_id, content_kind, template_name,
                             dead_lettered_at, dead_letter_attempt, episodes, reason, reason_class,
                             error_code, error_title, status, status_at, retry_attempt, retried_by,
                             acknowledged_attempt, discarded_by, discard_reason, cancelled_by,
                             cancel_reason, updated_at)
    SELECT m.tenant_id, m.id, m.sender_number_id, m.content_kind, m.template_name,
           ${at(dl.deadLetteredAt)}, ${dl.attempt}, ${dl.episodes}, ${dl.reason}, ${dl.reasonClass},
           ${dl.errorCode}, ${dl.errorTitle}, ${dl.status}::dead_letter_status, ${at(dl.statusAt)},
           ${dl.retryAttempt}::int, ${dl.retriedBy}, ${dl.acknowledgedAttempt}::int, ${dl.discardedBy},
           ${dl.discardReason}, ${dl.cancelledBy}, ${dl.cancelReason}, ${now}
    FROM message m WHERE m.tenant_id = ${tenantId}::uuid AND m.id = ${messageId}::uuid
    ON CONFLICT (tenant_id, message_id) DO UPDATE SET
      dead_lettered_at = EXCLUDED.dead_lettered_at, dead_letter_attempt = EXCLUDED.dead_letter_attempt,
      episodes = EXCLUDED.episodes, reason = EXCLUDED.reason, reason_class = EXCLUDED.reason_class,
      error_code = EXCLUDED.error_code, error_title = EXCLUDED.error_title, status = EXCLUDED.status,
      status_at = EXCLUDED.status_at, retry_attempt = EXCLUDED.retry_attempt,
      retried_by = EXCLUDED.retried_by, acknowledged_attempt = EXCLUDED.acknowledged_attempt,
      discarded_by = EXCLUDED.discarded_by, discard_reason = EXCLUDED.discard_reason,
      cancelled_by = EXCLUDED.cancelled_by, cancel_reason = EXCLUDED.cancel_reason,
      updated_at = EXCLUDED.updated_at`;
}
