// The login throttle's decisions: in-flight cap, progressive delay per (account, IP), the softer
// account-wide delay, the IP spray limit, and which failures get an audit row.
import { describe, expect, it } from "vitest";
import { decideLoginAttempt, isFailureAudited, type TLoginAttemptRow } from "./login-throttle";

const limits = { maxAttempts: 5, windowSeconds: 900, accountMaxFailures: 50 };
const NOW = new Date("2026-12-03T12:00:00Z");
const at = (secondsAgo: number) => new Date(NOW.getTime() - secondsAgo * 1000);
const failures = (n: number, ip: string | null, secondsAgo = 100): TLoginAttemptRow[] =>
  Array.from({ length: n }, () => ({ ip, attemptedAt: at(secondsAgo), outcome: "failed" }));
const decide = (attempts: TLoginAttemptRow[], ip: string | null = "203.0.113.1", ipFailures = 0) =>
  decideLoginAttempt({ attempts, ipFailures, ip, now: NOW, limits });

describe("decideLoginAttempt", () => {
  it("lets the first failures through, then delays the pair progressively", () => {
    expect(decide(failures(4, "203.0.113.1"))).toEqual({ kind: "proceed" });
    // 5 failures, last one 100 s ago: the 1 s delay is long over
    expect(decide(failures(5, "203.0.113.1"))).toEqual({ kind: "proceed" });
    expect(decide(failures(5, "203.0.113.1", 0))).toMatchObject({ kind: "throttled", reason: "pair_delay" });
    // 12 failures: 2^7 = 128 s after the last
    expect(decide(failures(12, "203.0.113.1"))).toMatchObject({
      reason: "pair_delay",
      retryAfterSeconds: 28,
    });
  });

  it("does not lock the owner out from another address", () => {
    expect(decide(failures(30, "198.51.100.66"), "203.0.113.1")).toEqual({ kind: "proceed" });
  });

  it("caps attempts in flight per account", () => {
    const pending: TLoginAttemptRow[] = [
      { ip: "a", attemptedAt: at(1), outcome: "pending" },
      { ip: "b", attemptedAt: at(1), outcome: "pending" },
    ];
    expect(decide(pending)).toMatchObject({ kind: "throttled", reason: "in_flight" });
    // a crashed attempt stops counting
    expect(decide(pending.map((p) => ({ ...p, attemptedAt: at(120) })))).toEqual({ kind: "proceed" });
  });

  it("slows a distributed guesser account-wide, by seconds, never a lockout", () => {
    const spread = Array.from({ length: 60 }, (_, i) => failures(1, `198.51.100.${i}`, 1)[0]!);
    const decision = decide(spread);
    expect(decision).toMatchObject({ kind: "throttled", reason: "account_delay" });
    expect((decision as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(decide(spread.map((a) => ({ ...a, attemptedAt: at(31) })))).toEqual({ kind: "proceed" });
  });

  it("stops an IP spraying many accounts, and forgets the pair's failures after a success", () => {
    expect(decide([], "203.0.113.1", 20)).toMatchObject({ reason: "ip_limit" });
    const rows = [
      ...failures(8, "203.0.113.1", 50),
      { ip: "203.0.113.1", attemptedAt: at(10), outcome: "succeeded" as const },
    ];
    expect(decide(rows)).toEqual({ kind: "proceed" });
  });
});

describe("isFailureAudited", () => {
  it("audits the first failure and then each power of two", () => {
    const audited = Array.from({ length: 100 }, (_, i) => i + 1).filter(isFailureAudited);
    expect(audited).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });
});
