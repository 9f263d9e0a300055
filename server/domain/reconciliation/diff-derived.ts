// Drift between a stored derivation and a recomputed one: after a rules change ("rules v2 would
// change 12 messages: 9 sent->delivered, 3 failed->read") or as an integrity check that what was
// stored is what the ledger says today.

import { z } from "zod";

import { compareStrings } from "../ledger/group-receipts";
import type { TDerived } from "./derive-state";
import { MESSAGE_STATES, type TMessageState } from "./message-state";
import { CONFLICT_KINDS, type TConflictKind } from "./rules";

/** What a message row stores of its derivation: enough to diff and to show, not the timeline. */
export type TDerivedSnapshot = {
  rulesVersion: number;
  state: TMessageState;
  deciderKey: string | null;
  /** Sorted in CONFLICT_KINDS order, no repeats. */
  conflictKinds: readonly TConflictKind[];
  explanation: string;
};

/** For snapshots read back from the database. */
export const ZDerivedSnapshotSchema = z.object({
  rulesVersion: z.number().int().positive(),
  state: z.enum(MESSAGE_STATES),
  deciderKey: z.string().nullable(),
  conflictKinds: z.array(z.enum(CONFLICT_KINDS)),
  explanation: z.string(),
});

export function snapshotDerived(derived: TDerived): TDerivedSnapshot {
  return {
    rulesVersion: derived.rulesVersion,
    state: derived.state,
    deciderKey: derived.decider?.dedupeKey ?? null,
    conflictKinds: normaliseKinds(derived.conflicts.map((conflict) => conflict.kind)),
    explanation: derived.explanation,
  };
}

export type TDerivedDiff = {
  /** Anything a user could see changed (state, decider, conflicts or explanation). */
  isChanged: boolean;
  fromVersion: number;
  toVersion: number;
  stateChange: { from: TMessageState; to: TMessageState } | null;
  isDeciderChanged: boolean;
  conflictsAdded: readonly TConflictKind[];
  conflictsRemoved: readonly TConflictKind[];
  isExplanationChanged: boolean;
};

export function diffDerived(
  stored: TDerivedSnapshot | TDerived,
  recomputed: TDerivedSnapshot | TDerived,
): TDerivedDiff {
  const from = toSnapshot(stored);
  const to = toSnapshot(recomputed);
  const fromKinds = normaliseKinds(from.conflictKinds);
  const toKinds = normaliseKinds(to.conflictKinds);
  const conflictsAdded = toKinds.filter((kind) => !fromKinds.includes(kind));
  const conflictsRemoved = fromKinds.filter((kind) => !toKinds.includes(kind));
  const stateChange = from.state === to.state ? null : { from: from.state, to: to.state };
  const isDeciderChanged = from.deciderKey !== to.deciderKey;
  const isExplanationChanged = from.explanation !== to.explanation;
  return {
    isChanged:
      stateChange !== null ||
      isDeciderChanged ||
      conflictsAdded.length > 0 ||
      conflictsRemoved.length > 0 ||
      isExplanationChanged,
    fromVersion: from.rulesVersion,
    toVersion: to.rulesVersion,
    stateChange,
    isDeciderChanged,
    conflictsAdded,
    conflictsRemoved,
    isExplanationChanged,
  };
}

export type TDriftSummary = {
  /** The recomputed rules version, or null when the diffs disagree (or there are none). */
  toVersion: number | null;
  total: number;
  changed: number;
  /** Most frequent first, then by from/to name. */
  stateChanges: readonly { from: TMessageState; to: TMessageState; count: number }[];
  /** In CONFLICT_KINDS order; only kinds that changed. */
  conflictChanges: readonly { kind: TConflictKind; added: number; removed: number }[];
  /** Changed, but the state stayed the same (decider, conflicts or wording only). */
  changedWithoutStateChange: number;
};

export function summarizeDrift(diffs: readonly TDerivedDiff[]): TDriftSummary {
  const versions = new Set(diffs.map((diff) => diff.toVersion));
  const stateCounts = new Map<string, { from: TMessageState; to: TMessageState; count: number }>();
  const added = new Map<TConflictKind, number>();
  const removed = new Map<TConflictKind, number>();
  let changed = 0;
  let changedWithoutStateChange = 0;
  for (const diff of diffs) {
    if (!diff.isChanged) continue;
    changed += 1;
    if (diff.stateChange === null) changedWithoutStateChange += 1;
    else {
      const key = `${diff.stateChange.from}->${diff.stateChange.to}`;
      const entry = stateCounts.get(key) ?? { ...diff.stateChange, count: 0 };
      entry.count += 1;
      stateCounts.set(key, entry);
    }
    for (const kind of diff.conflictsAdded) added.set(kind, (added.get(kind) ?? 0) + 1);
    for (const kind of diff.conflictsRemoved) removed.set(kind, (removed.get(kind) ?? 0) + 1);
  }
  return {
    toVersion: versions.size === 1 ? [...versions][0]! : null,
    total: diffs.length,
    changed,
    stateChanges: [...stateCounts.values()].sort(
      (a, b) => b.count - a.count || compareStrings(a.from, b.from) || compareStrings(a.to, b.to),
    ),
    conflictChanges: CONFLICT_KINDS.filter((kind) => added.has(kind) || removed.has(kind)).map((kind) => ({
      kind,
      added: added.get(kind) ?? 0,
      removed: removed.get(kind) ?? 0,
    })),
    changedWithoutStateChange,
  };
}

/** "rules v2 would change 3 of 120 messages: 2 sent->delivered, 1 failed->read; 1 other change". */
export function formatDriftSummary(summary: TDriftSummary): string {
  const rules = summary.toVersion === null ? "the new rules" : `rules v${summary.toVersion}`;
  const head = `${rules} would change ${summary.changed} of ${summary.total} message${summary.total === 1 ? "" : "s"}`;
  const parts = summary.stateChanges.map((change) => `${change.count} ${change.from}->${change.to}`);
  if (summary.changedWithoutStateChange > 0) {
    parts.push(
      `${summary.changedWithoutStateChange} other change${summary.changedWithoutStateChange === 1 ? "" : "s"}`,
    );
  }
  return parts.length === 0 ? head : `${head}: ${parts.join(", ")}`;
}

function toSnapshot(value: TDerivedSnapshot | TDerived): TDerivedSnapshot {
  return "conflictKinds" in value ? value : snapshotDerived(value);
}

function normaliseKinds(kinds: readonly TConflictKind[]): TConflictKind[] {
  return CONFLICT_KINDS.filter((kind) => kinds.includes(kind));
}
