// Display names for ledger event types, sources and conflict kinds (records keyed by the server's
// types: a new event type or conflict fails the type check until it has a label).
import type { TBadgeTone } from "@/components/ui/badge";
import type { TEventSource, TLedgerEventType } from "@/server/domain/ledger/ledger-event";
import type { TConflictKind } from "@/server/domain/reconciliation/rules";

export const EVENT_TYPE_LABELS: Record<TLedgerEventType, { label: string; tone: TBadgeTone }> = {
  requested: { label: "Requested", tone: "neutral" },
  attempt_started: { label: "Attempt started", tone: "neutral" },
  provider_accepted: { label: "Accepted", tone: "accent" },
  provider_rejected: { label: "Rejected", tone: "bad" },
  status_sent: { label: "Sent", tone: "accent" },
  status_delivered: { label: "Delivered", tone: "ok" },
  status_read: { label: "Read", tone: "ok" },
  status_played: { label: "Played", tone: "ok" },
  status_failed: { label: "Failed", tone: "bad" },
  retry_scheduled: { label: "Retry scheduled", tone: "warn" },
  dead_lettered: { label: "Dead-lettered", tone: "bad" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  stalled_detected: { label: "Stall detected", tone: "warn" },
  manual_action: { label: "Operator action", tone: "accent" },
  annotation: { label: "Note", tone: "neutral" },
  state_recomputed: { label: "State recomputed", tone: "warn" },
};

export function eventTypeLabel(type: string): string {
  return (EVENT_TYPE_LABELS as Record<string, { label: string } | undefined>)[type]?.label ?? type;
}

export const SOURCE_LABELS: Record<TEventSource, string> = {
  api: "Tenant API",
  provider_response: "Provider response",
  webhook: "Webhook",
  worker: "Worker",
  operator: "Operator",
};

export function sourceLabel(source: string): string {
  return (SOURCE_LABELS as Record<string, string | undefined>)[source] ?? source;
}

export const CONFLICT_LABELS: Record<TConflictKind, string> = {
  delivered_after_failed: "Delivered after a failure",
  read_after_failed: "Read after a failure",
  failed_after_delivered: "Failure reported after delivery",
  superseded_attempt_delivered: "An older attempt was delivered",
  superseded_attempt_accepted: "An older attempt was accepted",
  rejection_contradicted: "Rejection contradicted",
  dead_letter_contradicted: "Dead letter contradicted",
  cancel_not_honoured: "Cancel not honoured",
  divergent_duplicates: "Duplicates disagree",
};

export function conflictLabel(kind: string): string {
  return (CONFLICT_LABELS as Record<string, string | undefined>)[kind] ?? kind;
}

/** "a1b2c3d4…e5f6" for hashes and long ids. */
export function shortHash(hash: string): string {
  return hash.length > 16 ? `${hash.slice(0, 8)}…${hash.slice(-4)}` : hash;
}
