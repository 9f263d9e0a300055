// An engineer retries a message the pipeline gave up on (dead-lettered), or one the provider
// failed (a human decided to try again). The action is audited in the ledger itself: a
// manual_action naming the actor and the reason, then the retry_scheduled it causes.
import type { TDb, TDbTx } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import { enqueueSend } from "./send-queue";

const RETRYABLE_STATES = new Set(["dead_lettered", "failed", "rejected"]);

export type TRetryMessageInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  /** Identifies this action: repeating it (a double click, a re-run) changes nothing. */
  operationId: string;
  now: Date;
};

export type TRetryMessageResult = { attempt: number; isRepeat: boolean };

export async function retryMessage(
  db: TDb,
  actor: TActor,
  input: TRetryMessageInput,
): Promise<TRetryMessageResult> {
  return db.$transaction((tx) => retryMessageInTx(tx, actor, input), { maxWait: 10_000, timeout: 20_000 });
}

export async function retryMessageInTx(
  tx: TDbTx,
  actor: TActor,
  input: TRetryMessageInput,
): Promise<TRetryMessageResult> {
  const message = await lockMessage(tx, input.tenantId, input.messageId);
  const chain = await loadChain(tx, input.tenantId, input.messageId);
  const operationKey = dedupeKey.operator(input.operationId);
  const done = chain.find((e) => e.dedupeKey === operationKey);
  if (done) {
    const attempt = typeof done.payload.attempt === "number" ? done.payload.attempt : 0;
    return { attempt, isRepeat: true };
  }
  const derived = deriveState(chain, CURRENT_RULES);
  if (!RETRYABLE_STATES.has(derived.state)) {
    throw new ServiceError(
      "CONFLICT",
      `only dead-lettered, failed or rejected messages can be retried; this one is ${derived.state}`,
    );
  }
  const attempt = derived.latestAttempt + 1;
  const label = actorLabel(actor);
  await appendEvents(
    tx,
    input.tenantId,
    input.messageId,
    [
      {
        type: "manual_action",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: operationKey,
        payload: { attempt, fromState: derived.state },
        action: "retry",
        actor: label,
        reason: input.reason,
      },
      {
        type: "retry_scheduled",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
        payload: { requestedBy: label },
        attempt,
        notBefore: input.now.getTime(),
        error: null,
      },
    ],
    { now: input.now },
  );
  await enqueueSend(tx, {
    tenantId: input.tenantId,
    messageId: input.messageId,
    senderNumberId: message.senderNumberId,
    recipient: message.recipient,
    attempt,
    notBefore: input.now,
    now: input.now,
  });
  return { attempt, isRepeat: false };
}

/** Locks the message row for the transaction (appends to one message are serialised). */
export async function lockMessage(tx: TDbTx, tenantId: string, messageId: string) {
  const rows = await tx.$queryRaw<{ sender_number_id: string; recipient: string; created_at: Date }[]>`
    SELECT sender_number_id::text, recipient, created_at FROM message
    WHERE tenant_id = ${tenantId}::uuid AND id = ${messageId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  return { senderNumberId: row.sender_number_id, recipient: row.recipient, createdAt: row.created_at };
}
