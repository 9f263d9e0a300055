// Meta's number-health webhooks in plain words, and the tier over a window for the step chart.
import { describe, expect, it } from "vitest";
import { healthChangesOf, tierLevel, tierSteps, type THealthEventRow } from "./health-changes";

const T = Date.UTC(2026, 2, 2, 9, 0);
const row = (over: Partial<THealthEventRow>): THealthEventRow => ({
  id: "e1",
  senderNumberId: "s1",
  field: "phone_number_quality_update",
  event: null,
  providerTimestampMs: T,
  recordedAtMs: T + 5_000,
  value: {},
  applied: {},
  ...over,
});

describe("healthChangesOf", () => {
  it("reads a downgrade as a lowered limit", () => {
    const [change] = healthChangesOf(
      row({
        event: "DOWNGRADE",
        value: { event: "DOWNGRADE", current_limit: "TIER_250", old_limit: "TIER_1K" },
      }),
    );
    expect(change).toMatchObject({
      kind: "limit",
      from: "TIER_1K",
      to: "TIER_250",
      direction: "worse",
      atMs: T,
      summary: "Messaging limit lowered: 1K → 250 per 24 h",
    });
  });

  it("reads FLAGGED as a quality drop (and its limit, when it names one)", () => {
    const changes = healthChangesOf(
      row({
        event: "FLAGGED",
        value: { event: "FLAGGED", current_limit: "TIER_1K" },
        applied: {
          qualityRating: { from: "GREEN", to: "RED" },
          messagingLimitTier: { from: "TIER_10K", to: "TIER_1K" },
        },
      }),
    );
    expect(changes.map((c) => [c.kind, c.from, c.to, c.direction])).toEqual([
      ["quality", "GREEN", "RED", "worse"],
      ["limit", "TIER_10K", "TIER_1K", "worse"],
    ]);
  });

  it("does not read the limit a FLAGGED/UNFLAGGED event restates as a change", () => {
    const changes = healthChangesOf(
      row({ event: "UNFLAGGED", value: { event: "UNFLAGGED", current_limit: "TIER_1K" } }),
    );
    expect(changes.map((c) => c.kind)).toEqual(["quality"]);
  });

  it("reads account updates, with the status change they applied", () => {
    const [change] = healthChangesOf(
      row({
        field: "account_update",
        event: "ACCOUNT_RESTRICTION",
        providerTimestampMs: null,
        applied: { status: { from: "CONNECTED", to: "RESTRICTED" } },
      }),
    );
    expect(change).toMatchObject({
      kind: "status",
      to: "RESTRICTED",
      direction: "worse",
      atMs: T + 5_000,
      summary: "Account restricted by Meta: number restricted",
    });
  });

  it("keeps unknown shapes as 'other' rather than failing", () => {
    expect(healthChangesOf(row({ field: "something_new", value: "not an object" }))[0]).toMatchObject({
      kind: "other",
      summary: "something_new",
    });
  });
});

describe("tierSteps", () => {
  const changes = [
    ...healthChangesOf(
      row({
        id: "a",
        providerTimestampMs: T - 86_400_000,
        value: { current_limit: "TIER_10K", old_limit: "TIER_1K" },
      }),
    ),
    ...healthChangesOf(
      row({
        id: "b",
        providerTimestampMs: T + 3_600_000,
        value: { current_limit: "TIER_1K", old_limit: "TIER_10K" },
      }),
    ),
  ];

  it("starts with the tier in force at the window's start, then each change inside it", () => {
    expect(tierSteps(changes, T, T + 86_400_000, "TIER_1K")).toEqual([
      { atMs: T, tier: "TIER_10K", level: tierLevel("TIER_10K") },
      { atMs: T + 3_600_000, tier: "TIER_1K", level: tierLevel("TIER_1K") },
    ]);
  });

  it("uses the number's current tier when no change is known", () => {
    expect(tierSteps([], T, T + 1, "TIER_250")).toEqual([{ atMs: T, tier: "TIER_250", level: 1 }]);
  });
});
