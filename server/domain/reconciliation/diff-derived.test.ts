import { describe, expect, it } from "vitest";

import { acceptedPipeline, build } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "./derive-state";
import {
  diffDerived,
  formatDriftSummary,
  snapshotDerived,
  summarizeDrift,
  ZDerivedSnapshotSchema,
  type TDerivedSnapshot,
} from "./diff-derived";
import { RULES_V1 } from "./rules";

const derive = (events: TLedgerEvent[]) => deriveState(events, RULES_V1);

const sentLedger = [...acceptedPipeline(), build.status("sent", { at: 1 })];
const deliveredLedger = [...sentLedger, build.failed({ at: 2 }), build.status("delivered", { at: 3 })];

/** What a hypothetical v2 stored: the same ledger, but a different reading of it. */
function storedAs(overrides: Partial<TDerivedSnapshot>, events: TLedgerEvent[]): TDerivedSnapshot {
  return { ...snapshotDerived(derive(events)), ...overrides };
}

describe("snapshotDerived", () => {
  it("keeps what a message row stores, and parses back", () => {
    const snapshot = snapshotDerived(derive(deliveredLedger));
    expect(snapshot).toEqual({
      rulesVersion: 1,
      state: "delivered",
      deciderKey: "status:wamid.A1:delivered",
      conflictKinds: ["delivered_after_failed"],
      explanation:
        "delivered: provider reported delivered for attempt 1; conflict delivered_after_failed: provider also reported failed (131026: Message undeliverable) for attempt 1, delivered wins",
    });
    expect(ZDerivedSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
  });
});

describe("diffDerived", () => {
  it("finds nothing when the stored derivation is what the ledger says", () => {
    const derived = derive(deliveredLedger);
    const diff = diffDerived(snapshotDerived(derived), derived);
    expect(diff).toEqual({
      isChanged: false,
      fromVersion: 1,
      toVersion: 1,
      stateChange: null,
      isDeciderChanged: false,
      conflictsAdded: [],
      conflictsRemoved: [],
      isExplanationChanged: false,
    });
  });

  it("reports a state change with its decider, conflicts and wording", () => {
    const stored = snapshotDerived(derive([...sentLedger, build.failed({ at: 2 })]));
    const diff = diffDerived(stored, derive(deliveredLedger));
    expect(diff).toMatchObject({
      isChanged: true,
      stateChange: { from: "failed", to: "delivered" },
      isDeciderChanged: true,
      conflictsAdded: ["delivered_after_failed"],
      conflictsRemoved: [],
      isExplanationChanged: true,
    });
  });

  it("reports conflict-only changes without a state change", () => {
    const stored = storedAs({ conflictKinds: [], explanation: "delivered" }, deliveredLedger);
    const diff = diffDerived(stored, derive(deliveredLedger));
    expect(diff.stateChange).toBeNull();
    expect(diff.isChanged).toBe(true);
    expect(diff.conflictsAdded).toEqual(["delivered_after_failed"]);
  });
});

describe("summarizeDrift / formatDriftSummary", () => {
  it("counts state changes per transition, most frequent first", () => {
    const current = derive(deliveredLedger);
    const diffs = [
      diffDerived(storedAs({ state: "sent", deciderKey: "status:wamid.A1:sent" }, deliveredLedger), current),
      diffDerived(storedAs({ state: "sent", deciderKey: "status:wamid.A1:sent" }, deliveredLedger), current),
      diffDerived(storedAs({ state: "failed" }, deliveredLedger), current),
      diffDerived(storedAs({ conflictKinds: [] }, deliveredLedger), current),
      diffDerived(snapshotDerived(current), current),
    ].map((diff) => ({ ...diff, toVersion: 2 }));
    const summary = summarizeDrift(diffs);
    expect(summary).toEqual({
      toVersion: 2,
      total: 5,
      changed: 4,
      stateChanges: [
        { from: "sent", to: "delivered", count: 2 },
        { from: "failed", to: "delivered", count: 1 },
      ],
      conflictChanges: [{ kind: "delivered_after_failed", added: 1, removed: 0 }],
      changedWithoutStateChange: 1,
    });
    expect(formatDriftSummary(summary)).toBe(
      "rules v2 would change 4 of 5 messages: 2 sent->delivered, 1 failed->delivered, 1 other change",
    );
  });

  it("says so when nothing changes", () => {
    const derived = derive(sentLedger);
    const summary = summarizeDrift([diffDerived(snapshotDerived(derived), derived)]);
    expect(formatDriftSummary(summary)).toBe("rules v1 would change 0 of 1 message");
  });
});
