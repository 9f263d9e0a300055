// A failure Meta reports by webhook (a `failed` status with `errors[]`) goes through the same
// error catalogue as a failure on the send call: most of Meta's failures arrive this way, so
// treating them only as a state would leave dead letters unlisted, numbers sending into a wall and
// temporary failures never retried. Pure: the ingest service loads the message and the tenant's
// policy, this decides, the service appends and pauses.

import type { TLedgerError } from "../ledger/ledger-event";
import type { TMessageState } from "../reconciliation/message-state";
import { lookupErrorCode, type TDisposition } from "./error-catalog";
import { decideRetry, type TRetryPolicy } from "./retry-policy";

/**
 * Whether a temporary failure reported by webhook is resent as a new attempt. Marketing templates
 * are not resent blindly by default: the recipient may already have it (Meta may fail a message
 * it delivered to another device), and a second marketing message costs quality and money.
 */
export type TAsyncRetryPolicy = {
  retryTransientMarketing: boolean;
  retryTransientOther: boolean;
};

export const DEFAULT_ASYNC_RETRY_POLICY: TAsyncRetryPolicy = {
  retryTransientMarketing: false,
  retryTransientOther: true,
};

/** The catalogue's disposition of a ledger error code; null for a code Waybill does not know. */
export function dispositionOfCode(code: string): TDisposition | null {
  if (!/^[0-9]+$/.test(code)) return null;
  return lookupErrorCode(Number(code))?.disposition ?? null;
}

/** Dispositions a new attempt may cure (after a wait). */
export function isRetryableDisposition(disposition: TDisposition | null): boolean {
  switch (disposition) {
    case "transient":
    case "rate_limited":
    case "throttle":
    case "pair_limit":
      return true;
    case "permanent":
    case "sender_blocked":
    case null:
      return false;
    default: {
      const unreachable: never = disposition;
      return unreachable;
    }
  }
}

export type TAsyncFailureInput = {
  error: TLedgerError;
  /** The attempt the failed status belongs to (through its wamid). */
  failedAttempt: number;
  /** The message as locked before the status is appended. */
  message: {
    state: TMessageState;
    /** The highest attempt in its ledger. */
    latestAttempt: number;
    templateCategory: string | null;
    requestedAtMs: number;
    /** Authentication templates: no attempt after their time to live. */
    ttlMs?: number | null;
  };
  /** The same webhook batch also reports delivery evidence for this attempt (R8: it wins). */
  hasDeliveryEvidence: boolean;
  policy: TAsyncRetryPolicy;
  retryPolicy: TRetryPolicy;
  nowMs: number;
  random: number;
};

export type TAsyncFailureDecision =
  /** Nothing to do: the failure is history (a later attempt exists) or the message moved on. */
  | { kind: "ignore"; reason: string }
  | {
      kind: "act";
      disposition: TDisposition | null;
      /** The number cannot send: pause it (alone) and open its alert. */
      pauseSender: boolean;
      /** A new attempt to schedule, or null (the failure stays, listed as a dead letter). */
      retry: { attempt: number; notBefore: number } | null;
      /** Why no retry, in words, when the failure is retryable but not retried. */
      notRetriedBecause: string | null;
    };

/** States in which the failed attempt is still the one in flight (nothing newer decided yet). */
const IN_FLIGHT: ReadonlySet<TMessageState> = new Set(["submitting", "accepted", "sent"]);

export function decideAsyncFailure(input: TAsyncFailureInput): TAsyncFailureDecision {
  const { message, failedAttempt } = input;
  if (failedAttempt < message.latestAttempt) {
    return { kind: "ignore", reason: `attempt ${failedAttempt} was already superseded` };
  }
  if (input.hasDeliveryEvidence) {
    return { kind: "ignore", reason: "the same attempt was delivered (delivery evidence wins)" };
  }
  // a duplicate of a failure already acted on finds the message failed or retrying; a failure
  // after delivery changes nothing (R8). Only a failure of the attempt in flight is acted on.
  if (!IN_FLIGHT.has(message.state)) {
    return { kind: "ignore", reason: `the message is already ${message.state}` };
  }
  const disposition = dispositionOfCode(input.error.code);
  const pauseSender = disposition === "sender_blocked";
  if (!isRetryableDisposition(disposition)) {
    return { kind: "act", disposition, pauseSender, retry: null, notRetriedBecause: null };
  }
  const isMarketing = (message.templateCategory ?? "").toUpperCase() === "MARKETING";
  const allowed = isMarketing ? input.policy.retryTransientMarketing : input.policy.retryTransientOther;
  if (!allowed) {
    return {
      kind: "act",
      disposition,
      pauseSender,
      retry: null,
      notRetriedBecause: isMarketing
        ? "the tenant's policy does not resend marketing templates after a failure reported by webhook"
        : "the tenant's policy does not resend after a failure reported by webhook",
    };
  }
  const retry = decideRetry({
    failedAttempt,
    // a webhook-reported failure has no pair pacing or throughput answer to read: plain backoff
    disposition: disposition === "pair_limit" ? "rate_limited" : (disposition ?? "transient"),
    error: input.error,
    requestedAtMs: message.requestedAtMs,
    ttlMs: message.ttlMs ?? null,
    nowMs: input.nowMs,
    random: input.random,
    policy: input.retryPolicy,
  });
  if (retry.kind === "dead_letter") {
    return { kind: "act", disposition, pauseSender, retry: null, notRetriedBecause: retry.reason };
  }
  return {
    kind: "act",
    disposition,
    pauseSender,
    retry: { attempt: retry.attempt, notBefore: retry.notBefore },
    notRetriedBecause: null,
  };
}

/** The dead letter's reason in words for a failure reported by webhook (derived, see deriveDeadLetter). */
export function asyncFailureReason(error: TLedgerError, attempt: number): string {
  const described = `${error.code} (${error.title || "no title"})`;
  const head = `the provider reported attempt ${attempt} failed by webhook: ${described}`;
  const disposition = dispositionOfCode(error.code);
  switch (disposition) {
    case "permanent":
      return `${head}; permanent: not retried automatically`;
    case "sender_blocked":
      return `${head}; the sender cannot send: the sender number is paused until an engineer resumes it`;
    case "transient":
    case "rate_limited":
    case "throttle":
    case "pair_limit":
      return `${head}; temporary, but not retried automatically (the tenant's policy or the retry budget): review before retrying`;
    case null:
      return `${head}; an error Waybill does not know: not retried automatically`;
    default: {
      const unreachable: never = disposition;
      return unreachable;
    }
  }
}
