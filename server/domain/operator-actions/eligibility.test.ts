import { describe, expect, it } from "vitest";
import { DEAD_LETTER_STATUSES, type TDeadLetterStatus } from "../dead-letters/dead-letter";
import { MESSAGE_STATES, type TMessageState } from "../reconciliation/message-state";
import {
  deadLetterSkipReason,
  messageActions,
  RETRYABLE_STATES,
  whyNotCancellable,
  whyNotDeadLetterActionable,
  whyNotReplayable,
  whyNotResolvableInDoubt,
  whyNotRetryable,
  type TRefusalCode,
} from "./eligibility";

// One row per state: a state added to MESSAGE_STATES fails to compile here until its
// eligibility is decided.
const EXPECTED = {
  queued: { retry: "not_retryable", cancel: null, inDoubt: "not_in_doubt" },
  submitting: { retry: "not_retryable", cancel: "provider_may_have_it", inDoubt: null },
  accepted: { retry: "not_retryable", cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  sent: { retry: "not_retryable", cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  delivered: { retry: "not_retryable", cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  read: { retry: "not_retryable", cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  played: { retry: "not_retryable", cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  failed: { retry: null, cancel: "provider_has_it", inDoubt: "not_in_doubt" },
  rejected: { retry: null, cancel: "nothing_queued", inDoubt: "not_in_doubt" },
  retrying: { retry: "not_retryable", cancel: null, inDoubt: "not_in_doubt" },
  dead_lettered: { retry: null, cancel: "nothing_queued", inDoubt: "not_in_doubt" },
  cancelled: { retry: "not_retryable", cancel: "already_cancelled", inDoubt: "not_in_doubt" },
} satisfies Record<
  TMessageState,
  { retry: TRefusalCode | null; cancel: TRefusalCode | null; inDoubt: TRefusalCode | null }
>;

const NOW = 1_750_000_000_000;

describe("operator action eligibility, for every message state", () => {
  it.each(MESSAGE_STATES)("%s", (state) => {
    const expected = EXPECTED[state];
    expect(whyNotRetryable(state)?.code ?? null).toBe(expected.retry);
    expect(whyNotCancellable(state, 2)?.code ?? null).toBe(expected.cancel);
    expect(
      whyNotResolvableInDoubt({
        state,
        explanation: "why",
        startedAttempt: 2,
        leaseUntilMs: null,
        nowMs: NOW,
      })?.code ?? null,
    ).toBe(expected.inDoubt);
    expect(messageActions(state, null)).toEqual({
      retry: expected.retry === null,
      cancel: expected.cancel === null,
      discardDeadLetter: false,
    });
  });

  it("lists exactly the retryable states", () => {
    expect([...RETRYABLE_STATES].sort()).toEqual(
      MESSAGE_STATES.filter((s) => whyNotRetryable(s) === null).sort(),
    );
  });

  it("says in words why, naming the state and the attempt", () => {
    expect(whyNotRetryable("delivered")?.message).toBe(
      "only dead-lettered, failed or rejected messages can be retried; this one is delivered",
    );
    expect(whyNotCancellable("submitting", 3)?.message).toMatch(
      /^cannot cancel: attempt 3 has already been handed/,
    );
    expect(whyNotCancellable("sent", 1)?.message).toMatch(/cannot be unsent/);
  });
});

describe("in-doubt resolution", () => {
  const facts = { state: "submitting" as const, explanation: "", startedAttempt: 1, nowMs: NOW };
  it.each([
    ["no lease", { ...facts, leaseUntilMs: null }, null],
    ["an expired lease", { ...facts, leaseUntilMs: NOW - 1 }, null],
    ["a live lease", { ...facts, leaseUntilMs: NOW + 1000 }, "attempt_in_flight"],
    ["a lease ending now", { ...facts, leaseUntilMs: NOW }, "attempt_in_flight"],
    ["no started attempt", { ...facts, startedAttempt: null, leaseUntilMs: null }, "no_started_attempt"],
  ] as const)("%s", (_name, input, code) => {
    expect(whyNotResolvableInDoubt(input)?.code ?? null).toBe(code);
  });
});

describe("dead-letter actions, for every dead-letter status and message state", () => {
  const statuses: (TDeadLetterStatus | null)[] = [...DEAD_LETTER_STATUSES, null];
  const cases = MESSAGE_STATES.flatMap((state) => statuses.map((status) => [state, status] as const));
  it.each(cases)("%s with dead letter %s", (state, status) => {
    const deadLetter = status === null ? null : { status };
    const skip = deadLetterSkipReason(deadLetter, state);
    const expected =
      status === null
        ? "not_dead_lettered"
        : status !== "open"
          ? status
          : whyNotRetryable(state) === null
            ? null
            : "state_changed";
    expect(skip).toBe(expected);
    expect(whyNotDeadLetterActionable(deadLetter, state)?.code ?? null).toBe(expected);
    expect(messageActions(state, deadLetter).discardDeadLetter).toBe(expected === null);
  });

  it("a message the tenant does not have is not found, whatever the dead letter", () => {
    expect(deadLetterSkipReason(null, null)).toBe("not_found");
    expect(deadLetterSkipReason({ status: "open" }, null)).toBe("not_found");
  });
});

describe("replaying a linked raw webhook", () => {
  it.each([
    [{ status: "processed", isPruned: false }, null],
    [{ status: "quarantined", isPruned: false }, null],
    [{ status: "failed", isPruned: false }, null],
    [{ status: "pending", isPruned: false }, "webhook_pending"],
    [{ status: "processed", isPruned: true }, "webhook_pruned"],
  ] as const)("%o", (request, code) => {
    expect(whyNotReplayable(request)?.code ?? null).toBe(code);
  });
});
