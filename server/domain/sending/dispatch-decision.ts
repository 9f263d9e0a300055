// What to do with a claimed send-queue item, decided from the message's ledger (the truth),
// never from the queue row alone (a hint that can be stale after a crash, an operator action or
// a webhook that already settled the message).

import type { TLedgerEvent } from "../ledger/ledger-event";
import type { TMessageState } from "../reconciliation/message-state";

export type TAttemptFacts = {
  attempt: number;
  isScheduled: boolean;
  isStarted: boolean;
  isAccepted: boolean;
  isRejected: boolean;
  /** Any status webhook attributed to this attempt (by attempt number), which proves acceptance. */
  hasWebhook: boolean;
  isDeadLettered: boolean;
};

export type TAttemptSummary = {
  /** Per attempt number, ascending. */
  attempts: TAttemptFacts[];
  /** Status webhooks with no attempt (matched by callback data only): attributed at read time. */
  unattributedWebhooks: number;
};

/** Folds a message's ledger into per-attempt facts. */
export function summarizeAttempts(events: readonly TLedgerEvent[]): TAttemptSummary {
  const byAttempt = new Map<number, TAttemptFacts>();
  const at = (attempt: number): TAttemptFacts => {
    let facts = byAttempt.get(attempt);
    if (!facts) {
      facts = {
        attempt,
        isScheduled: false,
        isStarted: false,
        isAccepted: false,
        isRejected: false,
        hasWebhook: false,
        isDeadLettered: false,
      };
      byAttempt.set(attempt, facts);
    }
    return facts;
  };
  let unattributedWebhooks = 0;
  for (const event of events) {
    switch (event.type) {
      case "retry_scheduled":
        at(event.attempt).isScheduled = true;
        break;
      case "attempt_started":
        at(event.attempt).isStarted = true;
        break;
      case "provider_accepted":
        at(event.attempt).isAccepted = true;
        break;
      case "provider_rejected":
        at(event.attempt).isRejected = true;
        break;
      case "dead_lettered":
        at(event.attempt).isDeadLettered = true;
        break;
      case "status_sent":
      case "status_delivered":
      case "status_read":
      case "status_played":
      case "status_failed":
        if (event.attempt === null) unattributedWebhooks += 1;
        else at(event.attempt).hasWebhook = true;
        break;
      case "requested":
      case "cancelled":
      case "stalled_detected":
      case "manual_action":
      case "annotation":
      case "state_recomputed":
        break;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }
  return {
    attempts: [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt),
    unattributedWebhooks,
  };
}

export type TQueueItemHint = {
  /** The attempt the queue row says runs next. */
  attempt: number;
  /** Set when this attempt got no answer (timeout): its grace period for a webhook is over. */
  inDoubtAttempt: number | null;
};

export type TDispatchDecision =
  /** Start `attempt`: record attempt_started, then call the provider. */
  | { kind: "send"; attempt: number }
  /**
   * Attempt `unansweredAttempt` got no answer and no webhook came within the grace period:
   * schedule `attempt` (recording the reason) and send it.
   */
  | { kind: "retry_unanswered"; unansweredAttempt: number; attempt: number }
  /** Nothing to send: the ledger says the message has moved on. The queue row is removed. */
  | { kind: "drop"; reason: string }
  /**
   * An attempt was started and its outcome never recorded (the worker died in between): it may
   * have reached the provider. Never re-sent blindly; a webhook or an engineer resolves it.
   */
  | { kind: "hold_in_doubt"; attempt: number; reason: string };

/**
 * Decides from the message's derived state and its highest attempt number (the projection the
 * ledger keeps in step with its events, rule by rule), which is all it takes: `submitting` means
 * the highest attempt started and nothing about it came back (any answer or webhook would rank
 * above attempt_started, R4); `retrying` means the highest attempt is scheduled, not started.
 */
export function decideDispatch(
  state: TMessageState,
  latestAttempt: number,
  item: TQueueItemHint,
): TDispatchDecision {
  switch (state) {
    case "queued":
      return { kind: "send", attempt: Math.max(1, latestAttempt + 1) };
    case "retrying":
      // the attempt to run is the one the ledger announced, whatever the queue row says
      return { kind: "send", attempt: Math.max(1, latestAttempt) };
    case "submitting":
      if (item.inDoubtAttempt === latestAttempt) {
        // a webhook matched by callback data (attempt null) would have moved the state to sent
        // or further: reaching here means no evidence arrived within the grace period
        return { kind: "retry_unanswered", unansweredAttempt: latestAttempt, attempt: latestAttempt + 1 };
      }
      return {
        kind: "hold_in_doubt",
        attempt: latestAttempt,
        reason: `attempt ${latestAttempt} was started but its outcome was never recorded`,
      };
    case "accepted":
    case "sent":
    case "delivered":
    case "read":
    case "played":
    case "failed":
    case "rejected":
    case "dead_lettered":
    case "cancelled":
      return { kind: "drop", reason: `the message is ${state}` };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
