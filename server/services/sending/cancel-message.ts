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
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import { lockMessage } from "./retry-message";
import { removeSends } from "./send-queue";

export type TCancelMessageInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  /** Identifies this action: repeating it changes nothing. */
  operationId: string;
  now: Date;
};

/** Why a message in `state` cannot be cancelled, or null when it can. */
export function whyNotCancellable(state: TMessageState, latestAttempt: number): string | null {
  switch (state) {
    case "queued":
    case "retrying":
      return null;
    case "submitting":
      return `attempt ${latestAttempt} has already been handed to the provider and may have reached it; a WhatsApp message cannot be unsent`;
    case "accepted":
    case "sent":
    case "delivered":
    case "read":
    case "played":
    case "failed":
      return `the provider already has this message (${state}); a WhatsApp message cannot be unsent`;
    case "rejected":
    case "dead_lettered":
      return `nothing is queued to send (the message is ${state === "rejected" ? "rejected" : "dead-lettered"}); discard the dead letter instead`;
    case "cancelled":
      return "the message is already cancelled";
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

export async function cancelMessage(
  db: TDb,
  actor: TActor,
  input: TCancelMessageInput,
): Promise<{ state: TMessageState; isRepeat: boolean }> {
  return db.$transaction(
    async (tx) => {
      await lockMessage(tx, input.tenantId, input.messageId);
      const chain = await loadChain(tx, input.tenantId, input.messageId);
      const operationKey = dedupeKey.operator(input.operationId);
      if (chain.some((e) => e.dedupeKey === operationKey)) return { state: "cancelled", isRepeat: true };
      const derived = deriveState(chain, CURRENT_RULES);
      const refusal = whyNotCancellable(derived.state, derived.latestAttempt);
      if (refusal) throw new ServiceError("CONFLICT", `cannot cancel: ${refusal}`);
      const label = actorLabel(actor);
      const result = await appendEvents(
        tx,
        input.tenantId,
        input.messageId,
        [
          {
            type: "manual_action",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: operationKey,
            payload: { fromState: derived.state },
            action: "cancel",
            actor: label,
            reason: input.reason,
          },
          {
            type: "cancelled",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: dedupeKey.cancelled(input.operationId),
            payload: {},
            actor: label,
            reason: input.reason,
          },
        ],
        { now: input.now },
      );
      // R9 lets a cancel decide only before the provider has the message; checked above under
      // the lock, so anything else is a bug: roll back rather than record a cancel that did not win
      if (result.derived.state !== "cancelled") {
        throw new Error(`cancel did not decide the state (${result.derived.state})`);
      }
      await removeSends(tx, [{ tenantId: input.tenantId, messageId: input.messageId }]);
      return { state: result.derived.state, isRepeat: false };
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}
