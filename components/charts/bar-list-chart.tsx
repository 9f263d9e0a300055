"use client";
// Horizontal bars for a short ranked list (failures by error code, messages by latency bucket).
import { Bar, BarChart, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "./chart-frame";

export type TBarItem = { key: string; label: string; value: number; color?: string };

export function BarListChart({
  title,
  label,
  caption,
  items,
  valueLabel,
  color = "#d92d20",
  labelWidth = 80,
}: {
  title: string;
  /** accessible name, when several such charts share a title */
  label?: string;
  caption?: string;
  items: readonly TBarItem[];
  /** what a value counts, for the tooltip ("failed messages") */
  valueLabel: string;
  color?: string;
  labelWidth?: number;
}) {
  const height = Math.max(60, items.length * 24 + 16);
  return (
    <ChartFrame title={title} label={label} caption={caption} height={height}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={[...items]}
          layout="vertical"
          margin={{ top: 0, right: 24, bottom: 0, left: 0 }}
          barCategoryGap={4}
        >
          <XAxis type="number" hide allowDecimals={false} />
          <YAxis
            type="category"
            dataKey="label"
            width={labelWidth}
            tick={{ fontSize: 11, fill: "#3f3f46" }}
            tickLine={false}
            axisLine={false}
            interval={0}
          />
          <Tooltip isAnimationActive={false} cursor={{ fill: "#f4f4f5" }} contentStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="value"
            name={valueLabel}
            maxBarSize={16}
            isAnimationActive={false}
            label={{ position: "right", fontSize: 11, fill: "#3f3f46" }}
          >
            {items.map((item) => (
              <Cell key={item.key} fill={item.color ?? color} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
