// Display names for dead-letter statuses, reason classes, warning severities and bulk operation
// statuses (records keyed by the server's types: a new value fails the type check until labelled).
import type { TBadgeTone } from "@/components/ui/badge";
import type { TRouterOutputs } from "@/trpc/router-types";
import type { TDeadLetterStatus, TReasonClass } from "@/server/domain/dead-letters/dead-letter";
import type { TWarningSeverity } from "@/server/domain/dead-letters/assess-retry";

export const STATUS_LABELS: Record<
  TDeadLetterStatus,
  { label: string; tone: TBadgeTone; description: string }
> = {
  open: { label: "Open", tone: "bad", description: "Needs an engineer: retry it or discard it." },
  retry_pending: {
    label: "Awaiting acknowledgement",
    tone: "warn",
    description: "Retried; it counts as done when the provider acknowledges the new attempt.",
  },
  acknowledged: { label: "Acknowledged", tone: "ok", description: "The provider accepted a new attempt." },
  discarded: {
    label: "Discarded",
    tone: "neutral",
    description: "Closed by an engineer without sending it again.",
  },
  cancelled: { label: "Cancelled", tone: "neutral", description: "Cancelled before it was sent again." },
};
export const STATUS_OPTIONS = Object.keys(STATUS_LABELS) as TDeadLetterStatus[];

export const REASON_CLASS_LABELS: Record<TReasonClass, string> = {
  permanent: "Permanent error",
  sender: "Sender could not send",
  exhausted: "Retries exhausted",
  in_doubt: "Given up in doubt",
  transient: "Temporary failure, not resent",
  other: "Other",
};
export const REASON_CLASS_OPTIONS = Object.keys(REASON_CLASS_LABELS) as TReasonClass[];

export const SEVERITY_LABELS: Record<TWarningSeverity, { label: string; tone: TBadgeTone }> = {
  will_fail: { label: "Will fail again", tone: "bad" },
  may_fail: { label: "May fail again", tone: "warn" },
  delayed: { label: "Delayed", tone: "neutral" },
};

type TBulkStatus = TRouterOutputs["deadLetters"]["listBulk"]["items"][number]["status"];

export const BULK_STATUS_LABELS: Record<TBulkStatus, { label: string; tone: TBadgeTone }> = {
  awaiting_approval: { label: "Awaiting approval", tone: "warn" },
  approved: { label: "Approved", tone: "accent" },
  rejected: { label: "Rejected", tone: "neutral" },
  running: { label: "Running", tone: "accent" },
  done: { label: "Done", tone: "ok" },
};

/** "3 h", "2 days", "12 min": how long ago, for ages in the list. */
export function ageText(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** The anchor of an operation's row in the bulk operations table, which issues link to. */
export function operationAnchor(operationId: string): string {
  return `operation-${operationId}`;
}
