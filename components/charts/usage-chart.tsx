"use client";
// Billable messages per day, stacked by pricing category (points prepared by the pure usageChart).
import { Bar, BarChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./chart-frame";

const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563"];

export function UsageChart({
  points,
  categories,
  seriesName = (category) => category,
}: {
  points: readonly ({ day: string } & Record<string, number | string>)[];
  categories: readonly string[];
  /** a category's name in the legend and tooltip (the data keeps Meta's word as its key) */
  seriesName?: (category: string) => string;
}) {
  return (
    <ChartFrame
      title="Billable messages per day"
      caption="Stacked by Meta's pricing category; free messages are not shown."
      height={240}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...points]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#3f3f46" }} tickLine={false} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#3f3f46" }} width={40} />
          <Tooltip isAnimationActive={false} contentStyle={{ fontSize: 12 }} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {categories.map((c, i) => (
            <Bar
              key={c}
              dataKey={c}
              name={seriesName(c)}
              stackId="usage"
              fill={COLORS[i % COLORS.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
