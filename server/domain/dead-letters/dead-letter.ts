// A message's dead letter, derived from its ledger: the latest time the pipeline gave up on it
// (its reason, error and class), and what happened since: still open, retried and waiting for
// the provider's acknowledgement, acknowledged, discarded by an engineer, or cancelled. Pure: the
// ledger service stores the result in `dead_letter` (a projection, like the message's state) in
// the transaction of the events it derives from, so the list can never disagree with the ledger.
//
// Rules (positions are ledger order, which is the order operators acted in):
// - the dead letter is the dead_lettered fact with the highest attempt (the last one);
// - a retry is a retry_scheduled for a later attempt: it can only exist after the dead letter,
//   since a dead letter's attempt is the highest in the ledger when it is written;
// - the retry counts as done only when the provider acknowledges a later attempt (a
//   provider_accepted or any status webhook for it): "acknowledged";
// - the provider acknowledging the dead-lettered attempt itself (R11: a late webhook proves it
//   was accepted after all) also closes the dead letter as acknowledged;
// - a discard is a manual_action discard after the dead letter; between a discard and a retry,
//   the later one counts (an engineer may retry a discarded message on purpose);
// - a cancel after the dead letter (of a retry still queued) closes it as cancelled;
// - a failure the provider reported by webhook (`status_failed`) of the latest attempt is a dead
//   letter too, unless the pipeline retried it on its own (a worker retry_scheduled for a later
//   attempt): Meta reports most failures this way. Its acknowledgement is a later attempt's, or
//   delivery evidence for the same attempt (R8: the message did arrive).

import { SEND_GATE_REFUSAL_CODES } from "../sending/send-gate";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { asyncFailureReason, dispositionOfCode } from "../sending/async-failure";
import { lookupErrorCode } from "../sending/error-catalog";

export const DEAD_LETTER_STATUSES = [
  "open",
  "retry_pending",
  "acknowledged",
  "discarded",
  "cancelled",
] as const;
export type TDeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/**
 * Why the pipeline gave up, in classes an engineer filters by:
 * - `permanent`: the provider refused this request for good (131026, 131047, 1320xx...);
 * - `sender`: the sender number could not send (token, account, policy): the number is paused;
 * - `exhausted`: retryable failures until the attempt budget or the retry window ran out;
 * - `in_doubt`: an engineer gave up on an attempt whose outcome was never known;
 * - `transient`: a temporary failure the provider reported by webhook that was not resent on its
 *   own (the tenant's policy, e.g. marketing templates, or the retry budget);
 * - `other`: anything else (an error code Waybill does not know).
 */
export const REASON_CLASSES = ["permanent", "sender", "exhausted", "in_doubt", "transient", "other"] as const;
export type TReasonClass = (typeof REASON_CLASSES)[number];

export type TDeadLetter = {
  /** When the (latest) dead letter was recorded (epoch ms). */
  deadLetteredAt: number;
  attempt: number;
  /** The pipeline's reason in words, as the ledger has it. */
  reason: string;
  reasonClass: TReasonClass;
  errorCode: string | null;
  errorTitle: string | null;
  /** How many times the message was dead-lettered (2+: a retry failed again). */
  episodes: number;
  status: TDeadLetterStatus;
  /** When the status was reached (epoch ms). */
  statusAt: number;
  /** The first attempt after the dead letter (set once retried). */
  retryAttempt: number | null;
  retriedBy: string | null;
  /** The attempt the provider acknowledged (status acknowledged). */
  acknowledgedAttempt: number | null;
  discardedBy: string | null;
  discardReason: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
};

/** The class of a dead letter, from its reason and error code. */
export function classifyDeadLetter(event: {
  source: string;
  reason: string;
  error: { code: string } | null;
}): TReasonClass {
  if (event.error === null) return event.source === "operator" ? "in_doubt" : "other";
  if (/^retry (budget|window) spent/.test(event.reason)) return "exhausted";
  const code = event.error.code;
  if (code.startsWith("waybill.credential")) return "sender";
  // refused before sending (an opted-out recipient, a closed customer-service window)
  if (SEND_GATE_REFUSAL_CODES.some((refusal) => refusal === code)) return "permanent";
  if (!/^[0-9]+$/.test(code)) return "other";
  const disposition = lookupErrorCode(Number(code))?.disposition ?? null;
  switch (disposition) {
    case "permanent":
      return "permanent";
    case "sender_blocked":
      return "sender";
    case "transient":
    case "rate_limited":
    case "throttle":
    case "pair_limit":
      return "exhausted";
    case null:
      return "other";
    default: {
      const unreachable: never = disposition;
      return unreachable;
    }
  }
}

type TAck = { attempt: number; at: number };

/** The point where the pipeline stopped: a dead_lettered fact, or a failure reported by webhook. */
type TGiveUp = {
  kind: "dead_lettered" | "status_failed";
  attempt: number;
  position: number;
  recordedAt: number;
  reason: string;
  reasonClass: TReasonClass;
  error: { code: string; title: string } | null;
};

/** The class of a failure reported by webhook and not retried by the pipeline. */
export function classifyAsyncFailure(code: string): TReasonClass {
  if (code.startsWith("waybill.credential")) return "sender";
  switch (dispositionOfCode(code)) {
    case "permanent":
      return "permanent";
    case "sender_blocked":
      return "sender";
    case "transient":
    case "rate_limited":
    case "throttle":
    case "pair_limit":
      return "transient";
    case null:
      return "other";
    default:
      return "other";
  }
}

function findGiveUp(events: readonly TLedgerEvent[]): { giveUp: TGiveUp; episodes: number } | null {
  // an unattributed webhook belongs to the latest started attempt (R3)
  let latestStarted = 0;
  for (const e of events) {
    if (
      e.type === "attempt_started" ||
      e.type === "provider_accepted" ||
      e.type === "provider_rejected" ||
      ((e.type === "status_sent" ||
        e.type === "status_delivered" ||
        e.type === "status_read" ||
        e.type === "status_played" ||
        e.type === "status_failed") &&
        e.attempt !== null)
    ) {
      latestStarted = Math.max(latestStarted, e.attempt ?? 0);
    }
  }
  const workerRetries = new Set<number>();
  for (const e of events)
    if (e.type === "retry_scheduled" && e.source === "worker") workerRetries.add(e.attempt);

  let best: TGiveUp | null = null;
  let episodes = 0;
  const consider = (candidate: TGiveUp) => {
    episodes += 1;
    // the latest attempt wins; at one attempt, the pipeline's own dead letter is the verdict
    if (
      best === null ||
      candidate.attempt > best.attempt ||
      (candidate.attempt === best.attempt &&
        candidate.kind === "dead_lettered" &&
        best.kind !== "dead_lettered")
    ) {
      best = candidate;
    }
  };
  const failedAttempts = new Set<number>();
  events.forEach((event, position) => {
    if (event.type === "dead_lettered") {
      consider({
        kind: "dead_lettered",
        attempt: event.attempt,
        position,
        recordedAt: event.recordedAt,
        reason: event.reason,
        reasonClass: classifyDeadLetter(event),
        error: event.error,
      });
    } else if (event.type === "status_failed") {
      const attempt = event.attempt ?? latestStarted;
      // resent by the pipeline on its own: a retry, not a dead letter; one failure per attempt
      if (workerRetries.has(attempt + 1) || failedAttempts.has(attempt)) return;
      failedAttempts.add(attempt);
      consider({
        kind: "status_failed",
        attempt,
        position,
        recordedAt: event.recordedAt,
        reason: asyncFailureReason(event.error, attempt),
        reasonClass: classifyAsyncFailure(event.error.code),
        error: event.error,
      });
    }
  });
  return best === null ? null : { giveUp: best, episodes };
}

/** The dead letter of a ledger (events in ledger order), or null when it was never dead-lettered. */
export function deriveDeadLetter(events: readonly TLedgerEvent[]): TDeadLetter | null {
  const found = findGiveUp(events);
  if (found === null) return null;
  const { giveUp: dead, episodes } = found;
  const deadAt = dead.position;
  const isAsync = dead.kind === "status_failed";

  let retry: { attempt: number; position: number; at: number; by: string | null } | null = null;
  let discard: { position: number; at: number; by: string; reason: string } | null = null;
  let cancel: { at: number; by: string; reason: string } | null = null;
  let ack: TAck | null = null;
  const retriedBy = new Map<number, string>();
  const noteAck = (attempt: number, at: number) => {
    if (ack === null || at < ack.at) ack = { attempt, at };
  };

  events.forEach((event, position) => {
    switch (event.type) {
      case "retry_scheduled":
        if (event.attempt > dead.attempt && (retry === null || event.attempt < retry.attempt)) {
          const by = event.payload.requestedBy;
          retry = {
            attempt: event.attempt,
            position,
            at: event.recordedAt,
            by: typeof by === "string" ? by : null,
          };
        }
        break;
      case "manual_action":
        if (event.action === "retry" && typeof event.payload.attempt === "number") {
          retriedBy.set(event.payload.attempt, event.actor);
        }
        if (event.action === "discard" && position > deadAt) {
          discard = { position, at: event.recordedAt, by: event.actor, reason: event.reason };
        }
        break;
      case "cancelled":
        if (position > deadAt) cancel = { at: event.recordedAt, by: event.actor, reason: event.reason };
        break;
      case "provider_accepted":
      case "status_sent":
      case "status_delivered":
      case "status_read":
      case "status_played":
      case "status_failed":
        // evidence the provider has an attempt at or after the dead-lettered one; a webhook no
        // attempt could be attributed to counts when it arrived after the dead letter. A failure
        // reported by webhook is itself provider evidence for its attempt: only a later attempt,
        // or delivery evidence for the same one, acknowledges it.
        if (isAsync) {
          const attempt = event.attempt ?? (position > deadAt ? dead.attempt : -1);
          const isDelivery =
            event.type === "status_delivered" ||
            event.type === "status_read" ||
            event.type === "status_played";
          if (attempt > dead.attempt || (attempt === dead.attempt && isDelivery))
            noteAck(attempt, event.recordedAt);
        } else if (event.attempt === null ? position > deadAt : event.attempt >= dead.attempt) {
          noteAck(event.attempt ?? dead.attempt, event.recordedAt);
        }
        break;
      case "requested":
      case "attempt_started":
      case "provider_rejected":
      case "dead_lettered":
      case "stalled_detected":
      case "annotation":
      case "state_recomputed":
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  });

  const r = retry as { attempt: number; position: number; at: number; by: string | null } | null;
  const d = discard as { position: number; at: number; by: string; reason: string } | null;
  const c = cancel as { at: number; by: string; reason: string } | null;
  const a = ack as TAck | null;
  // a retry's acknowledgement must be for the retry's attempt or later
  const acknowledged =
    a !== null && (r === null || a.attempt >= r.attempt || a.attempt === dead.attempt) ? a : null;

  let status: TDeadLetterStatus = "open";
  let statusAt = dead.recordedAt;
  if (acknowledged) {
    status = "acknowledged";
    statusAt = acknowledged.at;
  } else if (c) {
    status = "cancelled";
    statusAt = c.at;
  } else if (r && (!d || r.position > d.position)) {
    status = "retry_pending";
    statusAt = r.at;
  } else if (d) {
    status = "discarded";
    statusAt = d.at;
  }

  return {
    deadLetteredAt: dead.recordedAt,
    attempt: dead.attempt,
    reason: dead.reason,
    reasonClass: dead.reasonClass,
    errorCode: dead.error?.code ?? null,
    errorTitle: dead.error?.title ?? null,
    episodes,
    status,
    statusAt,
    retryAttempt: r?.attempt ?? null,
    retriedBy: r ? (retriedBy.get(r.attempt) ?? r.by) : null,
    acknowledgedAttempt: acknowledged?.attempt ?? null,
    discardedBy: status === "discarded" && d ? d.by : null,
    discardReason: status === "discarded" && d ? d.reason : null,
    cancelledBy: status === "cancelled" && c ? c.by : null,
    cancelReason: status === "cancelled" && c ? c.reason : null,
  };
}
