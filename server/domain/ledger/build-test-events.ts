// Test-only builders for ledger events (imported by *.test.ts beside the domain code, never by
// application code). Defaults produce a realistic single message; times are fixed, never the clock.

import { dedupeKey, type TProviderStatus } from "./dedupe-key";
import type {
  TAnnotationEvent,
  TAttemptStartedEvent,
  TCancelledEvent,
  TDeadLetteredEvent,
  TLedgerError,
  TLedgerEvent,
  TManualAction,
  TManualActionEvent,
  TProviderAcceptedEvent,
  TProviderRejectedEvent,
  TRequestedEvent,
  TRetryScheduledEvent,
  TStalledDetectedEvent,
  TStateRecomputedEvent,
  TStatusEvent,
  TStatusFailedEvent,
} from "./ledger-event";

export const TEST_MESSAGE_ID = "msg_1";
/** 2026-11-01T12:00:00Z. */
export const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);

/** Epoch ms `seconds` after T0 (webhook timestamps are whole seconds). */
export function at(seconds: number): number {
  return T0 + seconds * 1000;
}

export const TEST_ERRORS = {
  undeliverable: {
    code: "131026",
    title: "Message undeliverable",
    message: "Message undeliverable",
    details: "Message Undeliverable.",
  },
  rateLimit: { code: "130429", title: "Rate limit hit", message: "(#130429) Rate limit hit", details: null },
  invalidParameter: {
    code: "131009",
    title: "Parameter value not valid",
    message: "(#131009) Parameter value is not valid",
    details: "Invalid phone number",
  },
} as const satisfies Record<string, TLedgerError>;

type TCommon = { recordedAt?: number; id?: string; messageId?: string; payload?: TLedgerEvent["payload"] };

function common(key: string, recordedAt: number, overrides: TCommon) {
  return {
    id: overrides.id ?? `${key}#0`,
    messageId: overrides.messageId ?? TEST_MESSAGE_ID,
    recordedAt: overrides.recordedAt ?? recordedAt,
    dedupeKey: key,
    payload: overrides.payload ?? {},
  };
}

export function wamid(attempt: number | null): string {
  return `wamid.A${attempt ?? "x"}`;
}

type TStatusOptions = TCommon & { attempt?: number | null; at?: number | null; wamid?: string };

export const build = {
  requested: (o: TCommon = {}): TRequestedEvent => ({
    ...common(dedupeKey.requested(), T0, o),
    type: "requested",
    source: "api",
    providerTimestamp: null,
  }),
  started: (attempt: number, o: TCommon = {}): TAttemptStartedEvent => ({
    ...common(dedupeKey.attempt(attempt, "started"), T0 + attempt * 60_000, o),
    type: "attempt_started",
    source: "worker",
    providerTimestamp: null,
    attempt,
  }),
  accepted: (
    attempt: number,
    o: TCommon & { source?: "provider_response" | "operator" } = {},
  ): TProviderAcceptedEvent => ({
    ...common(dedupeKey.attempt(attempt, "accepted"), T0 + attempt * 60_000 + 500, o),
    type: "provider_accepted",
    source: o.source ?? "provider_response",
    providerTimestamp: null,
    attempt,
    providerMessageId: wamid(attempt),
  }),
  rejected: (
    attempt: number,
    error: TLedgerError = TEST_ERRORS.rateLimit,
    o: TCommon = {},
  ): TProviderRejectedEvent => ({
    ...common(dedupeKey.attempt(attempt, "rejected"), T0 + attempt * 60_000 + 500, o),
    type: "provider_rejected",
    source: "provider_response",
    providerTimestamp: null,
    attempt,
    error,
  }),
  status: (status: Exclude<TProviderStatus, "failed">, o: TStatusOptions = {}): TStatusEvent => {
    const attempt = o.attempt === undefined ? 1 : o.attempt;
    const providerMessageId = o.wamid ?? wamid(attempt);
    const providerTimestamp = o.at == null ? null : at(o.at);
    const base = {
      ...common(dedupeKey.status(providerMessageId, status), (providerTimestamp ?? T0) + 2_000, o),
      source: "webhook" as const,
      providerTimestamp,
      attempt,
      providerMessageId,
    };
    switch (status) {
      case "sent":
        return { ...base, type: "status_sent" };
      case "delivered":
        return { ...base, type: "status_delivered" };
      case "read":
        return { ...base, type: "status_read" };
      case "played":
        return { ...base, type: "status_played" };
      default: {
        const unreachable: never = status;
        return unreachable;
      }
    }
  },
  failed: (o: TStatusOptions & { error?: TLedgerError } = {}): TStatusFailedEvent => {
    const attempt = o.attempt === undefined ? 1 : o.attempt;
    const providerMessageId = o.wamid ?? wamid(attempt);
    const providerTimestamp = o.at == null ? null : at(o.at);
    return {
      ...common(dedupeKey.status(providerMessageId, "failed"), (providerTimestamp ?? T0) + 2_000, o),
      type: "status_failed",
      source: "webhook",
      providerTimestamp,
      attempt,
      providerMessageId,
      error: o.error ?? TEST_ERRORS.undeliverable,
    };
  },
  retry: (
    attempt: number,
    o: TCommon & { error?: TLedgerError | null; notBefore?: number } = {},
  ): TRetryScheduledEvent => ({
    ...common(dedupeKey.attempt(attempt, "scheduled"), T0 + attempt * 60_000 - 30_000, o),
    type: "retry_scheduled",
    source: "worker",
    providerTimestamp: null,
    attempt,
    notBefore: o.notBefore ?? T0 + attempt * 60_000,
    error: o.error === undefined ? TEST_ERRORS.rateLimit : o.error,
  }),
  deadLettered: (
    attempt: number,
    o: TCommon & { error?: TLedgerError | null; reason?: string } = {},
  ): TDeadLetteredEvent => ({
    ...common(dedupeKey.deadLettered(attempt), T0 + attempt * 60_000 + 1_000, o),
    type: "dead_lettered",
    source: "worker",
    providerTimestamp: null,
    attempt,
    reason: o.reason ?? "retry budget exhausted",
    error: o.error === undefined ? TEST_ERRORS.rateLimit : o.error,
  }),
  cancelled: (o: TCommon & { requestId?: string } = {}): TCancelledEvent => ({
    ...common(dedupeKey.cancelled(o.requestId ?? "req_1"), T0 + 10_000, o),
    type: "cancelled",
    source: "api",
    providerTimestamp: null,
    actor: "api_key:key_1",
    reason: "customer asked",
  }),
  manual: (action: TManualAction, o: TCommon & { operationId?: string } = {}): TManualActionEvent => ({
    ...common(dedupeKey.operator(o.operationId ?? `op_${action}`), T0 + 20_000, o),
    type: "manual_action",
    source: "operator",
    providerTimestamp: null,
    action,
    actor: "user:support_1",
    reason: "ticket 42",
  }),
  annotation: (o: TCommon & { operationId?: string } = {}): TAnnotationEvent => ({
    ...common(dedupeKey.operator(o.operationId ?? "note_1"), T0 + 30_000, o),
    type: "annotation",
    source: "operator",
    providerTimestamp: null,
    actor: "user:support_1",
    note: "customer says they never got it",
  }),
  stalled: (o: TCommon & { runId?: string } = {}): TStalledDetectedEvent => ({
    ...common(dedupeKey.worker(o.runId ?? "sweep_1"), T0 + 40_000, o),
    type: "stalled_detected",
    source: "worker",
    providerTimestamp: null,
  }),
  recomputed: (o: TCommon & { runId?: string } = {}): TStateRecomputedEvent => ({
    ...common(dedupeKey.worker(o.runId ?? "recompute_1"), T0 + 50_000, o),
    type: "state_recomputed",
    source: "worker",
    providerTimestamp: null,
    rulesVersion: 1,
    fromState: "sent",
    toState: "delivered",
  }),
};

/** Another receipt of the same fact: same content, its own row id, recorded `delayMs` later. */
export function receipt<T extends TLedgerEvent>(event: T, n: number, delayMs = 60_000): T {
  return { ...event, id: `${event.id}~${n}`, recordedAt: event.recordedAt + n * delayMs };
}

/** requested, attempt 1 started and accepted: the usual start of a ledger. */
export function acceptedPipeline(): TLedgerEvent[] {
  return [build.requested(), build.started(1), build.accepted(1)];
}
