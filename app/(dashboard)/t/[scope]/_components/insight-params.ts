// Number health and heatmaps in the URL: the window (and an optional end, to look at the past),
// the heatmap metric, and the message-search links a chart cell drills down to. Pure, shared by
// the server pages (prefetch) and the client components (which must build the identical input).
import type { TInsightWindow } from "@/server/domain/insights/windows";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { EMPTY_FILTERS, filtersToQueryString } from "@/components/messages/search-params";

export const WINDOW_OPTIONS = [
  { key: "24h", label: "24 hours" },
  { key: "7d", label: "7 days" },
  { key: "30d", label: "30 days" },
] as const satisfies readonly { key: TInsightWindow; label: string }[];

export type THeatMetricParam = "failures" | "rate";

export type TInsightParams = {
  window: TInsightWindow;
  /** ISO 8601 (UTC); "" = now */
  until: string;
  metric: THeatMetricParam;
};

type TSearchParamsRecord = Record<string, string | string[] | undefined>;

const isWindow = (value: string): value is TInsightWindow => WINDOW_OPTIONS.some((w) => w.key === value);

export function readInsightParams(
  params: TSearchParamsRecord,
  defaults: { metric: THeatMetricParam } = { metric: "failures" },
): TInsightParams {
  const text = (key: string) => {
    const raw = params[key];
    return (typeof raw === "string" ? raw : "").trim();
  };
  const window = text("window");
  const until = text("until");
  const metric = text("metric");
  return {
    window: isWindow(window) ? window : "24h",
    until: /^\d{4}-\d{2}-\d{2}T/.test(until) && !Number.isNaN(new Date(until).getTime()) ? until : "",
    metric: metric === "rate" || metric === "failures" ? metric : defaults.metric,
  };
}

/** The procedures' window input for these params. */
export function toWindowInput(params: TInsightParams): { window: TInsightWindow; until?: Date } {
  return { window: params.window, ...(params.until ? { until: new Date(params.until) } : {}) };
}

/** A URL of `path` with these params (defaults left out). */
export function insightHref(
  path: string,
  params: TInsightParams,
  defaults: { metric: THeatMetricParam } = { metric: "failures" },
): string {
  const query = new URLSearchParams();
  if (params.window !== "24h") query.set("window", params.window);
  if (params.until) query.set("until", params.until);
  if (params.metric !== defaults.metric) query.set("metric", params.metric);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export type TDrillDown = {
  sender?: string;
  template?: string;
  error?: string;
  state?: TMessageState;
  from: Date;
  to: Date;
};

/** The message search that lists exactly these messages (created in [from, to)). */
export function messageSearchHref(slug: string, drill: TDrillDown): string {
  return `/t/${encodeURIComponent(slug)}/messages${filtersToQueryString({
    ...EMPTY_FILTERS,
    sender: drill.sender ?? "",
    template: drill.template ?? "",
    error: drill.error ?? "",
    state: drill.state ?? "",
    from: drill.from.toISOString(),
    to: drill.to.toISOString(),
  })}`;
}

export const FAILURE_STATE_LABELS = {
  failed: "failed",
  dead_lettered: "dead-lettered",
  rejected: "rejected",
} as const;

export type TFailureLink = { state: keyof typeof FAILURE_STATE_LABELS; count: number; href: string };

/**
 * One search link per failure state present: the message search filters one state at a time,
 * so "2 failed, 1 dead-lettered" is two exact links rather than one approximate one. Most
 * first, so the first link is what a click on the cell opens.
 */
export function failureLinks(
  slug: string,
  drill: Omit<TDrillDown, "state">,
  byState: Record<keyof typeof FAILURE_STATE_LABELS, number>,
): TFailureLink[] {
  return (Object.keys(FAILURE_STATE_LABELS) as (keyof typeof FAILURE_STATE_LABELS)[])
    .filter((state) => byState[state] > 0)
    .map((state) => ({ state, count: byState[state], href: messageSearchHref(slug, { ...drill, state }) }))
    .sort((a, b) => b.count - a.count);
}
