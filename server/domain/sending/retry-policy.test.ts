import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TLedgerError } from "../ledger/ledger-event";
import {
  backoffDelayMs,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  pairRestMs,
  type TRetryInput,
} from "./retry-policy";

const ERROR: TLedgerError = {
  code: "131000",
  title: "Something went wrong",
  message: "(#131000) x",
  details: null,
};
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

function input(overrides: Partial<TRetryInput> = {}): TRetryInput {
  return {
    failedAttempt: 1,
    disposition: "transient",
    error: ERROR,
    requestedAtMs: T0,
    nowMs: T0 + 1_000,
    random: 0.5,
    policy: DEFAULT_RETRY_POLICY,
    ...overrides,
  };
}

describe("decideRetry", () => {
  it("retries a transient error as the next attempt, after an exponential backoff", () => {
    const decisions = [1, 2, 3, 4].map((failedAttempt) =>
      decideRetry(input({ failedAttempt, random: 1 - 1e-9 })),
    );
    expect(decisions.map((d) => d.kind)).toEqual(["retry", "retry", "retry", "retry"]);
    const delays = decisions.map((d) => (d.kind === "retry" ? d.delayMs : 0));
    // base 2 s doubling: 2, 4, 8, 16 s at the top of the jitter
    expect(delays).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(decisions[0]).toMatchObject({ attempt: 2, notBefore: T0 + 1_000 + 2_000 });
  });

  it("jitters within [half, full] of the backoff, never below half", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, random) => {
          const delay = backoffDelayMs("transient", attempt, random, DEFAULT_RETRY_POLICY);
          const ceiling = Math.min(
            DEFAULT_RETRY_POLICY.maxDelayMs,
            DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1),
          );
          return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
        },
      ),
    );
  });

  it("caps the backoff at maxDelayMs", () => {
    expect(backoffDelayMs("transient", 30, 0.999, DEFAULT_RETRY_POLICY)).toBeLessThanOrEqual(
      DEFAULT_RETRY_POLICY.maxDelayMs,
    );
  });

  it("backs off longer for app/account rate limits than for errors, shorter for the number's throttle", () => {
    const transient = backoffDelayMs("transient", 1, 0.5, DEFAULT_RETRY_POLICY);
    expect(backoffDelayMs("rate_limited", 1, 0.5, DEFAULT_RETRY_POLICY)).toBeGreaterThan(transient);
    expect(backoffDelayMs("throttle", 1, 0.5, DEFAULT_RETRY_POLICY)).toBeLessThan(transient);
  });

  it("dead-letters when the attempt budget is spent, naming the count and the last error", () => {
    const decision = decideRetry(input({ failedAttempt: DEFAULT_RETRY_POLICY.maxAttempts }));
    expect(decision).toEqual({
      kind: "dead_letter",
      reason: "retry budget spent: 8 of 8 attempts failed (last: 131000 (Something went wrong))",
    });
  });

  it("dead-letters when the next attempt would fall outside the retry window", () => {
    const decision = decideRetry(
      input({ nowMs: T0 + DEFAULT_RETRY_POLICY.maxAgeMs - 100, failedAttempt: 3 }),
    );
    expect(decision.kind).toBe("dead_letter");
    expect(decision.kind === "dead_letter" && decision.reason).toMatch(
      /^retry window spent: attempt 4 would start more than 24 h/,
    );
  });

  it("never retries a permanent error, and says so", () => {
    const error = { code: "131026", title: "Message undeliverable", message: "x", details: null };
    expect(decideRetry(input({ disposition: "permanent", error }))).toEqual({
      kind: "dead_letter",
      reason: "permanent error 131026 (Message undeliverable): not retried automatically",
    });
  });

  it("never retries when the sender is blocked, and names the pause", () => {
    const error = { code: "190", title: "Access token has expired", message: "x", details: null };
    const decision = decideRetry(input({ disposition: "sender_blocked", error }));
    expect(decision.kind === "dead_letter" && decision.reason).toBe(
      "the sender cannot send: 190 (Access token has expired); the sender number is paused until an engineer resumes it",
    );
  });

  it("retries a pair-limit error once the pair's pacing allows it", () => {
    const decision = decideRetry(
      input({ disposition: "pair_limit", pairNotBeforeMs: T0 + 13_000, random: 0 }),
    );
    expect(decision).toMatchObject({ kind: "retry", attempt: 2, notBefore: T0 + 13_000 });
  });
});

describe("pairRestMs", () => {
  it("rests the pair 6 s, doubling for each repeated strike, capped at 5 minutes", () => {
    expect([1, 2, 3, 4].map((s) => pairRestMs(s, DEFAULT_RETRY_POLICY))).toEqual([
      6_000, 12_000, 24_000, 48_000,
    ]);
    expect(pairRestMs(20, DEFAULT_RETRY_POLICY)).toBe(300_000);
  });
});

describe("retry table additions", () => {
  const media: TLedgerError = {
    code: "131053",
    title: "Media upload error",
    message: "(#131053) x",
    details: null,
  };

  it("131053 is capped: retried at most 3 times, then dead-lettered for a human to check the media", () => {
    expect(decideRetry(input({ error: media, failedAttempt: 2 })).kind).toBe("retry");
    const decision = decideRetry(input({ error: media, failedAttempt: 3 }));
    expect(decision).toEqual({
      kind: "dead_letter",
      reason:
        "retry budget spent: 131053 (Media upload error) is retried at most 3 times (3 attempts failed)",
    });
  });

  it("an authentication template is not retried past its time to live: a late code is worse than none", () => {
    const ttlMs = 10 * 60_000;
    expect(decideRetry(input({ ttlMs, nowMs: T0 + 60_000 })).kind).toBe("retry");
    const late = decideRetry(input({ ttlMs, nowMs: T0 + ttlMs - 500, random: 0.999 }));
    expect(late.kind).toBe("dead_letter");
    expect(late.kind === "dead_letter" && late.reason).toMatch(
      /^retry window spent: the template's time to live \(10 min\) ends before attempt 2 could start; a late one-time code is worse than none/,
    );
    // without a TTL the 24-hour window still applies
    expect(decideRetry(input({ ttlMs: null, nowMs: T0 + ttlMs })).kind).toBe("retry");
  });
});
