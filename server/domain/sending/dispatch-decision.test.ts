import { describe, expect, it } from "vitest";
import { build, TEST_ERRORS } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "../reconciliation/derive-state";
import { RULES_V1 } from "../reconciliation/rules";
import { decideDispatch, summarizeAttempts, type TQueueItemHint } from "./dispatch-decision";

function decide(events: TLedgerEvent[], item: TQueueItemHint = { attempt: 1, inDoubtAttempt: null }) {
  const derived = deriveState(events, RULES_V1);
  return decideDispatch(derived.state, derived.latestAttempt, item);
}

describe("decideDispatch", () => {
  it("sends attempt 1 of a fresh message", () => {
    expect(decide([build.requested()])).toEqual({ kind: "send", attempt: 1 });
  });

  it("sends the attempt the ledger scheduled, whatever the queue row says", () => {
    const events = [build.requested(), build.started(1), build.rejected(1), build.retry(2)];
    expect(decide(events, { attempt: 7, inDoubtAttempt: null })).toEqual({ kind: "send", attempt: 2 });
  });

  it("sends an operator's retry of a dead letter as the next attempt", () => {
    const events = [
      build.requested(),
      build.started(1),
      build.rejected(1, TEST_ERRORS.undeliverable),
      build.deadLettered(1),
      build.manual("retry"),
      build.retry(2, { error: null }),
    ];
    expect(decide(events, { attempt: 2, inDoubtAttempt: null })).toEqual({ kind: "send", attempt: 2 });
  });

  it("holds an attempt that was started and never answered (a worker died mid-send)", () => {
    expect(decide([build.requested(), build.started(1)])).toEqual({
      kind: "hold_in_doubt",
      attempt: 1,
      reason: "attempt 1 was started but its outcome was never recorded",
    });
  });

  it("retries an unanswered attempt once its grace period passed without a webhook", () => {
    expect(decide([build.requested(), build.started(1)], { attempt: 1, inDoubtAttempt: 1 })).toEqual({
      kind: "retry_unanswered",
      unansweredAttempt: 1,
      attempt: 2,
    });
  });

  it("drops the row when a webhook with our callback data settled the in-doubt attempt", () => {
    const events = [build.requested(), build.started(1), build.status("sent", { attempt: null, at: 5 })];
    expect(decide(events, { attempt: 1, inDoubtAttempt: 1 })).toEqual({
      kind: "drop",
      reason: "the message is sent",
    });
  });

  it.each([
    ["accepted", [build.requested(), build.started(1), build.accepted(1)]],
    ["dead_lettered", [build.requested(), build.started(1), build.rejected(1), build.deadLettered(1)]],
    ["cancelled", [build.requested(), build.cancelled()]],
    [
      "delivered",
      [build.requested(), build.started(1), build.accepted(1), build.status("delivered", { at: 3 })],
    ],
  ] as const)("drops the row when the message is %s", (state, events) => {
    expect(decide([...events])).toEqual({ kind: "drop", reason: `the message is ${state}` });
  });
});

describe("summarizeAttempts", () => {
  it("folds the ledger per attempt", () => {
    const summary = summarizeAttempts([
      build.requested(),
      build.started(1),
      build.rejected(1),
      build.retry(2),
      build.started(2),
      build.accepted(2),
      build.status("sent", { attempt: 2, at: 1 }),
      build.status("read", { attempt: null, at: 2 }),
    ]);
    expect(summary.unattributedWebhooks).toBe(1);
    expect(summary.attempts).toEqual([
      {
        attempt: 1,
        isScheduled: false,
        isStarted: true,
        isAccepted: false,
        isRejected: true,
        hasWebhook: false,
        isDeadLettered: false,
      },
      {
        attempt: 2,
        isScheduled: true,
        isStarted: true,
        isAccepted: true,
        isRejected: false,
        hasWebhook: true,
        isDeadLettered: false,
      },
    ]);
  });
});
