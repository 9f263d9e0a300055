"use client";
// Messages per time bucket, stacked by outcome (delivered, still in flight, failed): a failure
// spike reads as a red block, a delivery stall as a grey one.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./chart-frame";
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
  const data = points.map((p, i) => ({ ...p, i }));
  const ticks = tickColumns(points.length, 6);
  return (
    <ChartFrame
      title={title}
      label={label}
      caption="Messages sent per period, by what became of them"
      height={180}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }} barCategoryGap={1}>
          <CartesianGrid vertical={false} stroke="#f4f4f5" />
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
  );
}
