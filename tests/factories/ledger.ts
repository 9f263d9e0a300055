// Ledger drafts shaped like the real writers' (sending pipeline, webhook ingestion), for tests
// and the demo seed.
import { dedupeKey, type TProviderStatus } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import type { TEventDraft } from "@/server/services/ledger/rows";

type TDraftOf<T extends TEventDraft["type"]> = Extract<TEventDraft, { type: T }>;

export const drafts = {
  requested: (): TDraftOf<"requested"> => ({
    type: "requested",
    source: "api",
    providerTimestamp: null,
    dedupeKey: dedupeKey.requested(),
    payload: {},
  }),
  attemptStarted: (attempt: number): TDraftOf<"attempt_started"> => ({
    type: "attempt_started",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "started"),
    payload: {},
    attempt,
  }),
  accepted: (attempt: number, wamid: string): TDraftOf<"provider_accepted"> => ({
    type: "provider_accepted",
    source: "provider_response",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "accepted"),
    payload: {},
    attempt,
    providerMessageId: wamid,
  }),
  status: (
    status: Exclude<TProviderStatus, "failed">,
    wamid: string,
    providerTimestamp: number,
    attempt: number | null = 1,
  ): TDraftOf<"status_sent" | "status_delivered" | "status_read" | "status_played"> => ({
    type: `status_${status}`,
    source: "webhook",
    providerTimestamp,
    dedupeKey: dedupeKey.status(wamid, status),
    payload: {},
    attempt,
    providerMessageId: wamid,
  }),
  failed: (
    wamid: string,
    providerTimestamp: number,
    error: TLedgerError,
    attempt: number | null = 1,
  ): TDraftOf<"status_failed"> => ({
    type: "status_failed",
    source: "webhook",
    providerTimestamp,
    dedupeKey: dedupeKey.status(wamid, "failed"),
    payload: {},
    attempt,
    providerMessageId: wamid,
    error,
  }),
};

export const UNDELIVERABLE: TLedgerError = {
  code: "131026",
  title: "Message undeliverable",
  message: "Message undeliverable",
  details: null,
};
