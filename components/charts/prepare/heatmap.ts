// Heatmap preparation: a colour scale with its legend, the points a chart draws, time ticks and
// plain-language labels for each cell. Pure (no React, no Recharts), so it is unit-tested.
// Missing data is a gap, not a zero: a cell where nothing was sent has no colour of its own.

export type THeatMetric = "failures" | "rate";

export type THeatCellInput = {
  column: number;
  messages: number;
  failures: number;
};

/** Colours for "no messages", "messages but no failures", then five steps of failure. */
export const HEAT_COLORS = {
  empty: "#f4f4f5",
  clean: "#dcfce7",
  steps: ["#fde68a", "#fbbf24", "#f97316", "#dc2626", "#7f1d1d"],
} as const;

export type THeatLegendItem = { color: string; label: string };

export type THeatScale = {
  metric: THeatMetric;
  /** the value a cell is coloured by */
  valueOf: (cell: THeatCellInput) => number;
  colorOf: (cell: THeatCellInput | null) => string;
  legend: THeatLegendItem[];
};

function formatValue(metric: THeatMetric, value: number): string {
  if (metric === "rate") return `${Math.round(value * 100)} %`;
  return value.toLocaleString("en");
}

/**
 * A scale over the cells' values: five equal steps up to the largest value (counts are rounded
 * up to whole messages, so "1" never shares a colour with "0").
 */
export function heatScale(cells: readonly THeatCellInput[], metric: THeatMetric): THeatScale {
  const valueOf = (cell: THeatCellInput) =>
    metric === "rate" ? (cell.messages > 0 ? cell.failures / cell.messages : 0) : cell.failures;
  const max = Math.max(0, ...cells.map(valueOf));
  const steps = HEAT_COLORS.steps.length;
  const bounds: number[] = []; // upper bound (inclusive) of each step
  for (let i = 1; i <= steps; i += 1) {
    const raw = (max * i) / steps;
    bounds.push(metric === "failures" ? Math.max(i, Math.ceil(raw)) : raw);
  }
  const stepOf = (value: number) => {
    const index = bounds.findIndex((bound) => value <= bound);
    return index < 0 ? steps - 1 : index;
  };
  const colorOf = (cell: THeatCellInput | null) => {
    if (!cell || (cell.messages <= 0 && cell.failures <= 0)) return HEAT_COLORS.empty;
    const value = valueOf(cell);
    if (value <= 0) return HEAT_COLORS.clean;
    return HEAT_COLORS.steps[stepOf(value)]!;
  };
  const legend: THeatLegendItem[] = [
    { color: HEAT_COLORS.empty, label: "No messages" },
    { color: HEAT_COLORS.clean, label: metric === "rate" ? "0 % failed" : "No failures" },
  ];
  if (max > 0) {
    let lower = metric === "failures" ? 1 : 0;
    const seen = new Set<string>();
    bounds.forEach((bound, i) => {
      const label =
        metric === "failures"
          ? lower >= bound
            ? formatValue(metric, bound)
            : `${formatValue(metric, lower)}–${formatValue(metric, bound)}`
          : `≤ ${formatValue(metric, bound)}`;
      if (!seen.has(label) && (metric === "rate" || lower <= max)) {
        seen.add(label);
        legend.push({ color: HEAT_COLORS.steps[i]!, label });
      }
      lower = metric === "failures" ? bound + 1 : bound;
    });
  }
  return { metric, valueOf, colorOf, legend };
}

/** Column indices to label on the time axis: at most `max`, evenly spaced, the first included. */
export function tickColumns(count: number, max: number): number[] {
  if (count <= 0) return [];
  const every = Math.max(1, Math.ceil(count / Math.max(1, max)));
  const ticks: number[] = [];
  for (let i = 0; i < count; i += every) ticks.push(i);
  return ticks;
}

/** A time as the axis shows it: hours for buckets under a day, dates otherwise. */
export function formatColumnTime(date: Date, bucketMinutes: number, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions =
    bucketMinutes >= 1440
      ? { month: "short", day: "numeric", timeZone }
      : bucketMinutes >= 240
        ? { weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false, timeZone }
        : { hour: "2-digit", minute: "2-digit", hour12: false, timeZone };
  return new Intl.DateTimeFormat("en-GB", options).format(date);
}

/** "Mon 2 Mar, 09:00–09:30" (in `timeZone`, default the viewer's). */
export function formatColumnRange(start: Date, bucketMinutes: number, timeZone?: string): string {
  const end = new Date(start.getTime() + bucketMinutes * 60_000);
  const day = new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone,
  });
  const time = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone,
  });
  if (bucketMinutes >= 1440)
    return `${day.format(start)}, ${time.format(start)} to ${day.format(end)}, ${time.format(end)}`;
  return `${day.format(start)}, ${time.format(start)}–${time.format(end)}`;
}

/** The same range in UTC, for the hover title (the console's convention). */
export function formatUtcRange(start: Date, bucketMinutes: number): string {
  const end = new Date(start.getTime() + bucketMinutes * 60_000);
  const iso = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");
  return `${iso(start)} – ${iso(end)} UTC`;
}

export function formatRate(failures: number, messages: number): string {
  if (messages <= 0) return "no messages";
  const rate = (failures / messages) * 100;
  return `${rate < 10 && rate > 0 ? rate.toFixed(1) : Math.round(rate)} %`;
}

/** "2 failures of 3 messages (67 %)", "no messages", "3 messages, no failures". */
export function describeCell(cell: THeatCellInput | null, messagesMeaning = "messages"): string {
  if (!cell || (cell.messages <= 0 && cell.failures <= 0)) return `no ${messagesMeaning}`;
  if (cell.failures <= 0) return `${cell.messages.toLocaleString("en")} ${messagesMeaning}, no failures`;
  const noun = cell.failures === 1 ? "failure" : "failures";
  return `${cell.failures.toLocaleString("en")} ${noun} of ${cell.messages.toLocaleString("en")} ${messagesMeaning} (${formatRate(cell.failures, cell.messages)})`;
}
