// The two things an engineer does to one dead letter: retry it (a new attempt, through
// retryMessage: manual_action retry + retry_scheduled, requeued) or discard it (a manual_action
// discard with actor and reason: the message stays dead-lettered, the dead letter is closed).
// Each is idempotent per operation id (a bulk item's id, a console click): a repeat reports the
// first outcome and writes nothing. Only an open dead letter is acted on.
import type { TDb, TDbTx } from "@/server/db/client";
import { findDeadLetter } from "@/server/db/queries/dead-letters";
import { SKIP_REASON_TEXT } from "@/server/domain/dead-letters/assess-retry";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import { lockMessage, retryMessageInTx } from "@/server/services/sending/retry-message";

export type TDeadLetterActionInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  operationId: string;
  now: Date;
};

export type TDeadLetterActionResult =
  | { outcome: "retried"; attempt: number; isRepeat: boolean }
  | { outcome: "discarded"; isRepeat: boolean }
  | { outcome: "skipped"; detail: string };

const TX = { maxWait: 10_000, timeout: 20_000 } as const;

async function operationDone(tx: TDbTx, input: TDeadLetterActionInput) {
  return tx.messageEvent.findUnique({
    where: {
      tenantId_messageId_dedupeKey: {
        tenantId: input.tenantId,
        messageId: input.messageId,
        dedupeKey: dedupeKey.operator(input.operationId),
      },
    },
    select: { body: true },
  });
}

/** Why an existing dead letter is not open, in words; null when it is open. */
async function notOpenReason(tx: TDbTx, tenantId: string, messageId: string): Promise<string | null> {
  const dl = await findDeadLetter(tx, tenantId, messageId);
  if (!dl) return SKIP_REASON_TEXT.not_dead_lettered;
  return dl.status === "open" ? null : SKIP_REASON_TEXT[dl.status];
}

/** Retries an open dead letter as the next attempt; anything else is skipped with the reason. */
export async function retryDeadLetterInTx(
  tx: TDbTx,
  actor: TActor,
  input: TDeadLetterActionInput,
): Promise<TDeadLetterActionResult> {
  await lockMessage(tx, input.tenantId, input.messageId);
  // a re-run of the same operation: retryMessage reports the attempt it scheduled the first time
  if (!(await operationDone(tx, input))) {
    const notOpen = await notOpenReason(tx, input.tenantId, input.messageId);
    if (notOpen) return { outcome: "skipped", detail: notOpen };
  }
  try {
    const result = await retryMessageInTx(tx, actor, input);
    return { outcome: "retried", attempt: result.attempt, isRepeat: result.isRepeat };
  } catch (error) {
    // refused before anything was written (the state moved on): the transaction is still clean
    if (error instanceof ServiceError && error.code === "CONFLICT") {
      return { outcome: "skipped", detail: error.message };
    }
    throw error;
  }
}

/** Discards an open dead letter: manual_action discard (actor, reason) on the message's ledger. */
export async function discardDeadLetterInTx(
  tx: TDbTx,
  actor: TActor,
  input: TDeadLetterActionInput,
): Promise<TDeadLetterActionResult> {
  await lockMessage(tx, input.tenantId, input.messageId);
  if (await operationDone(tx, input)) return { outcome: "discarded", isRepeat: true };
  const notOpen = await notOpenReason(tx, input.tenantId, input.messageId);
  if (notOpen) return { outcome: "skipped", detail: notOpen };
  const dl = await findDeadLetter(tx, input.tenantId, input.messageId);
  await appendEvents(
    tx,
    input.tenantId,
    input.messageId,
    [
      {
        type: "manual_action",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.operator(input.operationId),
        payload: { deadLetterAttempt: dl?.deadLetterAttempt ?? null },
        action: "discard",
        actor: actorLabel(actor),
        reason: input.reason,
      },
    ],
    { now: input.now },
  );
  return { outcome: "discarded", isRepeat: false };
}

/** The console's single discard: a dead letter that is not open is a CONFLICT, said in words. */
export async function discardDeadLetter(
  db: TDb,
  actor: TActor,
  input: TDeadLetterActionInput,
): Promise<{ isRepeat: boolean }> {
  const result = await db.$transaction((tx) => discardDeadLetterInTx(tx, actor, input), TX);
  if (result.outcome === "skipped") {
    throw new ServiceError(
      "CONFLICT",
      `only an open dead letter can be discarded; this one is ${result.detail}`,
    );
  }
  return { isRepeat: result.outcome === "discarded" ? result.isRepeat : false };
}
