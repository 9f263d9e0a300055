// Conflicts: combinations of facts that cannot all be true as first reported. Each kind has one
// explicit resolution (applied by decideState) and is surfaced for support, never hidden. Like the
// decision, detection reads only the set of facts, so it is the same for every arrival order.

import type { TLedgerError } from "../ledger/ledger-event";
import { compareStrings } from "../ledger/group-receipts";
import { stateForEventType, type TDecision } from "./decide-state";
import { describeConflict, type TConflict, type TConflictDetail } from "./explain";
import type { TMessageState } from "./message-state";
import {
  compareDelivery,
  comparePosition,
  compareTieBreak,
  isAcceptanceEvidence,
  isDeliveryEvidence,
  pickFirst,
  type TFactSet,
  type TResolvedFact,
} from "./resolve-facts";
import { CONFLICT_KINDS, type TRuleId } from "./rules";

export function detectConflicts(factSet: TFactSet, decision: TDecision): TConflict[] {
  const conflicts: TConflict[] = [];
  const add = (
    rule: TRuleId,
    attempt: number | null,
    facts: readonly TResolvedFact[],
    detail: TConflictDetail,
  ): void => {
    const dedupeKeys = [...new Set(facts.map((fact) => fact.dedupeKey))].sort(compareStrings);
    conflicts.push({ kind: detail.kind, rule, attempt, dedupeKeys, resolution: describeConflict(detail) });
  };

  for (const [attempt, facts] of positionalByAttempt(factSet.facts)) {
    const topDelivery = pickFirst(facts.filter(isDeliveryEvidence), compareDelivery);
    const failed = facts.filter((fact) => fact.positionalType === "status_failed");

    // R8: failed and delivery evidence on one attempt. Delivery always wins; the kind only records
    // which the provider timestamped last, so support can tell a late failure from a late delivery.
    if (topDelivery !== null && failed.length > 0) {
      const state = stateOf(topDelivery);
      const laterFailed = pickFirst(
        failed.filter((fact) => isStrictlyLater(fact, topDelivery)),
        compareTieBreak,
      );
      const shown = laterFailed ?? pickFirst(failed, compareTieBreak)!;
      const kind =
        laterFailed !== null
          ? "failed_after_delivered"
          : state === "delivered"
            ? "delivered_after_failed"
            : "read_after_failed";
      add("R8", attempt, [topDelivery, ...failed], { kind, attempt, state, error: errorOf(shown) });
    }

    // R5: the recipient has an earlier attempt, yet the pipeline moved on to a later one.
    if (topDelivery !== null && attempt < factSet.latestAttempt) {
      add("R5", attempt, [topDelivery], {
        kind: "superseded_attempt_delivered",
        attempt,
        state: stateOf(topDelivery),
        latestAttempt: factSet.latestAttempt,
      });
    }

    const acceptance = facts.filter(isAcceptanceEvidence);
    if (acceptance.length === 0) continue;
    const shownAcceptance = pickFirst(acceptance, comparePosition)!;

    // R4: the provider took an attempt that never failed, yet another attempt followed (an in-doubt
    // attempt resolved as "not sent", or a forced retry of a message stuck at sent): the first
    // one may still be delivered. Delivered ones are already superseded_attempt_delivered.
    if (attempt < factSet.latestAttempt && topDelivery === null && failed.length === 0) {
      add("R4", attempt, [shownAcceptance], {
        kind: "superseded_attempt_accepted",
        attempt,
        state: stateOf(shownAcceptance),
        latestAttempt: factSet.latestAttempt,
      });
    }

    // R10: a synchronous rejection, yet the provider accepted the attempt (e.g. a timeout or a
    // 5xx recorded as a rejection while the request had gone through).
    const rejected = facts.filter((fact) => fact.positionalType === "provider_rejected");
    if (rejected.length > 0) {
      const shown = pickFirst(rejected, compareTieBreak)!;
      add("R10", attempt, [...rejected, shownAcceptance], {
        kind: "rejection_contradicted",
        attempt,
        error: errorOf(shown),
      });
    }

    // R11: the pipeline gave up on an attempt the provider had in fact accepted.
    const deadLettered = facts.filter((fact) => fact.positionalType === "dead_lettered");
    if (deadLettered.length > 0) {
      add("R11", attempt, [...deadLettered, shownAcceptance], { kind: "dead_letter_contradicted", attempt });
    }
  }

  // R9: a cancel that lost because a provider already had the message.
  if (decision.cancel !== null && decision.state !== "cancelled") {
    const cancels = factSet.facts.filter((fact) => fact.role === "cancel");
    const involved = decision.positionalDecider ? [...cancels, decision.positionalDecider] : cancels;
    add("R9", null, involved, { kind: "cancel_not_honoured", state: decision.state });
  }

  // R1: receipts that share a dedupeKey but not their content.
  for (const fact of factSet.facts) {
    if (fact.isDivergent) {
      add("R1", fact.attempt, [fact], { kind: "divergent_duplicates", dedupeKey: fact.dedupeKey });
    }
  }

  return conflicts.sort(compareConflicts);
}

function positionalByAttempt(facts: readonly TResolvedFact[]): [number, TResolvedFact[]][] {
  const byAttempt = new Map<number, TResolvedFact[]>();
  for (const fact of facts) {
    if (fact.role !== "positional" || fact.attempt === null) continue;
    const list = byAttempt.get(fact.attempt);
    if (list) list.push(fact);
    else byAttempt.set(fact.attempt, [fact]);
  }
  return [...byAttempt.entries()].sort(([a], [b]) => a - b);
}

function stateOf(fact: TResolvedFact): TMessageState {
  // Only called with positional facts (delivery or acceptance evidence).
  return fact.positionalType === null ? "queued" : stateForEventType(fact.positionalType);
}

/** Provider time strictly after; unknown times never count as "after" (R8 defaults to delivery-after). */
function isStrictlyLater(fact: TResolvedFact, than: TResolvedFact): boolean {
  const time = fact.event.providerTimestamp;
  const reference = than.event.providerTimestamp;
  return time !== null && reference !== null && time > reference;
}

function errorOf(fact: TResolvedFact): TLedgerError | null {
  const event = fact.event;
  return "error" in event ? event.error : null;
}

function compareConflicts(a: TConflict, b: TConflict): number {
  return (
    CONFLICT_KINDS.indexOf(a.kind) - CONFLICT_KINDS.indexOf(b.kind) ||
    (a.attempt ?? -1) - (b.attempt ?? -1) ||
    compareStrings(a.dedupeKeys.join("\n"), b.dedupeKeys.join("\n"))
  );
}
