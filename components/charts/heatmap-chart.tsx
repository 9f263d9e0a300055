"use client";
// HeatmapChart: rows x time columns of coloured cells, drawn with Recharts (a ScatterChart whose
// points are squares sized to the plot area: Recharts has no heatmap). Cells with failures are
// links (Tab reaches them; Enter opens the matching message search); hovering or focusing a cell
// shows its details in a tooltip and in a live region under the chart, so keyboard and screen
// reader users get the same. Markers (quality/limit changes) are diamonds on their row, at their
// time. An accessible table of the same numbers is one click away.
import { useRouter } from "next/navigation";
import { useCallback, useId, useMemo, useSyncExternalStore, type ReactNode } from "react";
import {
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  usePlotArea,
  XAxis,
  YAxis,
  type ScatterShapeProps,
  type TooltipContentProps,
} from "recharts";
import {
  formatColumnTime,
  heatScale,
  tickColumns,
  type THeatMetric,
  type THeatScale,
} from "./prepare/heatmap";

export type THeatmapRow = {
  key: string;
  label: string;
  sublabel?: string | null;
  /** where the row's label links to (e.g. a tenant's own heatmaps) */
  href?: string | null;
};

export type THeatmapCell = {
  row: number;
  column: number;
  messages: number;
  failures: number;
  /** the matching message search; null when there is nothing to open */
  href: string | null;
  /** the cell in words, for the link's accessible name */
  label: string;
  /** what the tooltip and the details panel show */
  details: ReactNode;
};

export type THeatmapMarker = {
  key: string;
  row: number;
  /** fractional column: where the change happened on the time axis */
  position: number;
  direction: "worse" | "better" | "neutral";
  label: string;
};

type TPoint =
  | { kind: "cell"; x: number; y: number; cell: THeatmapCell }
  | { kind: "empty"; x: number; y: number }
  | { kind: "marker"; x: number; y: number; marker: THeatmapMarker };

const ROW_HEIGHT = 30;
const AXIS_HEIGHT = 32;
const MARKER_COLORS = { worse: "#b42318", better: "#0b6b3b", neutral: "#52525b" } as const;

/**
 * The cell being looked at, outside React state: selecting a cell must not re-render the chart
 * (a re-render replaces the focused SVG link, and keyboard focus would drop to the page).
 */
function createSelection() {
  let current: THeatmapCell | null = null;
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    set: (cell: THeatmapCell | null) => {
      if (cell === current) return;
      current = cell;
      for (const listener of listeners) listener();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

type TSelection = ReturnType<typeof createSelection>;

function SelectedDetails({ selection, id, empty }: { selection: TSelection; id: string; empty: ReactNode }) {
  const selected = useSyncExternalStore(selection.subscribe, selection.get, () => null);
  return (
    <div
      id={id}
      aria-live="polite"
      className="min-h-12 rounded-md border border-dashed border-zinc-200 bg-zinc-50/60 px-3 py-2 text-xs text-zinc-700"
    >
      {selected ? selected.details : empty}
    </div>
  );
}

function CellShape(
  props: Partial<ScatterShapeProps> & {
    rowCount: number;
    columnCount: number;
    scale: THeatScale;
    onSelect: (cell: THeatmapCell | null) => void;
    onOpen: (href: string) => void;
  },
) {
  const plot = usePlotArea();
  const point = props.payload as TPoint | undefined;
  if (!plot || props.cx == null || props.cy == null || !point || point.kind === "marker") return null;
  const width = plot.width / props.columnCount;
  const height = plot.height / props.rowCount;
  if (point.kind === "empty") {
    // nothing sent: drawn so the grid reads as "quiet", not as missing
    return (
      <rect
        aria-hidden="true"
        x={props.cx - width / 2 + 1}
        y={props.cy - height / 2 + 1}
        width={Math.max(1, width - 2)}
        height={Math.max(1, height - 2)}
        rx={2}
        fill={props.scale.colorOf(null)}
      />
    );
  }
  const { cell } = point;
  const rect = (
    <rect
      x={props.cx - width / 2 + 1}
      y={props.cy - height / 2 + 1}
      width={Math.max(1, width - 2)}
      height={Math.max(1, height - 2)}
      rx={2}
      fill={props.scale.colorOf(cell)}
      className="transition-[stroke] group-focus-visible:stroke-accent-700"
      strokeWidth={2}
    />
  );
  if (!cell.href) {
    return (
      <g onMouseEnter={() => props.onSelect(cell)}>
        <title>{cell.label}</title>
        {rect}
      </g>
    );
  }
  const href = cell.href;
  return (
    <a
      href={href}
      tabIndex={0}
      aria-label={cell.label}
      className="group cursor-pointer outline-none"
      onFocus={() => props.onSelect(cell)}
      onMouseEnter={() => props.onSelect(cell)}
      onKeyDown={(event) => {
        // an SVG link is not activated by Enter in every browser: do it here
        if (event.key !== "Enter") return;
        event.preventDefault();
        props.onOpen(href);
      }}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        props.onOpen(href);
      }}
    >
      {rect}
    </a>
  );
}

function MarkerShape(props: Partial<ScatterShapeProps>) {
  const point = props.payload as TPoint | undefined;
  if (props.cx == null || props.cy == null || !point || point.kind !== "marker") return null;
  const size = 6;
  const { cx, cy } = props;
  return (
    <g aria-hidden="true">
      <title>{point.marker.label}</title>
      <path
        d={`M${cx} ${cy - size} L${cx + size} ${cy} L${cx} ${cy + size} L${cx - size} ${cy} Z`}
        fill={MARKER_COLORS[point.marker.direction]}
        stroke="#fff"
        strokeWidth={1.5}
      />
    </g>
  );
}

function HeatTooltip({ active, payload }: Partial<TooltipContentProps<number, string>>) {
  const point = payload?.[0]?.payload as TPoint | undefined;
  if (!active || !point || point.kind === "empty") return null;
  return (
    <div className="max-w-xs rounded-md border border-zinc-200 bg-white px-3 py-2 text-xs text-zinc-700 shadow-md">
      {point.kind === "cell" ? point.cell.details : <p>{point.marker.label}</p>}
    </div>
  );
}

export function HeatLegend({ scale, hasMarkers }: { scale: THeatScale; hasMarkers: boolean }) {
  return (
    <ul
      aria-label="Colour scale"
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600"
    >
      {scale.legend.map((item) => (
        <li key={item.label} className="flex items-center gap-1.5">
          <span
            aria-hidden="true"
            className="size-3 rounded-sm ring-1 ring-zinc-300/60"
            style={{ background: item.color }}
          />
          {item.label}
        </li>
      ))}
      {hasMarkers ? (
        <li className="flex items-center gap-1.5">
          <svg aria-hidden="true" viewBox="0 0 12 12" className="size-3">
            <path d="M6 0 L12 6 L6 12 L0 6 Z" fill={MARKER_COLORS.worse} />
          </svg>
          quality or limit change (red: worse, green: better)
        </li>
      ) : null}
    </ul>
  );
}

export function HeatmapChart({
  title,
  rows,
  columns,
  bucketMinutes,
  cells,
  markers = [],
  metric,
  rowLabelWidth = 150,
  emptyDetails,
}: {
  /** the chart's accessible name */
  title: string;
  rows: readonly THeatmapRow[];
  columns: readonly Date[];
  bucketMinutes: number;
  cells: readonly THeatmapCell[];
  markers?: readonly THeatmapMarker[];
  metric: THeatMetric;
  rowLabelWidth?: number;
  /** the details panel before a cell is chosen */
  emptyDetails: ReactNode;
}) {
  const router = useRouter();
  const detailsId = useId();
  const selection = useMemo(() => createSelection(), []);
  const scale = useMemo(() => heatScale(cells, metric), [cells, metric]);
  const open = useCallback((href: string) => router.push(href), [router]);
  const cellShape = useMemo(
    () => (
      <CellShape
        rowCount={Math.max(1, rows.length)}
        columnCount={Math.max(1, columns.length)}
        scale={scale}
        onSelect={selection.set}
        onOpen={open}
      />
    ),
    [rows.length, columns.length, scale, selection, open],
  );
  const points = useMemo<TPoint[]>(() => {
    const taken = new Set(cells.map((cell) => `${cell.row}:${cell.column}`));
    const empty: TPoint[] = [];
    for (let row = 0; row < rows.length; row += 1) {
      for (let column = 0; column < columns.length; column += 1) {
        if (!taken.has(`${row}:${column}`)) empty.push({ kind: "empty", x: column + 0.5, y: row + 0.5 });
      }
    }
    return [
      ...empty,
      ...cells.map((cell): TPoint => ({ kind: "cell", x: cell.column + 0.5, y: cell.row + 0.5, cell })),
    ];
  }, [cells, rows.length, columns.length]);
  const markerPoints = useMemo<TPoint[]>(
    () => markers.map((marker) => ({ kind: "marker", x: marker.position, y: marker.row + 0.18, marker })),
    [markers],
  );
  const ticks = tickColumns(columns.length, 8);
  const height = Math.max(2, rows.length) * ROW_HEIGHT + AXIS_HEIGHT;

  return (
    <figure aria-label={title} aria-describedby={detailsId} className="flex flex-col gap-3">
      <div style={{ height }} className="w-full">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <XAxis
              type="number"
              dataKey="x"
              domain={[0, columns.length]}
              ticks={ticks}
              interval={0}
              allowDataOverflow
              tickFormatter={(value: number) => {
                const column = columns[Math.round(value)];
                return column ? formatColumnTime(column, bucketMinutes) : "";
              }}
              tick={{ fontSize: 11, fill: "#52525b" }}
              tickLine={false}
              axisLine={{ stroke: "#d4d4d8" }}
              height={AXIS_HEIGHT}
            />
            <YAxis
              type="number"
              dataKey="y"
              domain={[0, Math.max(1, rows.length)]}
              reversed
              ticks={rows.map((_, i) => i + 0.5)}
              interval={0}
              allowDataOverflow
              width={rowLabelWidth}
              tickLine={false}
              axisLine={false}
              tick={{ fontSize: 12, fill: "#27272a" }}
              tickFormatter={(value: number) => {
                const row = rows[Math.floor(value)];
                if (!row) return "";
                const max = Math.floor(rowLabelWidth / 7.5);
                return row.label.length > max ? `${row.label.slice(0, max - 1)}…` : row.label;
              }}
            />
            <Tooltip content={<HeatTooltip />} cursor={false} isAnimationActive={false} />
            <Scatter data={points} isAnimationActive={false} shape={cellShape} />
            {markerPoints.length > 0 ? (
              <Scatter data={markerPoints} isAnimationActive={false} shape={<MarkerShape />} />
            ) : null}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <HeatLegend scale={scale} hasMarkers={markers.length > 0} />
      <SelectedDetails selection={selection} id={detailsId} empty={emptyDetails} />
    </figure>
  );
}
