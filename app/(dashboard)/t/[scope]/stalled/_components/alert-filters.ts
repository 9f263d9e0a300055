// The Stalled & alerts page's filters as URL parameters, and the procedure inputs they make.
// Pure: shared by the server page (prefetch) and the client lists (which must build the
// identical inputs, or the prefetched data would not be found).
import type { TAlertKind } from "@/server/services/monitoring/alerts";
import type { TStallableState } from "@/server/domain/reconciliation/is-stalled";

export const ALERT_STATUS_FILTERS = [
  "unresolved",
  "open",
  "acknowledged",
  "snoozed",
  "resolved",
  "all",
] as const;
export type TAlertStatusFilter = (typeof ALERT_STATUS_FILTERS)[number];

export const ALERT_KIND_OPTIONS = [
  "message_stalled",
  "stalled_share_jump",
  "orphan_statuses",
  "sender_health",
] as const satisfies readonly TAlertKind[];

export const STALLED_STATE_OPTIONS = [
  "queued",
  "submitting",
  "accepted",
  "sent",
  "retrying",
] as const satisfies readonly TStallableState[];

export type TAlertFilters = {
  status: TAlertStatusFilter;
  kind: TAlertKind | "";
  sender: string;
  state: TStallableState | "";
};

export const ALERT_PAGE_SIZE = 20;
export const STALLED_PAGE_SIZE = 25;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function pick<T extends string>(value: unknown, options: readonly T[]): T | "" {
  return typeof value === "string" && (options as readonly string[]).includes(value) ? (value as T) : "";
}

export function readAlertFilters(params: Record<string, string | string[] | undefined>): TAlertFilters {
  return {
    status: pick(params.status, ALERT_STATUS_FILTERS) || "unresolved",
    kind: pick(params.kind, ALERT_KIND_OPTIONS),
    sender: typeof params.sender === "string" && UUID.test(params.sender) ? params.sender.toLowerCase() : "",
    state: pick(params.state, STALLED_STATE_OPTIONS),
  };
}

export function alertFiltersToQueryString(filters: TAlertFilters): string {
  const query = new URLSearchParams();
  if (filters.status !== "unresolved") query.set("status", filters.status);
  if (filters.kind) query.set("kind", filters.kind);
  if (filters.sender) query.set("sender", filters.sender);
  if (filters.state) query.set("state", filters.state);
  const text = query.toString();
  return text ? `?${text}` : "";
}

const STATUSES_OF: Record<TAlertStatusFilter, ("open" | "acknowledged" | "snoozed" | "resolved")[]> = {
  // a snoozed alert leaves the working list until monitor.sweep reopens it when the snooze ends
  unresolved: ["open", "acknowledged"],
  open: ["open"],
  acknowledged: ["acknowledged"],
  snoozed: ["snoozed"],
  resolved: ["resolved"],
  all: ["open", "acknowledged", "snoozed", "resolved"],
};

export function toAlertFeedInput(filters: TAlertFilters) {
  return {
    statuses: STATUSES_OF[filters.status],
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.sender ? { senderNumberId: filters.sender } : {}),
    limit: ALERT_PAGE_SIZE,
  };
}

export function toStalledInput(filters: TAlertFilters) {
  return {
    ...(filters.state ? { state: filters.state } : {}),
    ...(filters.sender ? { senderNumberId: filters.sender } : {}),
    limit: STALLED_PAGE_SIZE,
  };
}
