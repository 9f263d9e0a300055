// deriveState: a message's current state from its ledger, by the versioned rules in rules.ts
// (prose: docs/reconciliation.md). Pure and deterministic: the result is identical for every
// arrival order of the rows and any number of duplicate receipts, because
//   1. receipts are collapsed into facts by dedupeKey, each fact's content chosen by content (R1);
//   2. every decision, conflict and explanation reads the SET of facts, never the input order;
//   3. where an order is needed (the timeline, tie-breaks) it is a total order over fact content
//      (attempt, phase rank, provider timestamp, dedupeKey), never over recordedAt or row ids.
// recordedAt is read in one place: `since`, the first receipt of the deciding fact, which a later
// duplicate cannot move.

import { compareReceipts, compareStrings, groupReceipts } from "../ledger/group-receipts";
import type { TLedgerEvent, TTemplatePacing } from "../ledger/ledger-event";
import { decideState } from "./decide-state";
import { detectConflicts } from "./detect-conflicts";
import { explainDecision, type TConflict } from "./explain";
import type { TMessageState } from "./message-state";
import {
  isStatusType,
  resolveFacts,
  toFactRef,
  type TFactRef,
  type TFactSet,
  type TResolvedFact,
} from "./resolve-facts";
import type { TReconciliationRules, TRuleId } from "./rules";

export type TTransition = {
  from: TMessageState | null;
  to: TMessageState;
  /** The fact whose addition (in timeline order) moved the state. */
  fact: TFactRef;
};

export type TDerived = {
  rulesVersion: number;
  state: TMessageState;
  /**
   * The deciding fact, by content. Duplicate receipts of it have different row ids, so it is
   * identified by dedupeKey; `pickDeciderReceipt` finds the row to show (its first receipt).
   */
  decider: TFactRef | null;
  explanation: string;
  conflicts: readonly TConflict[];
  appliedRules: readonly TRuleId[];
  /** State changes along the canonical timeline (see compareTimeline), for the message page. */
  transitions: readonly TTransition[];
  /** The highest attempt number in the ledger (0 before the first attempt). */
  latestAttempt: number;
  /** Distinct facts (not receipts: receipt counts change with duplicates, facts do not). */
  factCount: number;
  /** When the deciding fact was first recorded (epoch ms); the clock for isStalled. */
  since: number | null;
  /** For `retrying`: when the scheduled attempt becomes due. */
  retryDueAt: number | null;
  /**
   * For `accepted`: Meta's template pacing of the deciding acceptance (held for quality
   * assessment, or its template paused), else null. Such a message waits at Meta by design, so it
   * has its own stall threshold.
   */
  pacing: TTemplatePacing | null;
};

export function deriveState(events: readonly TLedgerEvent[], rules: TReconciliationRules): TDerived {
  assertOneMessage(events);
  const groups = groupReceipts(events);
  const factSet = resolveFacts(groups, rules);
  const decision = decideState(factSet, rules);
  const conflicts = detectConflicts(factSet, decision);
  const explanation = explainDecision(factSet, decision, conflicts);
  const decider = decision.decider;

  return {
    rulesVersion: rules.version,
    state: decision.state,
    decider: decider === null ? null : toFactRef(decider),
    explanation: explanation.text,
    conflicts,
    appliedRules: explanation.rules,
    transitions: deriveTransitions(factSet, rules),
    latestAttempt: factSet.latestAttempt,
    factCount: groups.length,
    since: decider === null ? null : decider.firstRecordedAt,
    retryDueAt: decider !== null && decider.event.type === "retry_scheduled" ? decider.event.notBefore : null,
    pacing:
      decision.state === "accepted" && decider !== null && decider.event.type === "provider_accepted"
        ? (decider.event.templatePacing ?? null)
        : null,
  };
}

/** The receipt to display for the decider: its first receipt (earliest recordedAt, then id). */
export function pickDeciderReceipt(
  events: readonly TLedgerEvent[],
  derived: Pick<TDerived, "decider">,
): TLedgerEvent | null {
  if (derived.decider === null) return null;
  const key = derived.decider.dedupeKey;
  let first: TLedgerEvent | null = null;
  for (const event of events) {
    if (event.dedupeKey === key && (first === null || compareReceipts(event, first) < 0)) first = event;
  }
  return first;
}

/**
 * Replays the facts in canonical timeline order and records each state change. Each step re-runs
 * the decision rules on the prefix, so the timeline can never end anywhere but at deriveState's
 * answer. Attempts stay as resolved over the whole ledger (R3): the timeline tells the story as
 * we understand it now. Quadratic in facts, which is fine for one message (tens of facts).
 */
function deriveTransitions(factSet: TFactSet, rules: TReconciliationRules): TTransition[] {
  const ordered = factSet.facts.filter((fact) => fact.role !== "inert").sort(compareTimeline);
  const transitions: TTransition[] = [];
  const prefix: TResolvedFact[] = [];
  let current: TMessageState | null = null;
  for (const fact of ordered) {
    prefix.push(fact);
    const { state } = decideState({ facts: prefix, latestAttempt: factSet.latestAttempt }, rules);
    if (state !== current) {
      transitions.push({ from: current, to: state, fact: toFactRef(fact) });
      current = state;
    }
  }
  return transitions;
}

/**
 * Timeline order: attempt by attempt; within an attempt our pipeline facts by phase, then webhooks
 * by provider time (what happened when on the provider's side; missing times last); cancels after
 * everything, since a cancel that won happened before acceptance and one that lost changes nothing.
 */
function compareTimeline(a: TResolvedFact, b: TResolvedFact): number {
  const group = (fact: TResolvedFact) => (fact.role === "cancel" ? 1 : 0);
  const lane = (fact: TResolvedFact) =>
    fact.positionalType !== null && isStatusType(fact.positionalType) ? 1 : 0;
  const time = (fact: TResolvedFact) => fact.event.providerTimestamp ?? Number.MAX_SAFE_INTEGER;
  return (
    group(a) - group(b) ||
    (a.attempt ?? 0) - (b.attempt ?? 0) ||
    lane(a) - lane(b) ||
    (lane(a) === 1 ? time(a) - time(b) : 0) ||
    a.rank - b.rank ||
    compareStrings(a.dedupeKey, b.dedupeKey)
  );
}

function assertOneMessage(events: readonly TLedgerEvent[]): void {
  // A ledger is per message; mixing two would merge their facts by dedupeKey. A caller bug: throw.
  const messageId = events[0]?.messageId;
  for (const event of events) {
    if (event.messageId !== messageId) {
      throw new Error(`deriveState: events of messages ${messageId} and ${event.messageId} mixed`);
    }
  }
}
