"use client";
// The messaging-limit tier over a window as a step line, quality changes as dots on it.
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceDot,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartFrame } from "./chart-frame";
import { formatColumnTime, tickColumns } from "./prepare/heatmap";

export const TIER_AXIS = ["50", "250", "1K", "2K", "10K", "100K", "Unlimited"] as const;

export type TTierStep = { atMs: number; level: number | null };
export type TQualityDot = { atMs: number; label: string; direction: "worse" | "better" | "neutral" };

const DOT_COLORS = { worse: "#d92d20", better: "#0f8a4c", neutral: "#71717a" } as const;

export function TierStepChart({
  title,
  label,
  steps,
  qualityDots,
  fromMs,
  toMs,
  bucketMinutes,
}: {
  title: string;
  /** accessible name, when several such charts share a title */
  label?: string;
  steps: readonly TTierStep[];
  qualityDots: readonly TQualityDot[];
  fromMs: number;
  toMs: number;
  bucketMinutes: number;
}) {
  const last = steps.at(-1);
  // the step holds until the end of the window
  const data = [...steps, ...(last ? [{ atMs: toMs, level: last.level }] : [])];
  const levels = data.map((d) => d.level).filter((l): l is number => l !== null);
  const low = Math.max(0, Math.min(...levels, 1) - 1);
  const high = Math.min(TIER_AXIS.length - 1, Math.max(...levels, 2) + 1);
  const levelAt = (ms: number) => [...data].reverse().find((d) => d.atMs <= ms)?.level ?? null;
  return (
    <ChartFrame
      title={title}
      label={label}
      caption="Messaging limit per 24 h, and the quality changes Meta reported"
      height={150}
      legend={[
        { label: "Messaging limit", color: "#635bff", shape: "line" },
        { label: "Quality worse", color: DOT_COLORS.worse, shape: "dot" },
        { label: "Quality better", color: DOT_COLORS.better, shape: "dot" },
      ]}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#f4f4f5" />
          <XAxis
            type="number"
            dataKey="atMs"
            domain={[fromMs, toMs]}
            ticks={tickColumns(Math.round((toMs - fromMs) / (bucketMinutes * 60_000)), 5).map(
              (column) => fromMs + column * bucketMinutes * 60_000,
            )}
            interval={0}
            tickFormatter={(ms: number) => formatColumnTime(new Date(ms), bucketMinutes)}
            tick={{ fontSize: 10, fill: "#71717a" }}
            tickLine={false}
            axisLine={{ stroke: "#d4d4d8" }}
          />
          <YAxis
            type="number"
            domain={[low, high]}
            ticks={Array.from({ length: high - low + 1 }, (_, i) => low + i)}
            tickFormatter={(level: number) => TIER_AXIS[level] ?? ""}
            tick={{ fontSize: 10, fill: "#71717a" }}
            tickLine={false}
            axisLine={false}
            width={56}
          />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(ms) => new Date(Number(ms)).toLocaleString()}
            formatter={(level) => [TIER_AXIS[Number(level)] ?? "unknown", "Limit"]}
            contentStyle={{ fontSize: 12 }}
          />
          <Line
            type="stepAfter"
            dataKey="level"
            stroke="#635bff"
            strokeWidth={2}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
          {qualityDots.map((dot) => {
            const level = levelAt(dot.atMs);
            return level === null ? null : (
              <ReferenceDot
                key={`${dot.atMs}-${dot.label}`}
                x={dot.atMs}
                y={level}
                r={5}
                fill={DOT_COLORS[dot.direction]}
                stroke="#fff"
              />
            );
          })}
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
