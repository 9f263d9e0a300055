// Human-readable explanations, built only from fact content (types, attempts, provider timestamps,
// errors), never from arrival order or receipt counts, so every permutation and duplication of a
// ledger explains itself in the same words. Support reads these; the texts are listed verbatim in
// docs/reconciliation.md and asserted in tests.

import type { TLedgerError, TTemplatePacing } from "../ledger/ledger-event";
import { stateForEventType, type TDecision } from "./decide-state";
import type { TMessageState } from "./message-state";
import { isStatusType, type TFactSet, type TResolvedFact } from "./resolve-facts";
import { RULE_IDS, type TConflictKind, type TPositionalEventType, type TRuleId } from "./rules";

export type TConflict = {
  kind: TConflictKind;
  /** The rule that resolved it. */
  rule: TRuleId;
  /** The attempt the conflict is about; null for message-wide conflicts (a cancel). */
  attempt: number | null;
  /** The facts involved, sorted. */
  dedupeKeys: readonly string[];
  /** What was decided and why, in words; also a clause of the explanation. */
  resolution: string;
};

export type TClause = { rule: TRuleId; text: string };

export type TExplanation = {
  /** Clauses joined with "; ", the decision first. */
  text: string;
  clauses: readonly TClause[];
  /** Rules that shaped the result, in rule order. */
  rules: readonly TRuleId[];
};

export function formatError(error: TLedgerError | null): string {
  if (error === null) return "no error recorded";
  return error.title ? `${error.code}: ${error.title}` : error.code;
}

/** " for attempt 2"; nothing for attempt 0, a ledger with no pipeline facts (imports, tests). */
function forAttempt(attempt: number | null): string {
  return attempt !== null && attempt > 0 ? ` for attempt ${attempt}` : "";
}

/** What a conflict's text needs, per kind. */
export type TConflictDetail =
  | {
      kind: "delivered_after_failed" | "read_after_failed" | "failed_after_delivered";
      attempt: number;
      state: TMessageState;
      error: TLedgerError | null;
    }
  | {
      kind: "superseded_attempt_delivered" | "superseded_attempt_accepted";
      attempt: number;
      state: TMessageState;
      latestAttempt: number;
    }
  | { kind: "rejection_contradicted"; attempt: number; error: TLedgerError | null }
  | { kind: "dead_letter_contradicted"; attempt: number }
  | { kind: "cancel_not_honoured"; state: TMessageState }
  | { kind: "divergent_duplicates"; dedupeKey: string };

/** The resolution text of a conflict (see docs/reconciliation.md, section 5). */
export function describeConflict(detail: TConflictDetail): string {
  switch (detail.kind) {
    case "delivered_after_failed":
    case "read_after_failed":
      return `provider also reported failed (${formatError(detail.error)})${forAttempt(detail.attempt)}, ${detail.state} wins`;
    case "failed_after_delivered":
      return `provider reported failed (${formatError(detail.error)})${forAttempt(detail.attempt)} after ${detail.state}, ${detail.state} wins`;
    case "superseded_attempt_delivered":
      return `attempt ${detail.attempt} reached the recipient (${detail.state}) but attempt ${detail.latestAttempt} followed, the recipient may get the message twice`;
    case "superseded_attempt_accepted":
      return `attempt ${detail.attempt} was accepted by the provider (${detail.state}) but attempt ${detail.latestAttempt} followed, the recipient may get the message twice`;
    case "rejection_contradicted":
      return `attempt ${detail.attempt} was rejected (${formatError(detail.error)}) but the provider accepted it, acceptance wins`;
    case "dead_letter_contradicted":
      return `attempt ${detail.attempt} was dead-lettered but the provider accepted it, acceptance wins`;
    case "cancel_not_honoured":
      return `cancel recorded but the provider already had the message (${detail.state}), a cancel cannot unsend`;
    case "divergent_duplicates":
      return `receipts of ${detail.dedupeKey} differ, the canonical one was used`;
    default: {
      const unreachable: never = detail;
      return unreachable;
    }
  }
}

/** What Meta's template pacing of an accepted send means, in the words support reads. */
export const TEMPLATE_PACING_TEXT: Readonly<Record<TTemplatePacing, string>> = {
  held_for_quality_assessment: "Meta is holding this marketing template for quality assessment",
  paused: "Meta has paused this template: the message waits at Meta until the template is released",
};

function pacingText(pacing: TTemplatePacing | undefined): string {
  return pacing === undefined ? "" : ` (${TEMPLATE_PACING_TEXT[pacing]})`;
}

function decisionClause(decision: TDecision): TClause {
  const decider = decision.decider;
  if (decider === null) return { rule: "R13", text: "queued: no state-changing event recorded" };
  const event = decider.event;
  const attempt = decider.attempt ?? 0;
  switch (event.type) {
    case "requested":
      return { rule: "R4", text: "queued: requested, no attempt started yet" };
    case "retry_scheduled":
      return {
        rule: "R4",
        text: `retrying: attempt ${attempt} scheduled${event.error ? ` (${formatError(event.error)})` : ""}`,
      };
    case "attempt_started":
      return { rule: "R4", text: `submitting: attempt ${attempt} started, provider response not recorded` };
    case "provider_rejected":
      return {
        rule: "R4",
        text: `rejected: provider rejected attempt ${attempt} (${formatError(event.error)})`,
      };
    case "dead_lettered":
      return {
        rule: "R4",
        text: `dead_lettered: stopped at attempt ${attempt}, ${event.reason}${event.error ? ` (${formatError(event.error)})` : ""}`,
      };
    case "provider_accepted":
      return {
        rule: "R4",
        text: `accepted: provider accepted attempt ${attempt}${pacingText(event.templatePacing)}, no status webhook yet`,
      };
    case "status_sent":
      return { rule: "R4", text: `sent: provider reported sent${forAttempt(attempt)}` };
    case "status_failed":
      return {
        rule: "R4",
        text: `failed: provider reported failed${forAttempt(attempt)} (${formatError(event.error)})`,
      };
    case "status_delivered":
    case "status_read":
    case "status_played": {
      const status = stateForEventType(event.type);
      return { rule: "R5", text: `${status}: provider reported ${status}${forAttempt(attempt)}` };
    }
    case "cancelled":
      return { rule: "R9", text: "cancelled: cancelled before any provider had the message" };
    case "stalled_detected":
    case "manual_action":
    case "annotation":
    case "state_recomputed":
      // decideState only picks positional facts and cancels; reaching this is a bug.
      throw new Error(`reconciliation: inert fact ${event.type} cannot decide a state`);
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The statuses a webhook implies (R6), highest first; failed implies no progress. */
const IMPLIED_STATUSES: Readonly<Partial<Record<TPositionalEventType, readonly TPositionalEventType[]>>> = {
  status_played: ["status_read", "status_delivered", "status_sent"],
  status_read: ["status_delivered", "status_sent"],
  status_delivered: ["status_sent"],
};

/** R6 and R7 notes about the decider's own attempt. */
function progressClauses(factSet: TFactSet, decider: TResolvedFact): TClause[] {
  if (decider.positionalType === null || !isStatusType(decider.positionalType)) return [];
  const status = stateForEventType(decider.positionalType);
  const sameAttempt = factSet.facts.filter(
    (fact) => fact.role === "positional" && fact.attempt === decider.attempt,
  );
  const present = new Set(sameAttempt.map((fact) => fact.positionalType));
  const clauses: TClause[] = [];

  const missing = (IMPLIED_STATUSES[decider.positionalType] ?? [])
    .filter((type) => !present.has(type))
    .map((type) => stateForEventType(type));
  if (missing.length > 0) {
    const list = missing.join(" and ");
    clauses.push({
      rule: "R6",
      text: `${status} implies ${list}; ${list} webhook${missing.length > 1 ? "s" : ""} never came`,
    });
  }
  if (!present.has("provider_accepted")) {
    clauses.push({ rule: "R6", text: `${status} webhook proves acceptance; accept response never recorded` });
  }

  // R7: lower statuses the provider timestamped after the decider. failed below a delivery status is
  // a conflict (R8), reported with the conflicts instead.
  const deciderTime = decider.event.providerTimestamp;
  if (deciderTime !== null) {
    const late = new Set<TPositionalEventType>();
    for (const fact of sameAttempt) {
      const time = fact.event.providerTimestamp;
      if (
        fact.positionalType !== null &&
        isStatusType(fact.positionalType) &&
        fact.positionalType !== "status_failed" &&
        fact.rank < decider.rank &&
        time !== null &&
        time > deciderTime
      ) {
        late.add(fact.positionalType);
      }
    }
    const lateTypes = [...late].sort((a, b) => rankOf(sameAttempt, b) - rankOf(sameAttempt, a));
    for (const type of lateTypes) {
      clauses.push({ rule: "R7", text: `late ${stateForEventType(type)} ignored after ${status}` });
    }
  }
  return clauses;
}

function rankOf(facts: readonly TResolvedFact[], type: TPositionalEventType): number {
  return facts.find((fact) => fact.positionalType === type)?.rank ?? -1;
}

export function explainDecision(
  factSet: TFactSet,
  decision: TDecision,
  conflicts: readonly TConflict[],
): TExplanation {
  const clauses: TClause[] = [decisionClause(decision)];
  if (decision.decider !== null && decision.decider.role === "positional") {
    clauses.push(...progressClauses(factSet, decision.decider));
  }
  for (const conflict of conflicts) {
    clauses.push({ rule: conflict.rule, text: `conflict ${conflict.kind}: ${conflict.resolution}` });
  }
  const used = new Set<TRuleId>(clauses.map((clause) => clause.rule));
  if (factSet.facts.some((fact) => fact.role === "positional" && isUnattributed(fact))) used.add("R3");
  return {
    text: clauses.map((clause) => clause.text).join("; "),
    clauses,
    rules: RULE_IDS.filter((rule) => used.has(rule)),
  };
}

function isUnattributed(fact: TResolvedFact): boolean {
  return "attempt" in fact.event && fact.event.attempt === null;
}
