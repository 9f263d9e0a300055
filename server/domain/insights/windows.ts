// The time windows the console offers, their display buckets, and which rollup grain serves them.
// Pure: the caller passes the window's end.
import { bucketStartMs, type TRollupGrain } from "./rollup";

export const INSIGHT_WINDOWS = ["24h", "7d", "30d"] as const;
export type TInsightWindow = (typeof INSIGHT_WINDOWS)[number];

const MIN_MS = 60_000;
const DAY_MS = 1440 * MIN_MS;

type TWindowSpec = {
  label: string;
  lengthMs: number;
  /** width of a chart column / heatmap cell */
  bucketMinutes: number;
  /** the rollup grain read: the column width itself (one rollup row per key and column) */
  grain: TRollupGrain;
};

/** About 30–50 columns each: wide enough to see a spike, narrow enough to read on a laptop. */
export const WINDOW_SPECS: Record<TInsightWindow, TWindowSpec> = {
  "24h": { label: "Last 24 hours", lengthMs: DAY_MS, bucketMinutes: 30, grain: 30 },
  "7d": { label: "Last 7 days", lengthMs: 7 * DAY_MS, bucketMinutes: 240, grain: 240 },
  "30d": { label: "Last 30 days", lengthMs: 30 * DAY_MS, bucketMinutes: 1440, grain: 1440 },
};

export type TWindowRange = {
  window: TInsightWindow;
  /** first column's start (inclusive), epoch ms */
  fromMs: number;
  /** last column's end (exclusive), epoch ms */
  toMs: number;
  bucketMinutes: number;
  bucketMs: number;
  grain: TRollupGrain;
  /** each column's start, oldest first */
  columns: number[];
};

/**
 * The columns of `window` ending with the bucket that holds `untilMs` (so the current, partial
 * bucket is the last column). Columns align to the epoch like the rollups' buckets, so every
 * column is a whole number of rollup buckets and its drill-down range matches them exactly.
 */
export function windowRange(window: TInsightWindow, untilMs: number): TWindowRange {
  const spec = WINDOW_SPECS[window];
  const bucketMs = spec.bucketMinutes * MIN_MS;
  const toMs = bucketStartMs(untilMs, spec.bucketMinutes) + bucketMs;
  const count = Math.round(spec.lengthMs / bucketMs);
  const fromMs = toMs - count * bucketMs;
  const columns = Array.from({ length: count }, (_, i) => fromMs + i * bucketMs);
  return { window, fromMs, toMs, bucketMinutes: spec.bucketMinutes, bucketMs, grain: spec.grain, columns };
}

/** The column holding `ms`, or -1 outside the range. */
export function columnOf(range: Pick<TWindowRange, "fromMs" | "toMs" | "bucketMs">, ms: number): number {
  if (ms < range.fromMs || ms >= range.toMs) return -1;
  return Math.floor((ms - range.fromMs) / range.bucketMs);
}
