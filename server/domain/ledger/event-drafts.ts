// The one set of event-draft constructors: what a writer submits to the ledger (the ledger
// assigns id, message and recording time). Used by the writers (webhook statuses, retries a
// failed status schedules), the demo seed and the tests, so a draft has one shape wherever it is
// made and its dedupe key is always the documented one.
import { dedupeKey, type TProviderStatus } from "./dedupe-key";
import type { TLedgerError, TLedgerEvent } from "./ledger-event";

/** An event as a writer submits it: the ledger assigns id, message and recording time. */
export type TEventDraft = TLedgerEvent extends infer E
  ? E extends TLedgerEvent
    ? Omit<E, "id" | "messageId" | "recordedAt">
    : never
  : never;

export type TDraftOf<T extends TEventDraft["type"]> = Extract<TEventDraft, { type: T }>;

type TPayload = TLedgerEvent["payload"];

export type TDeliveryStatus = Exclude<TProviderStatus, "failed">;

export const eventDrafts = {
  requested: (payload: TPayload = {}): TDraftOf<"requested"> => ({
    type: "requested",
    source: "api",
    providerTimestamp: null,
    dedupeKey: dedupeKey.requested(),
    payload,
  }),
  attemptStarted: (attempt: number, payload: TPayload = {}): TDraftOf<"attempt_started"> => ({
    type: "attempt_started",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "started"),
    payload,
    attempt,
  }),
  accepted: (attempt: number, wamid: string, payload: TPayload = {}): TDraftOf<"provider_accepted"> => ({
    type: "provider_accepted",
    source: "provider_response",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "accepted"),
    payload,
    attempt,
    providerMessageId: wamid,
  }),
  /** A status webhook's fact (sent, delivered, read, played); its identity is wamid + status. */
  status: (
    status: TDeliveryStatus,
    wamid: string,
    providerTimestamp: number | null,
    attempt: number | null = 1,
    payload: TPayload = {},
  ): TDraftOf<"status_sent" | "status_delivered" | "status_read" | "status_played"> => ({
    type: `status_${status}`,
    source: "webhook",
    providerTimestamp,
    dedupeKey: dedupeKey.status(wamid, status),
    payload,
    attempt,
    providerMessageId: wamid,
  }),
  failed: (
    wamid: string,
    providerTimestamp: number | null,
    error: TLedgerError,
    attempt: number | null = 1,
    payload: TPayload = {},
  ): TDraftOf<"status_failed"> => ({
    type: "status_failed",
    source: "webhook",
    providerTimestamp,
    dedupeKey: dedupeKey.status(wamid, "failed"),
    payload,
    attempt,
    providerMessageId: wamid,
    error,
  }),
  /** The provider refused the send call of `attempt`. */
  rejected: (
    attempt: number,
    error: TLedgerError,
    payload: TPayload = {},
  ): TDraftOf<"provider_rejected"> => ({
    type: "provider_rejected",
    source: "provider_response",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "rejected"),
    payload,
    attempt,
    error,
  }),
  /** The worker gave the message up after `attempt`, saying why. */
  deadLettered: (
    attempt: number,
    reason: string,
    error: TLedgerError | null,
    payload: TPayload = {},
  ): TDraftOf<"dead_lettered"> => ({
    type: "dead_lettered",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.deadLettered(attempt),
    payload,
    attempt,
    reason,
    error,
  }),
  /** The retry a failure calls for: attempt `attempt`, not before `notBefore` (epoch ms). */
  retryScheduled: (
    attempt: number,
    notBefore: number,
    error: TLedgerError | null,
    payload: TPayload = {},
  ): TDraftOf<"retry_scheduled"> => ({
    type: "retry_scheduled",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
    payload,
    attempt,
    notBefore,
    error,
  }),
};
