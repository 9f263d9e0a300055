// The send queue's producer side: a row per message with an attempt to make, written in the
// caller's transaction (with the ledger events that justify it), plus a NOTIFY that wakes idle
// dispatchers when the transaction commits. See docs/decisions/006-send-queue-table.md.
import type { TDbTx } from "@/server/db/client";
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";

/** Dispatchers LISTEN here; PostgreSQL delivers the notification only if the transaction commits. */
export const SEND_QUEUE_CHANNEL = "waybill_send_queue";

export type TQueueEntry = {
  tenantId: string;
  messageId: string;
  senderNumberId: string;
  recipient: string;
  attempt: number;
  notBefore: Date;
  now: Date;
};

/** Puts (or puts back) a message in the queue; the sender's dispatch row is created on first use. */
export async function enqueueSend(tx: TDbTx | TSql, entry: TQueueEntry): Promise<void> {
  const q = sqlTemplate(tx);
  await q`
    INSERT INTO sender_dispatch (tenant_id, sender_number_id)
    VALUES (${entry.tenantId}::uuid, ${entry.senderNumberId}::uuid)
    ON CONFLICT (tenant_id, sender_number_id) DO NOTHING`;
  await q`
    INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, not_before, enqueued_at)
    VALUES (${entry.tenantId}::uuid, ${entry.messageId}::uuid, ${entry.senderNumberId}::uuid,
            ${entry.recipient}, ${entry.attempt}, ${entry.notBefore}, ${entry.now})
    ON CONFLICT (tenant_id, message_id) DO UPDATE
      SET attempt = EXCLUDED.attempt, not_before = EXCLUDED.not_before, in_doubt_attempt = NULL,
          lease_until = NULL, leased_by = NULL`;
  await q`SELECT count(pg_notify(${SEND_QUEUE_CHANNEL}, ${entry.tenantId}))::int AS n`;
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
      .query("SELECT pg_notify($1, '')", [SEND_QUEUE_CHANNEL])
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
