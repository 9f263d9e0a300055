import { describe, expect, it } from "vitest";
import {
  DEFAULT_ASYNC_RETRY_POLICY,
  asyncFailureReason,
  decideAsyncFailure,
  type TAsyncFailureInput,
} from "./async-failure";
import { DEFAULT_RETRY_POLICY } from "./retry-policy";

const NOW = Date.UTC(2026, 10, 1, 12, 0, 0);
const error = (code: string, title = "t") => ({ code, title, message: title, details: null });

function input(
  overrides: Partial<TAsyncFailureInput> & { category?: string | null } = {},
): TAsyncFailureInput {
  const { category = "UTILITY", ...rest } = overrides;
  return {
    error: error("131000", "Something went wrong"),
    failedAttempt: 1,
    message: { state: "sent", latestAttempt: 1, templateCategory: category, requestedAtMs: NOW - 60_000 },
    hasDeliveryEvidence: false,
    policy: DEFAULT_ASYNC_RETRY_POLICY,
    retryPolicy: DEFAULT_RETRY_POLICY,
    nowMs: NOW,
    random: 0.5,
    ...rest,
  };
}

describe("decideAsyncFailure", () => {
  it("a sender-level code (131042 payment, 131031 locked, 368) pauses the number and is not resent", () => {
    for (const code of ["131042", "131031", "368"]) {
      expect(decideAsyncFailure(input({ error: error(code) }))).toMatchObject({
        kind: "act",
        disposition: "sender_blocked",
        pauseSender: true,
        retry: null,
      });
    }
  });

  it("a permanent code is neither resent nor pauses", () => {
    expect(decideAsyncFailure(input({ error: error("131026") }))).toMatchObject({
      kind: "act",
      disposition: "permanent",
      pauseSender: false,
      retry: null,
    });
  });

  it("a transient code (131000, 131016) is resent as the next attempt when the policy allows it", () => {
    for (const code of ["131000", "131016"]) {
      const decision = decideAsyncFailure(input({ error: error(code) }));
      expect(decision).toMatchObject({ kind: "act", disposition: "transient", pauseSender: false });
      if (decision.kind !== "act" || !decision.retry) throw new Error("expected a retry");
      expect(decision.retry.attempt).toBe(2);
      expect(decision.retry.notBefore).toBeGreaterThan(NOW);
    }
  });

  it("marketing templates are not resent by default, and are when the tenant allows it", () => {
    const marketing = decideAsyncFailure(input({ category: "MARKETING" }));
    expect(marketing).toMatchObject({ kind: "act", retry: null });
    expect(marketing.kind === "act" && marketing.notRetriedBecause).toContain("marketing");
    const allowed = decideAsyncFailure(
      input({ category: "MARKETING", policy: { retryTransientMarketing: true, retryTransientOther: true } }),
    );
    expect(allowed.kind === "act" && allowed.retry?.attempt).toBe(2);
  });

  it("the retry budget still applies", () => {
    const decision = decideAsyncFailure(
      input({
        failedAttempt: 8,
        message: { state: "sent", latestAttempt: 8, templateCategory: null, requestedAtMs: NOW },
      }),
    );
    expect(decision).toMatchObject({ kind: "act", retry: null });
    expect(decision.kind === "act" && decision.notRetriedBecause).toMatch(/retry budget spent/);
  });

  it("ignores history, duplicates and failures beside delivery", () => {
    expect(
      decideAsyncFailure(
        input({
          message: { state: "accepted", latestAttempt: 2, templateCategory: null, requestedAtMs: NOW },
        }),
      ).kind,
    ).toBe("ignore");
    // the failure was already acted on (a re-delivery)
    for (const state of ["failed", "retrying", "delivered", "read"] as const) {
      expect(
        decideAsyncFailure(
          input({ message: { state, latestAttempt: 1, templateCategory: null, requestedAtMs: NOW } }),
        ).kind,
      ).toBe("ignore");
    }
    expect(decideAsyncFailure(input({ hasDeliveryEvidence: true })).kind).toBe("ignore");
  });
});

describe("asyncFailureReason", () => {
  it("says where the failure came from and what follows", () => {
    expect(asyncFailureReason(error("131042", "Business eligibility payment issue"), 1)).toBe(
      "the provider reported attempt 1 failed by webhook: 131042 (Business eligibility payment issue); the sender cannot send: the sender number is paused until an engineer resumes it",
    );
    expect(asyncFailureReason(error("999999", "New"), 2)).toContain("an error Waybill does not know");
  });
});
