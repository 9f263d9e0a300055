import { describe, expect, it } from "vitest";
import { buildAlertHistory, type TAlertRow } from "./alert-history";

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const open: TAlertRow = {
  status: "open",
  openedAt: T0,
  lastSeenAt: T0,
  occurrences: 1,
  resolvedAt: null,
  resolvedBy: null,
  resolution: null,
};

describe("buildAlertHistory", () => {
  it("starts with the opening, then every operator action in time order", () => {
    const history = buildAlertHistory(
      {
        ...open,
        status: "resolved",
        resolvedAt: T0 + 9 * MIN,
        resolvedBy: "user:eve@x",
        resolution: "fixed",
      },
      [
        { action: "resolve", actor: "user:eve@x", reason: "fixed", at: T0 + 9 * MIN, until: null },
        { action: "acknowledge", actor: "user:eve@x", reason: "looking", at: T0 + 2 * MIN, until: null },
      ],
      T0 + 10 * MIN,
    );
    expect(history.map((e) => [e.kind, e.actor, e.reason])).toEqual([
      ["opened", "system", null],
      ["acknowledged", "user:eve@x", "looking"],
      ["resolved", "user:eve@x", "fixed"],
    ]);
  });

  it("derives the end of a snooze that ran out, but not of one an action interrupted", () => {
    const ranOut = buildAlertHistory(
      open,
      [{ action: "snooze", actor: "user:eve@x", reason: "night", at: T0 + MIN, until: T0 + 31 * MIN }],
      T0 + 40 * MIN,
    );
    expect(ranOut.map((e) => [e.kind, e.at])).toEqual([
      ["opened", T0],
      ["snoozed", T0 + MIN],
      ["snooze_ended", T0 + 31 * MIN],
    ]);
    const running = buildAlertHistory(
      { ...open, status: "snoozed" },
      [{ action: "snooze", actor: "user:eve@x", reason: "night", at: T0 + MIN, until: T0 + 31 * MIN }],
      T0 + 5 * MIN,
    );
    expect(running.map((e) => e.kind)).toEqual(["opened", "snoozed"]);
    const interrupted = buildAlertHistory(
      { ...open, status: "acknowledged" },
      [
        { action: "snooze", actor: "user:eve@x", reason: "night", at: T0 + MIN, until: T0 + 31 * MIN },
        { action: "acknowledge", actor: "user:bob@x", reason: "on it", at: T0 + 3 * MIN, until: null },
      ],
      T0 + 40 * MIN,
    );
    expect(interrupted.map((e) => e.kind)).toEqual(["opened", "snoozed", "acknowledged"]);
  });

  it("shows a resolution nobody asked for through alerts.act (the system, a sender resume)", () => {
    const history = buildAlertHistory(
      {
        ...open,
        status: "resolved",
        occurrences: 3,
        lastSeenAt: T0 + 4 * MIN,
        resolvedAt: T0 + 5 * MIN,
        resolvedBy: "system",
        resolution: "message moved on to sent",
      },
      [],
      T0 + 6 * MIN,
    );
    expect(history).toEqual([
      {
        kind: "opened",
        at: T0,
        actor: "system",
        reason: `condition seen 3 times, last ${new Date(T0 + 4 * MIN).toISOString()}`,
        until: null,
      },
      {
        kind: "resolved",
        at: T0 + 5 * MIN,
        actor: "system",
        reason: "message moved on to sent",
        until: null,
      },
    ]);
  });
});
