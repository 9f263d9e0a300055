import { describe, expect, it } from "vitest";
import { build, T0, TEST_ERRORS } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { classifyDeadLetter, deriveDeadLetter } from "./dead-letter";

const permanentDeadLetter = (attempt = 1) =>
  build.deadLettered(attempt, {
    error: TEST_ERRORS.undeliverable,
    reason: "permanent error 131026 (Message undeliverable): not retried automatically",
  });

/** requested, attempt 1 rejected with 131026, dead-lettered. */
function deadLettered(): TLedgerEvent[] {
  return [
    build.requested(),
    build.started(1),
    build.rejected(1, TEST_ERRORS.undeliverable),
    permanentDeadLetter(1),
  ];
}

const manualRetry = (attempt: number, operationId = `op_retry_${attempt}`): TLedgerEvent[] => [
  { ...build.manual("retry", { operationId, payload: { attempt, fromState: "dead_lettered" } }) },
  build.retry(attempt, { error: null, payload: { requestedBy: "user:eve@example.test" } }),
];

describe("deriveDeadLetter", () => {
  it("is null for a message never dead-lettered", () => {
    expect(deriveDeadLetter([build.requested(), build.started(1), build.accepted(1)])).toBeNull();
  });

  it("an open dead letter: reason, error, class, time", () => {
    const dl = deriveDeadLetter(deadLettered());
    expect(dl).toMatchObject({
      status: "open",
      attempt: 1,
      errorCode: "131026",
      errorTitle: "Message undeliverable",
      reasonClass: "permanent",
      episodes: 1,
      retryAttempt: null,
      reason: expect.stringContaining("not retried automatically"),
    });
    expect(dl?.deadLetteredAt).toBe(permanentDeadLetter(1).recordedAt);
    expect(dl?.statusAt).toBe(dl?.deadLetteredAt);
  });

  it("retried: awaiting acknowledgement until the provider accepts the new attempt", () => {
    const retried = [...deadLettered(), ...manualRetry(2), build.started(2)];
    expect(deriveDeadLetter(retried)).toMatchObject({
      status: "retry_pending",
      retryAttempt: 2,
      retriedBy: "user:support_1",
      acknowledgedAttempt: null,
    });
    // a rejection of the retry is not an acknowledgement
    const rejected = [...retried, build.rejected(2, TEST_ERRORS.rateLimit)];
    expect(deriveDeadLetter(rejected)?.status).toBe("retry_pending");
    const accepted = [...retried, build.accepted(2)];
    expect(deriveDeadLetter(accepted)).toMatchObject({ status: "acknowledged", acknowledgedAttempt: 2 });
    expect(deriveDeadLetter(accepted)?.statusAt).toBe(build.accepted(2).recordedAt);
  });

  it("a retry that is dead-lettered again is open again, its second episode", () => {
    const events = [
      ...deadLettered(),
      ...manualRetry(2),
      build.started(2),
      build.rejected(2, TEST_ERRORS.invalidParameter),
      build.deadLettered(2, { error: TEST_ERRORS.invalidParameter, reason: "permanent error 131009" }),
    ];
    expect(deriveDeadLetter(events)).toMatchObject({
      status: "open",
      attempt: 2,
      episodes: 2,
      errorCode: "131009",
      retryAttempt: null,
    });
  });

  it("discarded from the ledger's manual_action (actor and reason), then retried on purpose", () => {
    const discarded = [...deadLettered(), build.manual("discard", { operationId: "d1" })];
    expect(deriveDeadLetter(discarded)).toMatchObject({
      status: "discarded",
      discardedBy: "user:support_1",
      discardReason: "ticket 42",
    });
    const retriedAfter = [...discarded, ...manualRetry(2)];
    expect(deriveDeadLetter(retriedAfter)).toMatchObject({
      status: "retry_pending",
      discardedBy: null,
    });
  });

  it("a discard before the dead letter (an earlier episode) does not close the new one", () => {
    const events = [
      ...deadLettered(),
      build.manual("discard", { operationId: "d1" }),
      ...manualRetry(2),
      build.started(2),
      build.deadLettered(2, { error: TEST_ERRORS.undeliverable, reason: "permanent error 131026" }),
    ];
    expect(deriveDeadLetter(events)?.status).toBe("open");
  });

  it("a cancelled retry is cancelled", () => {
    const events = [
      ...deadLettered(),
      ...manualRetry(2),
      { ...build.cancelled({ recordedAt: T0 + 9_000_000 }), actor: "user:eve", reason: "tenant asked" },
    ];
    expect(deriveDeadLetter(events)).toMatchObject({
      status: "cancelled",
      cancelledBy: "user:eve",
      cancelReason: "tenant asked",
    });
  });

  it("a late webhook proving the dead-lettered attempt was accepted closes it (R11)", () => {
    const events = [...deadLettered(), build.status("delivered", { attempt: 1, at: 10 })];
    expect(deriveDeadLetter(events)).toMatchObject({ status: "acknowledged", acknowledgedAttempt: 1 });
  });

  it("webhooks for attempts before the dead letter do not count", () => {
    const events = [
      build.requested(),
      build.started(1),
      build.accepted(1),
      build.failed({ attempt: 1, at: 5 }),
      ...manualRetry(2).slice(1),
      build.started(2),
      build.rejected(2, TEST_ERRORS.undeliverable),
      build.deadLettered(2, { error: TEST_ERRORS.undeliverable, reason: "permanent error 131026" }),
      // a duplicate-looking late receipt of attempt 1's status arrives after the dead letter
      build.status("sent", { attempt: 1, at: 3 }),
    ];
    expect(deriveDeadLetter(events)?.status).toBe("open");
  });
});

describe("classifyDeadLetter", () => {
  it("classes by reason and error code", () => {
    const of = (code: string | null, reason = "x", source = "worker") =>
      classifyDeadLetter({ source, reason, error: code === null ? null : { code } });
    expect(of("131026")).toBe("permanent");
    expect(of("132015")).toBe("permanent");
    expect(of("190")).toBe("sender");
    expect(of("waybill.credential_unavailable")).toBe("sender");
    expect(of("131000", "retry budget spent: 8 of 8 attempts failed (last: 131000)")).toBe("exhausted");
    expect(of("131026", "retry window spent: attempt 5 would start more than 24 h after")).toBe("exhausted");
    expect(of("130429")).toBe("exhausted");
    expect(of(null, "attempt 1 was in doubt and user:eve gave up", "operator")).toBe("in_doubt");
    expect(of("999999")).toBe("other");
    expect(of("transport.timeout")).toBe("other");
  });
});

describe("deriveDeadLetter: failures reported by webhook", () => {
  const payment = {
    code: "131042",
    title: "Business eligibility payment issue",
    message: "Business eligibility payment issue",
    details: "Message failed to send because there were one or more errors related to your payment method.",
  };
  const unknownError = {
    code: "131000",
    title: "Something went wrong",
    message: "Something went wrong",
    details: null,
  };
  const accepted = () => [
    build.requested(),
    build.started(1),
    build.accepted(1),
    build.status("sent", { at: 1 }),
  ];

  it("a failed status of the latest attempt is an open dead letter with its class and meaning", () => {
    const dl = deriveDeadLetter([...accepted(), build.failed({ at: 2, error: payment })]);
    expect(dl).toMatchObject({
      status: "open",
      attempt: 1,
      errorCode: "131042",
      reasonClass: "sender",
      episodes: 1,
      reason: expect.stringContaining("reported attempt 1 failed by webhook: 131042"),
    });
    expect(dl?.reason).toContain("the sender number is paused");
    expect(deriveDeadLetter([...accepted(), build.failed({ at: 2 })])?.reasonClass).toBe("permanent");
    expect(deriveDeadLetter([...accepted(), build.failed({ at: 2, error: unknownError })])?.reasonClass).toBe(
      "transient",
    );
  });

  it("a failure the pipeline resent on its own is not a dead letter; the retry's own failure is", () => {
    const resent = [
      ...accepted(),
      build.failed({ at: 2, error: unknownError }),
      build.retry(2, { error: unknownError }),
    ];
    expect(deriveDeadLetter(resent)).toBeNull();
    const failedAgain = [
      ...resent,
      build.started(2),
      build.accepted(2),
      build.failed({ attempt: 2, at: 200, error: unknownError }),
    ];
    expect(deriveDeadLetter(failedAgain)).toMatchObject({ status: "open", attempt: 2, episodes: 1 });
  });

  it("a failure of a superseded attempt is history once a later attempt exists", () => {
    const dl = deriveDeadLetter([
      ...accepted(),
      build.failed({ at: 2 }),
      ...manualRetry(2).map((e) =>
        e.type === "retry_scheduled" ? { ...e, source: "operator" as const } : e,
      ),
      build.started(2),
      build.accepted(2),
    ]);
    expect(dl).toMatchObject({ status: "acknowledged", attempt: 1, retryAttempt: 2, acknowledgedAttempt: 2 });
  });

  it("its own failure and sent are not an acknowledgement; delivery of the same attempt is (R8)", () => {
    const failed = [...accepted(), build.failed({ at: 2 })];
    expect(deriveDeadLetter([...failed, build.status("sent", { at: 3, wamid: "wamid.A1" })])?.status).toBe(
      "open",
    );
    expect(deriveDeadLetter([...failed, build.status("delivered", { at: 5 })])).toMatchObject({
      status: "acknowledged",
      acknowledgedAttempt: 1,
    });
  });

  it("an unattributed failure belongs to the latest started attempt", () => {
    const dl = deriveDeadLetter([...accepted(), build.failed({ attempt: null, at: 2, wamid: "wamid.A1" })]);
    expect(dl).toMatchObject({ status: "open", attempt: 1 });
  });

  it("the pipeline's own dead letter of the same attempt keeps its reason", () => {
    const dl = deriveDeadLetter([
      build.requested(),
      build.started(1),
      build.deadLettered(1, { error: null, reason: "in doubt, given up by support" }),
      build.failed({ at: 2 }),
    ]);
    expect(dl?.reason).toBe("in doubt, given up by support");
  });
});
