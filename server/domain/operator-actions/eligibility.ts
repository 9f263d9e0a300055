// Which operator actions a message allows, decided once from what the ledger derived (and, for a
// dead letter, its projection's status). The services refuse with these reasons under the
// message's lock, the timeline offers its buttons from `messageActions`, and the dead-letter dry
// run skips by `deadLetterSkipReason`, so a page never offers what the server would refuse and
// the dry run never promises what the action would skip. Pure: every fact comes in as data.

import type { TDeadLetterStatus } from "../dead-letters/dead-letter";
import type { TMessageState } from "../reconciliation/message-state";

/** Why an action is refused; the message says it in words, for the engineer who asked. */
export type TRefusal = { code: TRefusalCode; message: string };

export const REFUSAL_CODES = [
  "not_retryable",
  "provider_may_have_it",
  "provider_has_it",
  "nothing_queued",
  "already_cancelled",
  "not_in_doubt",
  "no_started_attempt",
  "attempt_in_flight",
  "webhook_pruned",
  "webhook_pending",
  // a dead letter the action cannot take (the dry run's skip reasons)
  "not_found",
  "not_dead_lettered",
  "retry_pending",
  "acknowledged",
  "discarded",
  "cancelled",
  "state_changed",
] as const;
export type TRefusalCode = (typeof REFUSAL_CODES)[number];

/**
 * States a new attempt may follow: the pipeline gave up (dead-lettered), or the provider said no
 * (rejected on the call, failed by webhook). Anything else is either still on its way or arrived.
 */
export const RETRYABLE_STATES = [
  "dead_lettered",
  "failed",
  "rejected",
] as const satisfies readonly TMessageState[];

export function isRetryableState(state: TMessageState): boolean {
  return (RETRYABLE_STATES as readonly TMessageState[]).includes(state);
}

export function whyNotRetryable(state: TMessageState): TRefusal | null {
  return isRetryableState(state)
    ? null
    : {
        code: "not_retryable",
        message: `only dead-lettered, failed or rejected messages can be retried; this one is ${state}`,
      };
}

/**
 * A cancel decides only while no provider has the message (reconciliation's R9): queued, or
 * waiting for its next attempt. `latestAttempt` only names the attempt in the refusal.
 */
export function whyNotCancellable(state: TMessageState, latestAttempt: number): TRefusal | null {
  const refuse = (code: TRefusalCode, why: string): TRefusal => ({ code, message: `cannot cancel: ${why}` });
  switch (state) {
    case "queued":
    case "retrying":
      return null;
    case "submitting":
      return refuse(
        "provider_may_have_it",
        `attempt ${latestAttempt} has already been handed to the provider and may have reached it; a WhatsApp message cannot be unsent`,
      );
    case "accepted":
    case "sent":
    case "delivered":
    case "read":
    case "played":
    case "failed":
      return refuse(
        "provider_has_it",
        `the provider already has this message (${state}); a WhatsApp message cannot be unsent`,
      );
    case "rejected":
    case "dead_lettered":
      return refuse(
        "nothing_queued",
        `nothing is queued to send (the message is ${state === "rejected" ? "rejected" : "dead-lettered"}); discard the dead letter instead`,
      );
    case "cancelled":
      return refuse("already_cancelled", "the message is already cancelled");
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

/** What the in-doubt resolution sees of the message under its lock. */
export type TInDoubtFacts = {
  state: TMessageState;
  explanation: string;
  /** the latest attempt with an attempt_started; null when none started */
  startedAttempt: number | null;
  /** the send_queue row's lease (epoch ms), null when not leased or no row */
  leaseUntilMs: number | null;
  nowMs: number;
};

/**
 * An attempt is in doubt while its message is `submitting` (started, no answer recorded) and no
 * live worker holds its lease: a leased attempt is in flight and its outcome is coming.
 */
export function whyNotResolvableInDoubt(facts: TInDoubtFacts): TRefusal | null {
  if (facts.state !== "submitting") {
    return {
      code: "not_in_doubt",
      message: `the attempt is no longer in doubt: the message is ${facts.state} (${facts.explanation})`,
    };
  }
  if (facts.startedAttempt === null) {
    return { code: "no_started_attempt", message: "no started attempt to resolve" };
  }
  if (facts.leaseUntilMs !== null && facts.leaseUntilMs >= facts.nowMs) {
    return {
      code: "attempt_in_flight",
      message: "a worker is making this attempt right now; wait for its outcome",
    };
  }
  return null;
}

/** Why a dead-letter action (retry or discard) skips a selected message. */
export const SKIP_REASONS = [
  "not_found",
  "not_dead_lettered",
  "retry_pending",
  "acknowledged",
  "discarded",
  "cancelled",
  "state_changed",
] as const satisfies readonly TRefusalCode[];
export type TSkipReason = (typeof SKIP_REASONS)[number];

export const SKIP_REASON_TEXT: Readonly<Record<TSkipReason, string>> = {
  not_found: "no such message in this tenant",
  not_dead_lettered: "the message was never dead-lettered",
  retry_pending: "already retried; waiting for the provider's acknowledgement",
  acknowledged: "the provider has acknowledged it since",
  discarded: "already discarded",
  cancelled: "cancelled",
  state_changed: "no longer dead-lettered",
};

/**
 * A dead letter is acted on (retried or discarded) only while it is open and the message's state
 * agrees: dead-lettered, or a failure a retry may follow. A projection read apart from the
 * message (the list, the dry run) can lag a late webhook or a cancel: that is `state_changed`.
 * `state` null: the tenant has no such message.
 */
export function deadLetterSkipReason(
  deadLetter: { status: TDeadLetterStatus } | null,
  state: TMessageState | null,
): TSkipReason | null {
  if (state === null) return "not_found";
  if (deadLetter === null) return "not_dead_lettered";
  switch (deadLetter.status) {
    case "open":
      return isRetryableState(state) ? null : "state_changed";
    case "retry_pending":
    case "acknowledged":
    case "discarded":
    case "cancelled":
      return deadLetter.status;
    default: {
      const unreachable: never = deadLetter.status;
      return unreachable;
    }
  }
}

export function whyNotDeadLetterActionable(
  deadLetter: { status: TDeadLetterStatus } | null,
  state: TMessageState | null,
): TRefusal | null {
  const skip = deadLetterSkipReason(deadLetter, state);
  return skip === null ? null : { code: skip, message: SKIP_REASON_TEXT[skip] };
}

/** A stored webhook request linked to the message, as a replay sees it. */
export type TReplayableRequest = { status: string; isPruned: boolean };

export function whyNotReplayable(request: TReplayableRequest): TRefusal | null {
  if (request.isPruned) {
    return {
      code: "webhook_pruned",
      message: "the request's body was pruned by retention: nothing to replay",
    };
  }
  if (request.status === "pending") {
    return { code: "webhook_pending", message: "the request is already waiting to be processed" };
  }
  return null;
}

export type TMessageActions = {
  retry: boolean;
  cancel: boolean;
  discardDeadLetter: boolean;
};

/** What a message page offers, from the same predicates the actions refuse by. */
export function messageActions(
  state: TMessageState,
  deadLetter: { status: TDeadLetterStatus } | null,
): TMessageActions {
  return {
    retry: whyNotRetryable(state) === null,
    cancel: whyNotCancellable(state, 0) === null,
    discardDeadLetter: deadLetterSkipReason(deadLetter, state) === null,
  };
}
