// The append-only ledger of one outbound message. Every row records one receipt of one fact; the
// current state is never stored as truth but derived from these rows (server/domain/reconciliation),
// so a replayed, late or duplicated row can only ever be re-read, never "applied twice".

import type { TJsonObject } from "./canonical-json";

export const EVENT_SOURCES = ["api", "provider_response", "webhook", "worker", "operator"] as const;
export type TEventSource = (typeof EVENT_SOURCES)[number];

/**
 * A provider or pipeline error. `code` is a string so one shape fits Meta (131026), Twilio (63016)
 * and our own transport failures ("transport.timeout"); Meta asks clients to key on code + details.
 */
export type TLedgerError = {
  code: string;
  title: string;
  message: string;
  details: string | null;
};

export const MANUAL_ACTIONS = [
  "cancel",
  "retry",
  "discard",
  "resolve_in_doubt",
  "force_reconcile",
  // an engineer re-ran ingestion of a raw webhook request linked to this message (payload:
  // rawWebhookId, replayId); facts the request already delivered get no second receipt
  "replay_webhook",
] as const;
export type TManualAction = (typeof MANUAL_ACTIONS)[number];

type TEventBase<TType extends string, TSource extends TEventSource> = {
  /** Row id: differs between duplicate receipts of the same fact. */
  id: string;
  /** The message whose ledger this is; part of the hashed content so rows cannot be moved. */
  messageId: string;
  type: TType;
  source: TSource;
  /** The provider's clock for the fact (webhook `timestamp` * 1000); null for our own facts. */
  providerTimestamp: number | null;
  /** Our clock when this receipt was stored. Never decides state: it varies with arrival order. */
  recordedAt: number;
  /** Identity of the fact: every receipt of the same fact carries the same key. */
  dedupeKey: string;
  /** Extra detail for humans (request summary, raw status fields). Must not hold receipt-specific
   *  data (ingest ids, arrival times): duplicates of one fact are expected to have equal payloads. */
  payload: TJsonObject;
};

/** The tenant (or the console) asked us to send. Attempt 0. */
export type TRequestedEvent = TEventBase<"requested", "api" | "operator">;

/** The worker is about to call the provider for attempt `attempt` (1-based). */
export type TAttemptStartedEvent = TEventBase<"attempt_started", "worker"> & { attempt: number };

/** The provider's synchronous response accepted the attempt and named the message (wamid).
 *  `operator` is for resolve_in_doubt: support proved acceptance after a crash lost the response. */
export type TProviderAcceptedEvent = TEventBase<"provider_accepted", "provider_response" | "operator"> & {
  attempt: number;
  providerMessageId: string;
  /**
   * Meta's template pacing, from the send answer's `message_status`: the template message was
   * accepted but Meta holds it (quality assessment) or its template is paused. Absent when Meta
   * said `accepted` (or nothing: free-form text), so facts recorded before it existed hash alike.
   */
  templatePacing?: TTemplatePacing;
};

/** `message_status` values of a send answer that mean "accepted, but not on its way yet". */
export const TEMPLATE_PACING = ["held_for_quality_assessment", "paused"] as const;
export type TTemplatePacing = (typeof TEMPLATE_PACING)[number];

/** Reads the send answer's `message_status` as a pacing fact (`accepted`, none or unknown: null). */
export function templatePacingOf(messageStatus: string | null | undefined): TTemplatePacing | null {
  return TEMPLATE_PACING.find((value) => value === messageStatus) ?? null;
}

/** The provider's synchronous response refused the attempt. */
export type TProviderRejectedEvent = TEventBase<"provider_rejected", "provider_response"> & {
  attempt: number;
  error: TLedgerError;
};

/** Fields every status webhook carries. `attempt` is the attempt whose providerMessageId the status
 *  names (found through provider_accepted or biz_opaque_callback_data); null when ingest could not
 *  tell, and reconciliation then attributes it to the latest started attempt (rule R3). */
type TStatusFields = { attempt: number | null; providerMessageId: string };

export type TStatusSentEvent = TEventBase<"status_sent", "webhook"> & TStatusFields;
export type TStatusDeliveredEvent = TEventBase<"status_delivered", "webhook"> & TStatusFields;
export type TStatusReadEvent = TEventBase<"status_read", "webhook"> & TStatusFields;
/** First play of a voice message; implies read. */
export type TStatusPlayedEvent = TEventBase<"status_played", "webhook"> & TStatusFields;
export type TStatusFailedEvent = TEventBase<"status_failed", "webhook"> &
  TStatusFields & { error: TLedgerError };

/** The pipeline (or an operator) scheduled attempt `attempt`, not before `notBefore` (epoch ms).
 *  `attempt` is the attempt that WILL run, so it sorts before that attempt's attempt_started. */
export type TRetryScheduledEvent = TEventBase<"retry_scheduled", "worker" | "operator"> & {
  attempt: number;
  notBefore: number;
  error: TLedgerError | null;
};

/** The pipeline stopped trying. `attempt` is the highest attempt number in the ledger at the time
 *  (including a scheduled one that never started), so it outranks everything before it. */
export type TDeadLetteredEvent = TEventBase<"dead_lettered", "worker" | "operator"> & {
  attempt: number;
  reason: string;
  error: TLedgerError | null;
};

/** The tenant (api) or support (operator) cancelled the message. Wins only before acceptance. */
export type TCancelledEvent = TEventBase<"cancelled", "api" | "operator"> & {
  actor: string;
  reason: string;
};

/** The stall sweep noticed the message had not moved; kept for the timeline, never a state. */
export type TStalledDetectedEvent = TEventBase<"stalled_detected", "worker">;

/** Audit of an operator's action. State changes come from the events the action appends
 *  (cancelled, retry_scheduled, provider_accepted, state_recomputed), never from this row. */
export type TManualActionEvent = TEventBase<"manual_action", "operator"> & {
  action: TManualAction;
  actor: string;
  reason: string;
};

/** A support note or dispute. */
export type TAnnotationEvent = TEventBase<"annotation", "operator"> & { actor: string; note: string };

/** A re-derivation was stored (e.g. after a rules upgrade). States are plain strings: they were
 *  produced by some rules version, possibly one whose state list differs from today's. */
export type TStateRecomputedEvent = TEventBase<"state_recomputed", "worker" | "operator"> & {
  rulesVersion: number;
  fromState: string | null;
  toState: string;
};

export type TLedgerEvent =
  | TRequestedEvent
  | TAttemptStartedEvent
  | TProviderAcceptedEvent
  | TProviderRejectedEvent
  | TStatusSentEvent
  | TStatusDeliveredEvent
  | TStatusReadEvent
  | TStatusPlayedEvent
  | TStatusFailedEvent
  | TRetryScheduledEvent
  | TDeadLetteredEvent
  | TCancelledEvent
  | TStalledDetectedEvent
  | TManualActionEvent
  | TAnnotationEvent
  | TStateRecomputedEvent;

export type TLedgerEventType = TLedgerEvent["type"];

export const LEDGER_EVENT_TYPES = [
  "requested",
  "attempt_started",
  "provider_accepted",
  "provider_rejected",
  "status_sent",
  "status_delivered",
  "status_read",
  "status_played",
  "status_failed",
  "retry_scheduled",
  "dead_lettered",
  "cancelled",
  "stalled_detected",
  "manual_action",
  "annotation",
  "state_recomputed",
] as const satisfies readonly TLedgerEventType[];

// Fails to compile when a type is added to the union but not to the list above.
type TMissingEventType = Exclude<TLedgerEventType, (typeof LEDGER_EVENT_TYPES)[number]>;
const assertAllEventTypesListed: [TMissingEventType] extends [never] ? true : TMissingEventType = true;
void assertAllEventTypesListed;

export type TStatusEvent =
  TStatusSentEvent | TStatusDeliveredEvent | TStatusReadEvent | TStatusPlayedEvent | TStatusFailedEvent;
export type TStatusEventType = TStatusEvent["type"];

export function isStatusEvent(event: TLedgerEvent): event is TStatusEvent {
  switch (event.type) {
    case "status_sent":
    case "status_delivered":
    case "status_read":
    case "status_played":
    case "status_failed":
      return true;
    case "requested":
    case "attempt_started":
    case "provider_accepted":
    case "provider_rejected":
    case "retry_scheduled":
    case "dead_lettered":
    case "cancelled":
    case "stalled_detected":
    case "manual_action":
    case "annotation":
    case "state_recomputed":
      return false;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

type TBaseKey = keyof TEventBase<string, TEventSource>;

function pickBase<T extends TLedgerEvent>(event: T): Pick<T, TBaseKey> {
  return {
    id: event.id,
    messageId: event.messageId,
    type: event.type,
    source: event.source,
    providerTimestamp: event.providerTimestamp,
    recordedAt: event.recordedAt,
    dedupeKey: event.dedupeKey,
    payload: event.payload,
  };
}

/**
 * A copy holding exactly the fields the event type declares. Hashes and fact identity are computed
 * over this, so a row object that also carries columns (tenantId, sequence, prevHash, hash) or a
 * stray property hashes the same as the stored event that a database round trip gives back.
 */
export function pickEventFields(event: TLedgerEvent): TLedgerEvent {
  switch (event.type) {
    case "requested":
      return pickBase(event);
    case "stalled_detected":
      return pickBase(event);
    case "attempt_started":
      return { ...pickBase(event), attempt: event.attempt };
    case "provider_accepted":
      return {
        ...pickBase(event),
        attempt: event.attempt,
        providerMessageId: event.providerMessageId,
        ...(event.templatePacing === undefined ? {} : { templatePacing: event.templatePacing }),
      };
    case "provider_rejected":
      return { ...pickBase(event), attempt: event.attempt, error: pickError(event.error) };
    case "status_sent":
    case "status_delivered":
    case "status_read":
    case "status_played":
      return { ...pickBase(event), attempt: event.attempt, providerMessageId: event.providerMessageId };
    case "status_failed":
      return {
        ...pickBase(event),
        attempt: event.attempt,
        providerMessageId: event.providerMessageId,
        error: pickError(event.error),
      };
    case "retry_scheduled":
      return {
        ...pickBase(event),
        attempt: event.attempt,
        notBefore: event.notBefore,
        error: event.error === null ? null : pickError(event.error),
      };
    case "dead_lettered":
      return {
        ...pickBase(event),
        attempt: event.attempt,
        reason: event.reason,
        error: event.error === null ? null : pickError(event.error),
      };
    case "cancelled":
      return { ...pickBase(event), actor: event.actor, reason: event.reason };
    case "manual_action":
      return { ...pickBase(event), action: event.action, actor: event.actor, reason: event.reason };
    case "annotation":
      return { ...pickBase(event), actor: event.actor, note: event.note };
    case "state_recomputed":
      return {
        ...pickBase(event),
        rulesVersion: event.rulesVersion,
        fromState: event.fromState,
        toState: event.toState,
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

function pickError(error: TLedgerError): TLedgerError {
  return { code: error.code, title: error.title, message: error.message, details: error.details };
}
