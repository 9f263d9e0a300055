"use client";
// Messages per time bucket, stacked by outcome (delivered, still in flight, failed): a failure
// spike reads as a red block, a delivery stall as a grey one. A second view shows the failure
// rate per bucket (gaps where nothing was sent), for a spike hidden by a busy period.
import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartFrame } from "./chart-frame";
import { failureRateSeries } from "./prepare/failure-rate";
import { formatColumnRange, formatColumnTime, tickColumns } from "./prepare/heatmap";

export type TOutcomePoint = {
  bucketStart: Date;
  delivered: number;
  inFlight: number;
  failed: number;
  cancelled: number;
};

export const OUTCOME_COLORS = {
  delivered: "#0f8a4c",
  inFlight: "#a1a1aa",
  failed: "#d92d20",
  cancelled: "#d4d4d8",
};

export function OutcomeChart({
  title,
  label,
  points,
  bucketMinutes,
}: {
  title: string;
  /** accessible name, when several such charts share a title */
  label?: string;
  points: readonly TOutcomePoint[];
  bucketMinutes: number;
}) {
  const [view, setView] = useState<"counts" | "rate">("counts");
  const data = points.map((p, i) => ({ ...p, i }));
  const rates = failureRateSeries(points).map((p, i) => ({ ...p, i }));
  const ticks = tickColumns(points.length, 6);
  const xAxis = (
    <XAxis
      dataKey="i"
      ticks={ticks}
      interval={0}
      tickFormatter={(i: number) => {
        const point = points[i];
        return point ? formatColumnTime(point.bucketStart, bucketMinutes) : "";
      }}
      tick={{ fontSize: 10, fill: "#71717a" }}
      tickLine={false}
      axisLine={{ stroke: "#d4d4d8" }}
    />
  );
  const name = label ?? title;
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <div role="group" aria-label={`View of ${name}`} className="flex gap-1 self-end text-xs">
        {(
          [
            ["counts", "Messages"],
            ["rate", "Failure rate"],
          ] as const
        ).map(([key, text]) => (
          <button
            key={key}
            type="button"
            aria-pressed={view === key}
            onClick={() => setView(key)}
            className={
              view === key
                ? "rounded-md bg-zinc-900 px-2 py-0.5 font-medium text-white"
                : "rounded-md px-2 py-0.5 font-medium text-zinc-600 ring-1 ring-zinc-200 ring-inset hover:bg-zinc-50"
            }
          >
            {text}
          </button>
        ))}
      </div>
      {view === "rate" ? (
        <ChartFrame
          title={`${title}: failure rate`}
          label={`Failure rate, ${name}`}
          caption="Share of each period's messages that failed; gaps: nothing sent"
          height={180}
          legend={[{ label: "Failure rate", color: OUTCOME_COLORS.failed, shape: "line" }]}
        >
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rates} margin={{ top: 4, right: 4, bottom: 0, left: -8 }}>
              <CartesianGrid vertical={false} stroke="#f4f4f5" />
              {xAxis}
              <YAxis
                domain={[0, 1]}
                tickFormatter={(v: number) => `${Math.round(v * 100)} %`}
                tick={{ fontSize: 10, fill: "#71717a" }}
                tickLine={false}
                axisLine={false}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(i) => {
                  const point = points[Number(i)];
                  return point ? formatColumnRange(point.bucketStart, bucketMinutes) : "";
                }}
                formatter={(value, _name, item) => {
                  const p = (item as { payload?: { failed: number; total: number } }).payload;
                  return [
                    `${(Number(value) * 100).toFixed(1)} %${p ? ` (${p.failed} of ${p.total})` : ""}`,
                    "Failure rate",
                  ];
                }}
                contentStyle={{ fontSize: 12 }}
              />
              <Line
                dataKey="rate"
                name="Failure rate"
                stroke={OUTCOME_COLORS.failed}
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </ChartFrame>
      ) : (
        <ChartFrame
          title={title}
          label={label}
          caption="Messages sent per period, by what became of them"
          height={180}
          legend={[
            { label: "Delivered", color: OUTCOME_COLORS.delivered },
            { label: "In flight", color: OUTCOME_COLORS.inFlight },
            { label: "Failed", color: OUTCOME_COLORS.failed },
            { label: "Cancelled", color: OUTCOME_COLORS.cancelled },
          ]}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }} barCategoryGap={1}>
              <CartesianGrid vertical={false} stroke="#f4f4f5" />
              {xAxis}
              <YAxis
                allowDecimals={false}
                tick={{ fontSize: 10, fill: "#71717a" }}
                tickLine={false}
                axisLine={false}
              />
              <Tooltip
                isAnimationActive={false}
                labelFormatter={(i) => {
                  const point = points[Number(i)];
                  return point ? formatColumnRange(point.bucketStart, bucketMinutes) : "";
                }}
                contentStyle={{ fontSize: 12 }}
              />
              <Bar
                dataKey="delivered"
                name="Delivered"
                stackId="o"
                fill={OUTCOME_COLORS.delivered}
                isAnimationActive={false}
              />
              <Bar
                dataKey="inFlight"
                name="In flight"
                stackId="o"
                fill={OUTCOME_COLORS.inFlight}
                isAnimationActive={false}
              />
              <Bar
                dataKey="failed"
                name="Failed"
                stackId="o"
                fill={OUTCOME_COLORS.failed}
                isAnimationActive={false}
              />
              <Bar
                dataKey="cancelled"
                name="Cancelled"
                stackId="o"
                fill={OUTCOME_COLORS.cancelled}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
        </ChartFrame>
      )}
    </div>
  );
}
