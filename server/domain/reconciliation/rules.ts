// The reconciliation rules, versioned. docs/reconciliation.md is the prose version of this file;
// a change to either changes the other. Stored derivations carry their rules version, so a new
// version can be dry-run over stored ledgers (diffDerived) before it is switched on.
//
// What is data here (the phase order, what a cancel may override) a new version may change by
// value; a change of logic beyond that adds a `switch (rules.version)` where it applies.

import type { TMessageState } from "./message-state";

export const RULE_IDS = [
  "R1",
  "R2",
  "R3",
  "R4",
  "R5",
  "R6",
  "R7",
  "R8",
  "R9",
  "R10",
  "R11",
  "R12",
  "R13",
] as const;
export type TRuleId = (typeof RULE_IDS)[number];

/** One line per rule; the full text and rationale are in docs/reconciliation.md. */
export const RULE_SUMMARIES: Readonly<Record<TRuleId, string>> = {
  R1: "Receipts with one dedupeKey are one fact; its content is the receipt whose canonical content sorts first",
  R2: "annotation, stalled_detected, state_recomputed and manual_action never change state",
  R3: "Every fact has an attempt; requested is attempt 0; an unattributed webhook belongs to the latest started attempt (v2: to the attempt that produced its wamid, never to one known by another wamid)",
  R4: "The fact with the greatest (attempt, phase rank) decides: a later attempt supersedes an earlier one (flagged if the earlier one was accepted and never failed), webhooks outrank the synchronous pipeline",
  R5: "Delivery evidence (delivered, read, played) from any attempt decides over everything else, the highest status first",
  R6: "played implies read implies delivered implies sent implies accepted: a missing lower webhook is implied, never waited for",
  R7: "Progress only moves forward: a lower status never moves state back, whatever its timestamp",
  R8: "failed and delivery evidence on one attempt: delivery wins, flagged as a conflict",
  R9: "cancelled decides only while no provider has the message; otherwise it is recorded and flagged",
  R10: "A rejected attempt that the provider shows it accepted counts as accepted, flagged",
  R11: "A dead-lettered attempt that the provider shows it accepted counts as accepted, flagged",
  R12: "Ties between facts at the same position: earlier provider timestamp first (missing last), then dedupeKey",
  R13: "A ledger with no state-changing fact is queued",
};

export const CONFLICT_KINDS = [
  "delivered_after_failed",
  "read_after_failed",
  "failed_after_delivered",
  "superseded_attempt_delivered",
  "superseded_attempt_accepted",
  "rejection_contradicted",
  "dead_letter_contradicted",
  "cancel_not_honoured",
  "divergent_duplicates",
] as const;
export type TConflictKind = (typeof CONFLICT_KINDS)[number];

/** Event types that take part in the positional order (R4). */
export type TPositionalEventType =
  | "requested"
  | "retry_scheduled"
  | "attempt_started"
  | "provider_rejected"
  | "dead_lettered"
  | "provider_accepted"
  | "status_sent"
  | "status_failed"
  | "status_delivered"
  | "status_read"
  | "status_played";

export type TReconciliationRules = {
  version: number;
  /** Order of facts within one attempt; the higher rank decides (R4). */
  phaseRank: Readonly<Record<TPositionalEventType, number>>;
  /** States a cancel overrides (R9): nothing has reached the provider. */
  cancellableStates: readonly TMessageState[];
};

export const RULES_V1 = {
  version: 1,
  phaseRank: {
    requested: 0, // attempt 0 only
    retry_scheduled: 0, // announces its attempt, so it precedes that attempt's start
    attempt_started: 1,
    provider_rejected: 2,
    // After a rejection (that is why it is dead-lettered) but below any acceptance evidence:
    // a dead letter is a pipeline decision, the provider's word about the attempt outranks it.
    dead_lettered: 3,
    provider_accepted: 4,
    status_sent: 5,
    // failed is an outcome: it outranks sent (a late sent never un-fails) ...
    status_failed: 6,
    // ... and delivery evidence outranks failed (multi-device: the message did arrive).
    status_delivered: 7,
    status_read: 8,
    status_played: 9,
  },
  cancellableStates: ["queued", "submitting", "retrying", "rejected", "dead_lettered"],
} as const satisfies TReconciliationRules;

/**
 * v2 changes R3 only (docs/reconciliation.md section 10): an unattributed webhook belongs to the
 * attempt that produced its wamid, and one whose wamid differs from every known attempt's belongs
 * to the latest attempt whose answer was lost, never to an attempt known by another wamid. Phase
 * ranks and cancellable states are v1's.
 */
export const RULES_V2 = { ...RULES_V1, version: 2 } as const satisfies TReconciliationRules;

export const CURRENT_RULES: TReconciliationRules = RULES_V2;

const RULES_BY_VERSION: ReadonlyMap<number, TReconciliationRules> = new Map<number, TReconciliationRules>([
  [RULES_V1.version, RULES_V1],
  [RULES_V2.version, RULES_V2],
]);

/** Every rules version this build knows, oldest first (property tests run over each). */
export const ALL_RULES: readonly TReconciliationRules[] = [...RULES_BY_VERSION.values()].sort(
  (a, b) => a.version - b.version,
);

/** The rules a stored derivation was made with, or null for a version this build does not know. */
export function rulesForVersion(version: number): TReconciliationRules | null {
  return RULES_BY_VERSION.get(version) ?? null;
}
