"use client";
// Webhook requests per minute, stacked by their current status (Recharts). Rendering only: the
// buckets come from prepare/requests-per-minute.ts. Times are the viewer's; the chart renders in
// the browser only (the server does not know the viewer's time zone).
import { useSyncExternalStore } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import {
  INBOX_STATUSES,
  summarizeRequests,
  type TInboxStatus,
  type TMinuteBucket,
} from "./prepare/requests-per-minute";

const COLORS: Record<TInboxStatus, string> = {
  processed: "#059669",
  quarantined: "#d97706",
  failed: "#dc2626",
  pending: "#71717a",
};

const LABELS: Record<TInboxStatus, string> = {
  processed: "Processed",
  quarantined: "Quarantined",
  failed: "Failed",
  pending: "Pending",
};

const subscribe = () => () => {};
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function RequestsPerMinuteChart({
  buckets,
  label,
}: {
  buckets: readonly TMinuteBucket[];
  label: string;
}) {
  const isBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  const { total, peak } = summarizeRequests(buckets);
  const summary =
    total === 0
      ? "No webhook requests in the last hour."
      : `${total.toLocaleString("en")} requests in the last hour; the busiest minute had ${peak?.total.toLocaleString("en")}.`;
  return (
    <figure aria-label={label} className="flex flex-col gap-2">
      <div className="h-56 w-full" aria-hidden="true">
        {isBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            {/* the drawing is aria-hidden (the summary below speaks for it), so Recharts'
                keyboard layer would be a focus stop that announces nothing */}
            <BarChart
              data={[...buckets]}
              margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
              accessibilityLayer={false}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
              <XAxis
                dataKey="minute"
                tickFormatter={(v: number) => TIME.format(v)}
                minTickGap={24}
                tick={{ fontSize: 11, fill: "#52525b" }}
              />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#52525b" }} />
              <Tooltip
                labelFormatter={(v) =>
                  `${TIME.format(Number(v))} (${new Date(Number(v)).toISOString().slice(11, 16)} UTC)`
                }
              />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {INBOX_STATUSES.map((status) => (
                <Bar
                  key={status}
                  dataKey={status}
                  name={LABELS[status]}
                  stackId="requests"
                  fill={COLORS[status]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        ) : null}
      </div>
      <figcaption className="text-xs text-zinc-600">{summary}</figcaption>
    </figure>
  );
}
