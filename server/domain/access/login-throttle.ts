// Whether a login attempt may check its password, from the account's recent attempts. Pure: the
// service loads the attempts under a per-account lock, asks, and records the attempt before
// checking the password, so concurrent requests see each other.
//
// The rules, each against a different attack, none of which lets a stranger lock an account:
//   - in flight: at most `maxInFlight` unfinished attempts per account (parallel bursts);
//   - per (account, IP): `maxAttempts` free failures in the window, then each further attempt
//     waits 1 s, 2 s, 4 s ... (capped at the window) after the pair's last attempt (guessing);
//   - per account, softer: past `accountMaxFailures` failures in the window from all addresses,
//     every attempt waits up to `accountDelayCapSeconds` after the account's last one (a
//     distributed guesser is slowed to a crawl; the owner waits seconds, is never locked out);
//   - per IP: `maxAttempts * 4` failures across accounts in the window (spraying).
// A success clears the pair's failures before it (the owner's typos do not accumulate).

export type TLoginThrottleLimits = {
  maxAttempts: number;
  windowSeconds: number;
  /** unfinished attempts allowed at once per account (default 2) */
  maxInFlight?: number;
  /** failures per account in the window, from all addresses, before the account-wide delay (50) */
  accountMaxFailures?: number;
  /** the longest account-wide delay (30 s) */
  accountDelayCapSeconds?: number;
};

export type TLoginAttemptRow = {
  ip: string | null;
  attemptedAt: Date;
  outcome: "pending" | "failed" | "succeeded";
};

export type TLoginThrottleDecision =
  | { kind: "proceed" }
  | {
      kind: "throttled";
      reason: "in_flight" | "pair_delay" | "account_delay" | "ip_limit";
      retryAfterSeconds: number;
    };

/** An attempt unfinished for longer than this is a crashed request, no longer in flight. */
export const STALE_PENDING_MS = 60_000;

export function decideLoginAttempt(input: {
  /** the account's attempts in the window, any order */
  attempts: readonly TLoginAttemptRow[];
  /** failures from this IP across all accounts in the window */
  ipFailures: number;
  ip: string | null;
  now: Date;
  limits: TLoginThrottleLimits;
}): TLoginThrottleDecision {
  const { attempts, ip, now, limits } = input;
  const nowMs = now.getTime();
  const windowStart = nowMs - limits.windowSeconds * 1000;
  const maxInFlight = limits.maxInFlight ?? 2;
  const accountMax = limits.accountMaxFailures ?? 50;
  const accountCap = limits.accountDelayCapSeconds ?? 30;
  const recent = attempts.filter((a) => a.attemptedAt.getTime() > windowStart);
  const wait = (reason: "pair_delay" | "account_delay", untilMs: number): TLoginThrottleDecision | null =>
    untilMs > nowMs
      ? { kind: "throttled", reason, retryAfterSeconds: Math.ceil((untilMs - nowMs) / 1000) }
      : null;

  const inFlight = recent.filter(
    (a) => a.outcome === "pending" && a.attemptedAt.getTime() > nowMs - STALE_PENDING_MS,
  ).length;
  if (inFlight >= maxInFlight) return { kind: "throttled", reason: "in_flight", retryAfterSeconds: 1 };

  if (ip !== null && input.ipFailures >= limits.maxAttempts * 4) {
    return { kind: "throttled", reason: "ip_limit", retryAfterSeconds: limits.windowSeconds };
  }

  // an unfinished attempt counts as a failure until it proves otherwise
  const isFailure = (a: TLoginAttemptRow) => a.outcome !== "succeeded";
  const pair = recent.filter((a) => a.ip === ip);
  const lastPairSuccess = Math.max(
    windowStart,
    ...pair.filter((a) => a.outcome === "succeeded").map((a) => a.attemptedAt.getTime()),
  );
  const pairFailures = pair.filter((a) => isFailure(a) && a.attemptedAt.getTime() > lastPairSuccess);
  if (pairFailures.length >= limits.maxAttempts) {
    const excess = pairFailures.length - limits.maxAttempts;
    const delayMs = Math.min(2 ** Math.min(excess, 30) * 1000, limits.windowSeconds * 1000);
    const last = Math.max(...pairFailures.map((a) => a.attemptedAt.getTime()));
    const decision = wait("pair_delay", last + delayMs);
    if (decision) return decision;
  }

  const accountFailures = recent.filter(isFailure);
  if (accountFailures.length >= accountMax) {
    const excess = accountFailures.length - accountMax;
    const delayMs = Math.min(2 ** Math.min(excess, 30) * 1000, accountCap * 1000);
    const last = Math.max(...recent.map((a) => a.attemptedAt.getTime()));
    const decision = wait("account_delay", last + delayMs);
    if (decision) return decision;
  }
  return { kind: "proceed" };
}

/**
 * Whether a failure is worth its own audit row: the first of an (account, IP) in the window, then
 * at each power of two (2, 4, 8 ...), so a flood writes a logarithmic number of rows, each
 * carrying the count so far.
 */
export function isFailureAudited(failuresInWindow: number): boolean {
  return failuresInWindow >= 1 && (failuresInWindow & (failuresInWindow - 1)) === 0;
}
