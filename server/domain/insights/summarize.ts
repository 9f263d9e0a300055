// From rollup rows (already summed per display bucket by the query) to what the console shows:
// per-number outcome totals and series, failures by error code, the time-to-delivered histogram,
// and heatmap rows. Pure, so every figure on the pages is unit-tested without a database.
import type { TMessageState } from "../reconciliation/message-state";
import { LATENCY_BUCKETS, quantileFromHistogram } from "./delivery-latency";
import { isFailureState, outcomeOf, type TFailureState } from "./rollup";
import { columnOf, type TWindowRange } from "./windows";

/** Messages per (sender, display bucket, state, error code); error code '' when none. */
export type TOutcomeRow = {
  senderNumberId: string;
  bucketStartMs: number;
  state: TMessageState;
  errorCode: string;
  messages: number;
};

/** Messages per (template, display bucket, state); template '' for non-template messages. */
export type TTemplateRow = {
  templateName: string;
  bucketStartMs: number;
  state: TMessageState;
  messages: number;
};

/** Delivered messages per (sender, latency bucket) over the window. */
export type TLatencyRow = { senderNumberId: string; latencyBucket: number; messages: number };

export type TOutcomeTotals = {
  messages: number;
  delivered: number;
  failed: number;
  inFlight: number;
  cancelled: number;
  /** delivered / messages; null without messages */
  deliveryRate: number | null;
  failureRate: number | null;
};

export type TFailureStateCounts = Record<TFailureState, number>;

export type TSeriesPoint = {
  bucketStartMs: number;
  messages: number;
  delivered: number;
  failed: number;
  inFlight: number;
  cancelled: number;
};

export type TCodeFailures = { code: string; messages: number; byState: TFailureStateCounts };

export type TLatencySummary = {
  /** delivered messages with a known time to delivered */
  counted: number;
  medianMs: number | null;
  p90Ms: number | null;
  histogram: { bucket: number; label: string; messages: number }[];
};

export type TSenderSummary = {
  totals: TOutcomeTotals;
  series: TSeriesPoint[];
  failuresByCode: TCodeFailures[];
  latency: TLatencySummary;
};

const emptyFailures = (): TFailureStateCounts => ({ failed: 0, dead_lettered: 0, rejected: 0 });

function emptyTotals(): TOutcomeTotals {
  return {
    messages: 0,
    delivered: 0,
    failed: 0,
    inFlight: 0,
    cancelled: 0,
    deliveryRate: null,
    failureRate: null,
  };
}

function addTo(
  totals: Omit<TSeriesPoint, "bucketStartMs"> | TOutcomeTotals,
  state: TMessageState,
  n: number,
) {
  totals.messages += n;
  switch (outcomeOf(state)) {
    case "delivered":
      totals.delivered += n;
      break;
    case "failed":
      totals.failed += n;
      break;
    case "in_flight":
      totals.inFlight += n;
      break;
    case "cancelled":
      totals.cancelled += n;
      break;
  }
}

function withRates(totals: TOutcomeTotals): TOutcomeTotals {
  return {
    ...totals,
    deliveryRate: totals.messages > 0 ? totals.delivered / totals.messages : null,
    failureRate: totals.messages > 0 ? totals.failed / totals.messages : null,
  };
}

export function summarizeLatency(counts: readonly number[]): TLatencySummary {
  const histogram = LATENCY_BUCKETS.map((b, i) => ({ bucket: i, label: b.label, messages: counts[i] ?? 0 }));
  return {
    counted: histogram.reduce((sum, b) => sum + b.messages, 0),
    medianMs: quantileFromHistogram(counts, 0.5),
    p90Ms: quantileFromHistogram(counts, 0.9),
    histogram,
  };
}

/**
 * Per sender: totals over the window, one series point per column (every column, zeros where
 * nothing was sent: a column with no messages is a real zero of messages, and the chart shows
 * rates only where there were messages), failures by error code (most first), latency.
 */
export function summarizeSenders(
  range: Pick<TWindowRange, "fromMs" | "toMs" | "bucketMs" | "columns">,
  senderIds: readonly string[],
  outcomes: readonly TOutcomeRow[],
  latency: readonly TLatencyRow[],
): Map<string, TSenderSummary> {
  const result = new Map<string, TSenderSummary>();
  const work = new Map<
    string,
    { totals: TOutcomeTotals; series: TSeriesPoint[]; codes: Map<string, TCodeFailures>; latency: number[] }
  >();
  const ensure = (senderId: string) => {
    let entry = work.get(senderId);
    if (!entry) {
      entry = {
        totals: emptyTotals(),
        series: range.columns.map((bucketStartMs) => ({
          bucketStartMs,
          messages: 0,
          delivered: 0,
          failed: 0,
          inFlight: 0,
          cancelled: 0,
        })),
        codes: new Map(),
        latency: LATENCY_BUCKETS.map(() => 0),
      };
      work.set(senderId, entry);
    }
    return entry;
  };
  for (const id of senderIds) ensure(id);
  for (const row of outcomes) {
    const column = columnOf(range, row.bucketStartMs);
    if (column < 0 || row.messages === 0) continue;
    const entry = ensure(row.senderNumberId);
    addTo(entry.totals, row.state, row.messages);
    addTo(entry.series[column]!, row.state, row.messages);
    if (isFailureState(row.state)) {
      const code = row.errorCode;
      const failures = entry.codes.get(code) ?? { code, messages: 0, byState: emptyFailures() };
      failures.messages += row.messages;
      failures.byState[row.state] += row.messages;
      entry.codes.set(code, failures);
    }
  }
  for (const row of latency) {
    if (row.latencyBucket < 0 || row.latencyBucket >= LATENCY_BUCKETS.length) continue;
    const entry = ensure(row.senderNumberId);
    entry.latency[row.latencyBucket]! += row.messages;
  }
  for (const [senderId, entry] of work) {
    result.set(senderId, {
      totals: withRates(entry.totals),
      series: entry.series,
      failuresByCode: [...entry.codes.values()].sort(
        (a, b) => b.messages - a.messages || a.code.localeCompare(b.code),
      ),
      latency: summarizeLatency(entry.latency),
    });
  }
  return result;
}

/** The tenant's totals over all its numbers. */
export function summarizeTotals(outcomes: readonly TOutcomeRow[]): TOutcomeTotals {
  const totals = emptyTotals();
  for (const row of outcomes) addTo(totals, row.state, row.messages);
  return withRates(totals);
}

export type THeatCell = {
  column: number;
  /** the row's messages in the column (for error codes: all the tenant's messages) */
  messages: number;
  failures: number;
  byState: TFailureStateCounts;
};

export type THeatRow = { key: string; failures: number; messages: number; cells: THeatCell[] };

type TCellWork = { messages: number; failures: number; byState: TFailureStateCounts };

function toRow(key: string, cells: Map<number, TCellWork>): THeatRow {
  const list = [...cells.entries()]
    .filter(([, c]) => c.messages > 0 || c.failures > 0)
    .sort(([a], [b]) => a - b)
    .map(([column, c]) => ({ column, ...c }));
  return {
    key,
    failures: list.reduce((sum, c) => sum + c.failures, 0),
    messages: list.reduce((sum, c) => sum + c.messages, 0),
    cells: list,
  };
}

function cellOf(cells: Map<number, TCellWork>, column: number): TCellWork {
  let cell = cells.get(column);
  if (!cell) {
    cell = { messages: 0, failures: 0, byState: emptyFailures() };
    cells.set(column, cell);
  }
  return cell;
}

/**
 * Failures by sender number x column. Every listed sender gets a row (in the given order), even
 * without messages, so a quiet number reads as quiet rather than missing.
 */
export function heatmapBySender(
  range: Pick<TWindowRange, "fromMs" | "toMs" | "bucketMs">,
  senderIds: readonly string[],
  outcomes: readonly TOutcomeRow[],
): THeatRow[] {
  const rows = new Map<string, Map<number, TCellWork>>(senderIds.map((id) => [id, new Map()]));
  for (const row of outcomes) {
    const column = columnOf(range, row.bucketStartMs);
    if (column < 0) continue;
    let cells = rows.get(row.senderNumberId);
    if (!cells) {
      cells = new Map();
      rows.set(row.senderNumberId, cells);
    }
    const cell = cellOf(cells, column);
    cell.messages += row.messages;
    if (isFailureState(row.state)) {
      cell.failures += row.messages;
      cell.byState[row.state] += row.messages;
    }
  }
  return [...rows.entries()].map(([key, cells]) => toRow(key, cells));
}

/**
 * Failures by last error code x column, most failures first; a cell's `messages` is everything
 * the tenant sent in that column (so failures / messages is the share failing with that code),
 * and every column with messages has a cell in every row. Failures without a code get the key ''.
 */
export function heatmapByErrorCode(
  range: Pick<TWindowRange, "fromMs" | "toMs" | "bucketMs">,
  outcomes: readonly TOutcomeRow[],
): THeatRow[] {
  const sent = new Map<number, number>();
  const rows = new Map<string, Map<number, TCellWork>>();
  for (const row of outcomes) {
    const column = columnOf(range, row.bucketStartMs);
    if (column < 0) continue;
    sent.set(column, (sent.get(column) ?? 0) + row.messages);
    if (!isFailureState(row.state)) continue;
    let cells = rows.get(row.errorCode);
    if (!cells) {
      cells = new Map();
      rows.set(row.errorCode, cells);
    }
    const cell = cellOf(cells, column);
    cell.failures += row.messages;
    cell.byState[row.state] += row.messages;
  }
  // every column where anything was sent gets a cell in every row: "sent, none failed with this
  // code" is a finding, not a gap
  for (const cells of rows.values()) {
    for (const [column, messages] of sent) cellOf(cells, column).messages = messages;
  }
  return [...rows.entries()]
    .map(([key, cells]) => toRow(key, cells))
    .filter((row) => row.failures !== 0)
    .sort((a, b) => b.failures - a.failures || a.key.localeCompare(b.key));
}

/**
 * Failures by template x column: the `limit` templates with the most failures (then the most
 * messages), and how many more there were.
 */
export function heatmapByTemplate(
  range: Pick<TWindowRange, "fromMs" | "toMs" | "bucketMs">,
  rows: readonly TTemplateRow[],
  limit: number,
): { rows: THeatRow[]; omitted: number } {
  const byTemplate = new Map<string, Map<number, TCellWork>>();
  for (const row of rows) {
    const column = columnOf(range, row.bucketStartMs);
    if (column < 0) continue;
    let cells = byTemplate.get(row.templateName);
    if (!cells) {
      cells = new Map();
      byTemplate.set(row.templateName, cells);
    }
    const cell = cellOf(cells, column);
    cell.messages += row.messages;
    if (isFailureState(row.state)) {
      cell.failures += row.messages;
      cell.byState[row.state] += row.messages;
    }
  }
  const all = [...byTemplate.entries()]
    .map(([key, cells]) => toRow(key, cells))
    .filter((row) => row.messages !== 0 || row.failures !== 0)
    .sort((a, b) => b.failures - a.failures || b.messages - a.messages || a.key.localeCompare(b.key));
  return { rows: all.slice(0, limit), omitted: Math.max(0, all.length - limit) };
}

/** Per template over the window: messages and failures (the health page's template table). */
export function templateTotals(
  rows: readonly TTemplateRow[],
): Map<string, { messages: number; failed: number }> {
  const totals = new Map<string, { messages: number; failed: number }>();
  for (const row of rows) {
    const t = totals.get(row.templateName) ?? { messages: 0, failed: 0 };
    t.messages += row.messages;
    if (isFailureState(row.state)) t.failed += row.messages;
    totals.set(row.templateName, t);
  }
  return totals;
}
