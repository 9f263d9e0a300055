// Display names for alert kinds, statuses, severities and history entries, and durations in words.
import type { TBadgeTone } from "@/components/ui/badge";
import type { TAlertStatusFilter } from "./alert-filters";

export const KIND_LABELS: Record<string, string> = {
  message_stalled: "Message stalled",
  stalled_share_jump: "Stalled share jump",
  orphan_statuses: "Orphan statuses",
  sender_health: "Sender health",
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export const STATUS_LABELS: Record<
  "open" | "acknowledged" | "snoozed" | "resolved",
  { label: string; tone: TBadgeTone }
> = {
  open: { label: "Open", tone: "bad" },
  acknowledged: { label: "Acknowledged", tone: "warn" },
  snoozed: { label: "Snoozed", tone: "neutral" },
  resolved: { label: "Resolved", tone: "ok" },
};

export const STATUS_FILTER_LABELS: Record<TAlertStatusFilter, string> = {
  unresolved: "Unresolved (not snoozed)",
  open: "Open",
  acknowledged: "Acknowledged",
  snoozed: "Snoozed",
  resolved: "Resolved",
  all: "Any status",
};

export const SEVERITY_TONES: Record<string, TBadgeTone> = {
  critical: "bad",
  warning: "warn",
  info: "neutral",
};

export const HISTORY_LABELS = {
  opened: "Opened",
  acknowledged: "Acknowledged",
  snoozed: "Snoozed",
  snooze_ended: "Snooze ran out",
  resolved: "Resolved",
} as const;
