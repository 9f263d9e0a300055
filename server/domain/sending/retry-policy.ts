// When to try again and when to stop. Pure: the clock and the random number come in as
// arguments, so every decision can be replayed in a test.

import type { TLedgerError } from "../ledger/ledger-event";
import type { TDisposition } from "./error-catalog";

export type TRetryPolicy = {
  /** Attempts in all, the first included; the next failure after the last is dead-lettered. */
  maxAttempts: number;
  /** No attempt is scheduled later than this after the request (templates have a TTL anyway). */
  maxAgeMs: number;
  /** Backoff of `transient` failures: base * 2^(attempt-1), capped, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Backoff base of app/account rate limits (4, 80007). */
  rateLimitedBaseDelayMs: number;
  /** Backoff base of the number's throughput limit (130429); the number's rate is lowered too. */
  throttleBaseDelayMs: number;
  /** How long a recipient rests after a pair-limit error (131056), before doubling per repeat. */
  pairIntervalMs: number;
  /** After an ambiguous failure, how long to wait for a webhook that proves acceptance. */
  inDoubtGraceMs: number;
  /**
   * Codes retried fewer times than maxAttempts: 131053 (Meta could not fetch the media) rarely
   * heals by itself, so a few tries, then a human looks at the media URL.
   */
  attemptCapsByCode: Readonly<Record<string, number>>;
};

export const DEFAULT_RETRY_POLICY: TRetryPolicy = {
  maxAttempts: 8,
  maxAgeMs: 24 * 60 * 60_000,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  rateLimitedBaseDelayMs: 10_000,
  throttleBaseDelayMs: 1_000,
  // practitioners measure about one message per 6 s per (business, consumer) pair
  pairIntervalMs: 6_000,
  inDoubtGraceMs: 60_000,
  attemptCapsByCode: { "131053": 3 },
};

/** An authentication template's default time to live (Meta's default for OTP templates). */
export const AUTH_TEMPLATE_TTL_MS = 10 * 60_000;

export type TRetryInput = {
  /** The attempt that just failed (1-based). */
  failedAttempt: number;
  disposition: TDisposition;
  error: TLedgerError;
  /** When the message was requested (epoch ms): the retry window counts from here. */
  requestedAtMs: number;
  nowMs: number;
  /** A number in [0, 1): the jitter. Injected so tests are deterministic. */
  random: number;
  /** For pair limits: when the pair may be messaged again (from pacing), if known. */
  pairNotBeforeMs?: number | null;
  /**
   * The message's time to live from the request (authentication templates: a late one-time code
   * is worse than none), or null. No attempt is scheduled after it.
   */
  ttlMs?: number | null;
  policy: TRetryPolicy;
};

export type TRetryDecision =
  | { kind: "retry"; attempt: number; notBefore: number; delayMs: number }
  | { kind: "dead_letter"; reason: string };

/** The backoff delay before attempt `failedAttempt + 1` for a retryable disposition. */
export function backoffDelayMs(
  disposition: "transient" | "rate_limited" | "throttle",
  failedAttempt: number,
  random: number,
  policy: TRetryPolicy,
): number {
  const base =
    disposition === "rate_limited"
      ? policy.rateLimitedBaseDelayMs
      : disposition === "throttle"
        ? policy.throttleBaseDelayMs
        : policy.baseDelayMs;
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, base * 2 ** exponent);
  // "equal jitter": half the delay is kept, half is random, so retries of a burst spread out
  // (no thundering herd) but never come back sooner than half the backoff
  return Math.round(ceiling / 2 + clampUnit(random) * (ceiling / 2));
}

export function decideRetry(input: TRetryInput): TRetryDecision {
  const { failedAttempt, disposition, error, policy } = input;
  const described = `${error.code} (${error.title})`;
  switch (disposition) {
    case "permanent":
      return { kind: "dead_letter", reason: `permanent error ${described}: not retried automatically` };
    case "sender_blocked":
      return {
        kind: "dead_letter",
        reason: `the sender cannot send: ${described}; the sender number is paused until an engineer resumes it`,
      };
    case "transient":
    case "rate_limited":
    case "throttle":
    case "pair_limit": {
      const cap = policy.attemptCapsByCode[error.code];
      if (cap !== undefined && failedAttempt >= cap && cap < policy.maxAttempts) {
        return {
          kind: "dead_letter",
          reason: `retry budget spent: ${described} is retried at most ${cap} times (${failedAttempt} attempts failed)`,
        };
      }
      if (failedAttempt >= policy.maxAttempts) {
        return {
          kind: "dead_letter",
          reason: `retry budget spent: ${failedAttempt} of ${policy.maxAttempts} attempts failed (last: ${described})`,
        };
      }
      let delayMs: number;
      if (disposition === "pair_limit") {
        const paced = input.pairNotBeforeMs ?? input.nowMs + policy.pairIntervalMs;
        // a little jitter so the pair's queued messages do not all wake at the same instant
        delayMs = Math.max(0, paced - input.nowMs) + Math.round(clampUnit(input.random) * 500);
      } else {
        delayMs = backoffDelayMs(disposition, failedAttempt, input.random, policy);
      }
      const notBefore = input.nowMs + delayMs;
      const ttlMs = input.ttlMs ?? null;
      if (ttlMs !== null && notBefore > input.requestedAtMs + ttlMs) {
        return {
          kind: "dead_letter",
          reason: `retry window spent: the template's time to live (${formatDuration(ttlMs)}) ends before attempt ${failedAttempt + 1} could start; a late one-time code is worse than none (last: ${described})`,
        };
      }
      if (notBefore > input.requestedAtMs + policy.maxAgeMs) {
        return {
          kind: "dead_letter",
          reason: `retry window spent: attempt ${failedAttempt + 1} would start more than ${formatDuration(policy.maxAgeMs)} after the request (last: ${described})`,
        };
      }
      return { kind: "retry", attempt: failedAttempt + 1, notBefore, delayMs };
    }
    default: {
      const unreachable: never = disposition;
      return unreachable;
    }
  }
}

/**
 * Pair pacing after a 131056: the pair rests `pairIntervalMs`, doubled for each repeated strike
 * (capped at 5 minutes), so a recipient we keep hammering is left alone for longer.
 */
export function pairRestMs(strikes: number, policy: TRetryPolicy): number {
  const exponent = Math.min(Math.max(strikes - 1, 0), 10);
  return Math.min(5 * 60_000, policy.pairIntervalMs * 2 ** exponent);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 0.999_999 : value;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
