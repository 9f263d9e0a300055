// An engineer cancels a message that has not reached the provider: manual_action cancel (who and
// why) and the cancelled fact, under the message's row lock, and its send_queue row removed.
//
// Racing the dispatcher is safe because both take the message's row lock before deciding:
// - the cancel commits first: the dispatcher's phase A (which locks the message and its queue row
//   together) finds no queue row and drops the claim; nothing is sent;
// - the dispatcher commits attempt_started first: the message is `submitting`, the provider may
//   already have it, and the cancel is refused (CONFLICT), never recorded as if it had worked.
// Reconciliation agrees (R9): a cancel decides only while no provider has the message.
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { whyNotCancellable } from "@/server/domain/operator-actions/eligibility";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import type { TActor } from "@/server/services/actor";
import {
  loadNothing,
  runOperatorAction,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";
import { removeSends } from "./send-queue";

export type TCancelMessageInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  /** Identifies this action: repeating it changes nothing. */
  operationId: string;
  now: Date;
};

export type TCancelMessageResult = { state: TMessageState; isRepeat: boolean };

export const cancelAction: TOperatorAction<null, TCancelMessageResult> = {
  action: "cancel",
  load: loadNothing,
  repeated: () => ({ state: "cancelled", isRepeat: true }),
  decide: ({ derived, input, actor }) => {
    const refusal = whyNotCancellable(derived.state, derived.latestAttempt);
    if (refusal) return { kind: "refuse", refusal };
    return {
      kind: "append",
      payload: { fromState: derived.state },
      facts: [
        {
          type: "cancelled",
          source: "operator",
          providerTimestamp: null,
          dedupeKey: dedupeKey.cancelled(input.operationId),
          payload: {},
          actor,
          reason: input.reason,
        },
      ],
    };
  },
  commit: async (tx, { input }, appended) => {
    // R9 lets a cancel decide only before the provider has the message; checked above under
    // the lock, so anything else is a bug: roll back rather than record a cancel that did not win
    if (appended.derived.state !== "cancelled") {
      throw new Error(`cancel did not decide the state (${appended.derived.state})`);
    }
    await removeSends(tx, [{ tenantId: input.tenantId, messageId: input.messageId }]);
  },
  result: (_context, appended) => ({ state: appended.derived.state, isRepeat: false }),
};

export async function cancelMessage(
  db: TDb,
  actor: TActor,
  input: TCancelMessageInput,
): Promise<TCancelMessageResult> {
  return runOperatorAction(db, actor, cancelAction, input);
}
