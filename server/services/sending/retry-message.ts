// An engineer retries a message the pipeline gave up on (dead-lettered), or one the provider
// failed (a human decided to try again): manual_action retry (actor, reason), then the
// retry_scheduled it causes, and the new attempt's send-queue row.
import type { TDb, TDbTx } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { whyNotRetryable } from "@/server/domain/operator-actions/eligibility";
import type { TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import {
  attemptOf,
  loadNothing,
  runOperatorAction,
  runOperatorActionInTx,
  type TActionContext,
  type TActionDecision,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";
import { enqueueSend } from "./send-queue";

export type TRetryMessageInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  /** Identifies this action: repeating it (a double click, a re-run) changes nothing. */
  operationId: string;
  now: Date;
};

export type TRetryMessageResult = { attempt: number; isRepeat: boolean };

/** The retry's facts once eligible: the next attempt, due now (shared with the dead-letter retry). */
export function retryFacts(context: TActionContext<unknown>): TActionDecision {
  const attempt = context.derived.latestAttempt + 1;
  return {
    kind: "append",
    payload: { attempt, fromState: context.derived.state },
    facts: [
      {
        type: "retry_scheduled",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
        payload: { requestedBy: context.actor },
        attempt,
        notBefore: context.input.now.getTime(),
        error: null,
      },
    ],
  };
}

/** Queues the attempt the retry scheduled. */
export async function enqueueRetry(tx: TDbTx, context: TActionContext<unknown>): Promise<void> {
  const { input, message } = context;
  await enqueueSend(tx, {
    tenantId: input.tenantId,
    messageId: input.messageId,
    senderNumberId: message.senderNumberId,
    recipient: message.recipient,
    attempt: context.derived.latestAttempt + 1,
    notBefore: input.now,
    now: input.now,
  });
}

export const retryAction: TOperatorAction<null, TRetryMessageResult> = {
  action: "retry",
  load: loadNothing,
  repeated: (done) => ({ attempt: attemptOf(done), isRepeat: true }),
  decide: (context) => {
    const refusal = whyNotRetryable(context.derived.state);
    return refusal ? { kind: "refuse", refusal } : retryFacts(context);
  },
  commit: (tx, context) => enqueueRetry(tx, context),
  result: (context) => ({ attempt: context.derived.latestAttempt + 1, isRepeat: false }),
};

export async function retryMessage(
  db: TDb,
  actor: TActor,
  input: TRetryMessageInput,
): Promise<TRetryMessageResult> {
  return runOperatorAction(db, actor, retryAction, input);
}

/** The retry in the caller's transaction (a resumed sender requeues what its pause dead-lettered). */
export async function retryMessageInTx(
  tx: TDbTx,
  actor: TActor,
  input: TRetryMessageInput,
): Promise<TRetryMessageResult> {
  const outcome = await runOperatorActionInTx(tx, actor, retryAction, input);
  if (outcome.kind === "refused") throw new ServiceError("CONFLICT", outcome.refusal.message);
  return outcome.result;
}
