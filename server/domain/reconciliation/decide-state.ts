// The core decision: which fact decides the state (R4, R5, R9, R13). Kept apart from conflicts and
// explanations because the timeline re-runs it on every prefix of the canonical order.

import type { TMessageState } from "./message-state";
import {
  compareDelivery,
  comparePosition,
  isDeliveryEvidence,
  pickFirst,
  type TFactSet,
  type TResolvedFact,
} from "./resolve-facts";
import type { TPositionalEventType, TReconciliationRules } from "./rules";
import { compareStrings } from "../ledger/group-receipts";

export type TDecision = {
  state: TMessageState;
  /** The fact that decided the state; null only for an empty ledger (R13). */
  decider: TResolvedFact | null;
  /** What R4/R5 alone decided; differs from `state` only when a cancel won (R9). */
  positionalState: TMessageState;
  positionalDecider: TResolvedFact | null;
  /** The cancel fact R9 looked at (the smallest dedupeKey), whether it won or not. */
  cancel: TResolvedFact | null;
};

/** Each state has exactly one event type that can produce it. */
export function stateForEventType(type: TPositionalEventType | "cancelled"): TMessageState {
  switch (type) {
    case "requested":
      return "queued";
    case "retry_scheduled":
      return "retrying";
    case "attempt_started":
      return "submitting";
    case "provider_rejected":
      return "rejected";
    case "dead_lettered":
      return "dead_lettered";
    case "provider_accepted":
      return "accepted";
    case "status_sent":
      return "sent";
    case "status_failed":
      return "failed";
    case "status_delivered":
      return "delivered";
    case "status_read":
      return "read";
    case "status_played":
      return "played";
    case "cancelled":
      return "cancelled";
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

export function decideState(factSet: TFactSet, rules: TReconciliationRules): TDecision {
  const positional = factSet.facts.filter((fact) => fact.role === "positional");
  // R5 before R4: once the recipient's device has the message, nothing later un-delivers it.
  const positionalDecider =
    pickFirst(positional.filter(isDeliveryEvidence), compareDelivery) ??
    pickFirst(positional, comparePosition);
  const positionalState =
    positionalDecider?.positionalType != null
      ? stateForEventType(positionalDecider.positionalType)
      : "queued";

  const cancel = pickFirst(
    factSet.facts.filter((fact) => fact.role === "cancel"),
    (a, b) => compareStrings(a.dedupeKey, b.dedupeKey),
  );
  // R9: a cancel wins only while no provider has the message; after that it cannot unsend.
  if (cancel !== null && rules.cancellableStates.includes(positionalState)) {
    return { state: "cancelled", decider: cancel, positionalState, positionalDecider, cancel };
  }
  return { state: positionalState, decider: positionalDecider, positionalState, positionalDecider, cancel };
}
