// The dead-letter projector: keeps `dead_letter` equal to deriveDeadLetter(ledger) for the
// messages of a ledger append, in the append's transaction, one upsert for the batch. A message
// that never gave up (no dead_lettered, no failed status) costs nothing: its ledger is not loaded
// and it gets no row.
import { deriveDeadLetter } from "@/server/domain/dead-letters/dead-letter";
import type { TLedgerProjector } from "@/server/services/ledger/projector";

const GIVE_UP_TYPES = ["dead_lettered", "status_failed"] as const;

const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const deadLetterProjector: TLedgerProjector = {
  name: "dead-letters",
  // deriveDeadLetter reads the whole ledger (payloads too): only for messages that ever gave up,
  // by the pipeline's dead letter or by a failure the provider reported
  needsLedger: ({ factTypes, drafts }) =>
    GIVE_UP_TYPES.some((type) => factTypes.has(type)) ||
    drafts.some((draft) => (GIVE_UP_TYPES as readonly string[]).includes(draft.type)),
  project: async ({ sql, now, messages }) => {
    const rows = messages.flatMap((m) => {
      if (m.ledger === null) return [];
      const dl = deriveDeadLetter(m.ledger);
      return dl === null ? [] : [{ m, dl }];
    });
    if (rows.length === 0) return;
    const records = rows.map(({ m, dl }) => ({
      tenant_id: m.tenantId,
      message_id: m.messageId,
      dead_lettered_at: at(dl.deadLetteredAt),
      dead_letter_attempt: dl.attempt,
      episodes: dl.episodes,
      reason: dl.reason,
      reason_class: dl.reasonClass,
      error_code: dl.errorCode,
      error_title: dl.errorTitle,
      status: dl.status,
      status_at: at(dl.statusAt),
      retry_attempt: dl.retryAttempt,
      retried_by: dl.retriedBy,
      acknowledged_attempt: dl.acknowledgedAttempt,
      discarded_by: dl.discardedBy,
      discard_reason: dl.discardReason,
      cancelled_by: dl.cancelledBy,
      cancel_reason: dl.cancelReason,
    }));
    await sql.query(
      `INSERT INTO dead_letter (tenant_id, message_id, sender_number_id, content_kind, template_name,
                               dead_lettered_at, dead_letter_attempt, episodes, reason, reason_class,
                               error_code, error_title, status, status_at, retry_attempt, retried_by,
                               acknowledged_attempt, discarded_by, discard_reason, cancelled_by,
                               cancel_reason, updated_at)
       SELECT m.tenant_id, m.id, m.sender_number_id, m.content_kind, m.template_name,
              r.dead_lettered_at, r.dead_letter_attempt, r.episodes, r.reason, r.reason_class,
              r.error_code, r.error_title, r.status::dead_letter_status, r.status_at,
              r.retry_attempt, r.retried_by, r.acknowledged_attempt, r.discarded_by,
              r.discard_reason, r.cancelled_by, r.cancel_reason, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS r(
              tenant_id uuid, message_id uuid, dead_lettered_at timestamptz, dead_letter_attempt int, episodes int,
              reason text, reason_class text, error_code text, error_title text, status text, status_at timestamptz,
              retry_attempt int, retried_by text, acknowledged_attempt int, discarded_by text, discard_reason text,
              cancelled_by text, cancel_reason text)
       JOIN message m ON m.tenant_id = r.tenant_id AND m.id = r.message_id
       ON CONFLICT (tenant_id, message_id) DO UPDATE SET
         dead_lettered_at = EXCLUDED.dead_lettered_at, dead_letter_attempt = EXCLUDED.dead_letter_attempt,
         episodes = EXCLUDED.episodes, reason = EXCLUDED.reason, reason_class = EXCLUDED.reason_class,
         error_code = EXCLUDED.error_code, error_title = EXCLUDED.error_title, status = EXCLUDED.status,
         status_at = EXCLUDED.status_at, retry_attempt = EXCLUDED.retry_attempt,
         retried_by = EXCLUDED.retried_by, acknowledged_attempt = EXCLUDED.acknowledged_attempt,
         discarded_by = EXCLUDED.discarded_by, discard_reason = EXCLUDED.discard_reason,
         cancelled_by = EXCLUDED.cancelled_by, cancel_reason = EXCLUDED.cancel_reason,
         updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(records), now.toISOString()],
    );
  },
};
