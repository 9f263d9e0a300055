// The two things an engineer does to one dead letter: retry it (a new attempt, the retry's own
// facts: manual_action retry + retry_scheduled, requeued) or discard it (a manual_action discard
// with actor and reason: the message stays dead-lettered, the dead letter is closed). Each is
// idempotent per operation id (a bulk item's id, a console click): a repeat reports the first
// outcome and writes nothing. Only an open dead letter is acted on (whyNotDeadLetterActionable,
// the dry run's skip reasons); anything else is skipped with the reason.
import type { TDb, TDbTx } from "@/server/db/client";
import { findDeadLetter } from "@/server/db/queries/dead-letters";
import { whyNotDeadLetterActionable } from "@/server/domain/operator-actions/eligibility";
import type { TActor } from "@/server/services/actor";
import {
  attemptOf,
  runOperatorAction,
  runOperatorActionInTx,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";
import { enqueueRetry, retryFacts } from "@/server/services/sending/retry-message";

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

type TDeadLetterLoaded = Awaited<ReturnType<typeof findDeadLetter>>;

const loadDeadLetter = (tx: TDbTx, input: { tenantId: string; messageId: string }) =>
  findDeadLetter(tx, input.tenantId, input.messageId);

export const retryDeadLetterAction: TOperatorAction<TDeadLetterLoaded, TDeadLetterActionResult> = {
  action: "retry",
  load: loadDeadLetter,
  repeated: (done) => ({ outcome: "retried", attempt: attemptOf(done), isRepeat: true }),
  decide: (context) => {
    const refusal = whyNotDeadLetterActionable(context.loaded, context.derived.state);
    return refusal ? { kind: "refuse", refusal } : retryFacts(context);
  },
  commit: (tx, context) => enqueueRetry(tx, context),
  result: (context) => ({ outcome: "retried", attempt: context.derived.latestAttempt + 1, isRepeat: false }),
};

export const discardDeadLetterAction: TOperatorAction<TDeadLetterLoaded, TDeadLetterActionResult> = {
  action: "discard",
  load: loadDeadLetter,
  repeated: () => ({ outcome: "discarded", isRepeat: true }),
  decide: ({ loaded, derived }) => {
    const refusal = whyNotDeadLetterActionable(loaded, derived.state);
    if (refusal) return { kind: "refuse", refusal };
    return { kind: "append", payload: { deadLetterAttempt: loaded?.deadLetterAttempt ?? null }, facts: [] };
  },
  result: () => ({ outcome: "discarded", isRepeat: false }),
};

/** Runs a dead-letter action in a bulk item's transaction: a refusal is a skip, in words. */
async function actInTx(
  tx: TDbTx,
  actor: TActor,
  definition: TOperatorAction<TDeadLetterLoaded, TDeadLetterActionResult>,
  input: TDeadLetterActionInput,
): Promise<TDeadLetterActionResult> {
  const outcome = await runOperatorActionInTx(tx, actor, definition, input);
  return outcome.kind === "refused"
    ? { outcome: "skipped", detail: outcome.refusal.message }
    : outcome.result;
}

/** Retries an open dead letter as the next attempt; anything else is skipped with the reason. */
export function retryDeadLetterInTx(tx: TDbTx, actor: TActor, input: TDeadLetterActionInput) {
  return actInTx(tx, actor, retryDeadLetterAction, input);
}

/** Discards an open dead letter: manual_action discard (actor, reason) on the message's ledger. */
export function discardDeadLetterInTx(tx: TDbTx, actor: TActor, input: TDeadLetterActionInput) {
  return actInTx(tx, actor, discardDeadLetterAction, input);
}

/** The console's single discard: a dead letter that is not open is a CONFLICT, said in words. */
export async function discardDeadLetter(
  db: TDb,
  actor: TActor,
  input: TDeadLetterActionInput,
): Promise<{ isRepeat: boolean }> {
  const result = await runOperatorAction(
    db,
    actor,
    discardDeadLetterAction,
    input,
    (refusal) => `only an open dead letter can be discarded; this one is ${refusal.message}`,
  );
  return { isRepeat: result.outcome === "discarded" ? result.isRepeat : false };
}
