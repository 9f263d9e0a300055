// The send queue, in one module: a row per message with an attempt to make (docs/decisions/
// 006-send-queue-table.md). Every write to `send_queue` goes through here (a lint test holds
// every other file to reads):
//   enqueue   a new or renewed attempt, in the caller's transaction, with a NOTIFY on commit;
//   claim     the dispatcher's fair, rate-limited lease of due rows (claim-sends.ts);
//   requeue   put a leased row back with its next attempt, when and why;
//   release   give a lease back untouched (nothing was decided);
//   backOff   give a lease back a little later (something failed before anything was sent);
//   remove    the message needs no more sends (accepted, dead-lettered, dropped, cancelled);
//   hold      keep a row queued with a reason the claim respects (its template paused at Meta),
//             and release a template's rows when it is active again;
//   notify    wake idle dispatchers after commit (in the transaction, or coalesced after it).
// The intake's one statement (request-send.ts) writes its first row with `QUEUE_INSERT_COLUMNS`.
import type { TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { TEMPLATE_HOLD_STATUSES } from "@/server/domain/sending/send-gate";

export {
  claimSends,
  claimSendsIn,
  toRate,
  type TClaimedSend,
  type TClaimOptions,
  type TClaimResult,
} from "./claim-sends";

/** Dispatchers LISTEN here; PostgreSQL delivers the notification only if the transaction commits. */
export const SEND_QUEUE_CHANNEL = "waybill_send_queue";

type THandle = TSql | TDbTx;

// pg_notify returns void, which Prisma's driver adapter cannot map: select a constant beside it
const NOTIFY_STATEMENT = "SELECT 1 AS notified FROM (SELECT pg_notify($1, $2)) AS n";

/** A queue row's identity. */
export type TQueueKey = { tenantId: string; messageId: string };

export type TQueueEntry = TQueueKey & {
  senderNumberId: string;
  recipient: string;
  attempt: number;
  notBefore: Date;
  now: Date;
};

/** Puts (or puts back) a message in the queue; the sender's dispatch row is created on first use. */
export async function enqueueSend(handle: THandle, entry: TQueueEntry): Promise<void> {
  const sql = toSql(handle);
  await sql.query(
    `INSERT INTO sender_dispatch (tenant_id, sender_number_id) VALUES ($1::uuid, $2::uuid)
     ON CONFLICT (tenant_id, sender_number_id) DO NOTHING`,
    [entry.tenantId, entry.senderNumberId],
  );
  await sql.query(
    `INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, not_before, enqueued_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::int, $6::timestamptz, $7::timestamptz)
     ON CONFLICT (tenant_id, message_id) DO UPDATE
       SET attempt = EXCLUDED.attempt, not_before = EXCLUDED.not_before, in_doubt_attempt = NULL,
           lease_until = NULL, leased_by = NULL`,
    [
      entry.tenantId,
      entry.messageId,
      entry.senderNumberId,
      entry.recipient,
      entry.attempt,
      entry.notBefore,
      entry.now,
    ],
  );
  await notifyQueue(sql, entry.tenantId);
}

/** Wakes dispatchers when the caller's transaction commits (rare writers: retries, resumes, holds lifted). */
export async function notifyQueue(handle: THandle, tenantId: string): Promise<void> {
  await toSql(handle).query(NOTIFY_STATEMENT, [SEND_QUEUE_CHANNEL, tenantId]);
}

export type TRequeue = {
  attempt: number;
  /** the attempt whose answer never came, while waiting for a webhook to settle it */
  inDoubtAttempt: number | null;
  notBefore: Date;
  lastError: TLedgerError;
  now: Date;
};

/**
 * Puts a leased row back with its next attempt. An upsert: should another worker have taken the
 * row over and removed it meanwhile, the ledger (just appended) still needs this attempt made.
 */
export async function requeueSend(
  handle: THandle,
  item: TQueueKey & { senderNumberId: string; recipient: string },
  next: TRequeue,
): Promise<void> {
  await toSql(handle).query(
    `INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, in_doubt_attempt,
                             not_before, enqueued_at, last_error)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::int, $6::int, $7::timestamptz, $8::timestamptz, $9::jsonb)
     ON CONFLICT (tenant_id, message_id) DO UPDATE
       SET attempt = EXCLUDED.attempt, in_doubt_attempt = EXCLUDED.in_doubt_attempt,
           not_before = EXCLUDED.not_before, last_error = EXCLUDED.last_error,
           lease_until = NULL, leased_by = NULL`,
    [
      item.tenantId,
      item.messageId,
      item.senderNumberId,
      item.recipient,
      next.attempt,
      next.inDoubtAttempt,
      next.notBefore,
      next.now,
      JSON.stringify(next.lastError),
    ],
  );
}

/** Gives our lease back untouched: the row is due again at once. */
export async function releaseSend(handle: THandle, item: TQueueKey, workerId: string): Promise<void> {
  await toSql(handle).query(
    `UPDATE send_queue SET lease_until = NULL, leased_by = NULL
     WHERE tenant_id = $1::uuid AND message_id = $2::uuid AND leased_by = $3`,
    [item.tenantId, item.messageId, workerId],
  );
}

/**
 * Gives our lease back due a little later: something failed before anything was sent, and a
 * row that fails at once must not spin. Never throws (the lease running out does the same).
 */
export async function backOffSend(handle: THandle, item: TQueueKey, workerId: string): Promise<void> {
  await toSql(handle)
    .query(
      `UPDATE send_queue SET lease_until = NULL, leased_by = NULL,
                             not_before = greatest(not_before, now() + interval '5 seconds')
       WHERE tenant_id = $1::uuid AND message_id = $2::uuid AND leased_by = $3`,
      [item.tenantId, item.messageId, workerId],
    )
    .then(() => undefined)
    .catch(() => undefined);
}

/** Removes the rows of messages that need no more sends. */
export async function removeSends(handle: THandle, items: readonly TQueueKey[]): Promise<void> {
  if (items.length === 0) return;
  await toSql(handle).query(
    `DELETE FROM send_queue q
     USING unnest($1::uuid[], $2::uuid[]) AS k (tenant_id, message_id)
     WHERE q.tenant_id = k.tenant_id AND q.message_id = k.message_id`,
    [items.map((i) => i.tenantId), items.map((i) => i.messageId)],
  );
}

/** Keeps the row queued with its reason and hands it back (the claim skips it until released). */
export async function holdQueuedSend(handle: THandle, item: TQueueKey, reason: string): Promise<void> {
  await toSql(handle).query(
    `UPDATE send_queue SET held_reason = $3, lease_until = NULL, leased_by = NULL
     WHERE tenant_id = $1::uuid AND message_id = $2::uuid`,
    [item.tenantId, item.messageId, reason],
  );
}

/**
 * After a template's status changed: its held messages go again when the template is no longer
 * paused or disabled (a NOTIFY wakes the dispatchers). Holding needs nothing here: the dispatcher
 * looks at the template before each send. Returns how many were released.
 */
export async function releaseTemplateHolds(
  handle: THandle,
  template: { tenantId: string; wabaId: string; templateId: string },
): Promise<number> {
  const rows = await toSql(handle).query<{ n: number }>(
    `WITH released AS (
       UPDATE send_queue q SET held_reason = NULL
       FROM message m
       JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
       JOIN message_template t ON t.tenant_id = m.tenant_id AND t.waba_id = s.waba_id AND t.name = m.template_name
       WHERE q.tenant_id = $1::uuid AND q.held_reason IS NOT NULL
         AND m.tenant_id = q.tenant_id AND m.id = q.message_id AND m.content_kind = 'template'
         AND s.waba_id = $2 AND t.template_id = $3
         AND (t.language IS NULL OR m.template_language IS NULL OR t.language = m.template_language)
         AND upper(coalesce(t.status, '')) <> ALL($4::text[])
       RETURNING 1)
     SELECT count(*)::int AS n FROM released`,
    [template.tenantId, template.wabaId, template.templateId, [...TEMPLATE_HOLD_STATUSES]],
  );
  const released = rows[0]?.n ?? 0;
  if (released > 0) await notifyQueue(handle, template.tenantId);
  return released;
}

/** The row waiting for this message, if any: what the last failure was, and whether it is leased. */
export async function readQueuedSend(
  handle: THandle,
  item: TQueueKey,
): Promise<{ lastError: TLedgerError | null; attempt: number; inDoubtAttempt: number | null } | null> {
  const rows = await toSql(handle).query<{
    last_error: TLedgerError | null;
    attempt: number;
    in_doubt_attempt: number | null;
  }>(
    `SELECT last_error, attempt, in_doubt_attempt FROM send_queue
     WHERE tenant_id = $1::uuid AND message_id = $2::uuid`,
    [item.tenantId, item.messageId],
  );
  const row = rows[0];
  return row
    ? { lastError: row.last_error, attempt: row.attempt, inDoubtAttempt: row.in_doubt_attempt }
    : null;
}

/**
 * The intake's first queue row, as a data-modifying CTE over `source` (rows with tenant_id,
 * message_id, sender_id, recipient and at): the intake writes everything in one statement, so
 * the row's shape is kept here, beside the other writers.
 */
export function intakeQueueInsertSql(source: string): string {
  return `INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, not_before, enqueued_at)
  SELECT ${source}.tenant_id, ${source}.message_id, ${source}.sender_id, ${source}.recipient, 1, ${source}.at,
         ${source}.at
  FROM ${source}`;
}

/**
 * Wakes idle dispatchers after commits made outside enqueueSend (the intake, which must not hold
 * PostgreSQL's notify lock: every notifying commit takes it and keeps it through its WAL flush,
 * so notifying commits run one at a time). Coalesced: one NOTIFY in flight per process, and one
 * more after it when wake() was called meanwhile, so every commit is followed by a notification
 * sent after it. Should one be lost (a crash, a dropped connection), dispatchers still poll.
 */
export function createQueueWaker(sql: TSql, onError: (error: unknown) => void = () => {}): () => void {
  let isSending = false;
  let isPending = false;
  const send = () => {
    isSending = true;
    isPending = false;
    sql
      .query(NOTIFY_STATEMENT, [SEND_QUEUE_CHANNEL, ""])
      .catch(onError)
      .finally(() => {
        isSending = false;
        if (isPending) send();
      });
  };
  return () => {
    if (isSending) isPending = true;
    else send();
  };
}
