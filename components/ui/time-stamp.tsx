"use client";
// TimeStamp: a moment in the viewer's own time zone, with the exact UTC time on hover (title).
// The server does not know the viewer's zone, so it renders UTC and the browser re-renders
// in local time after hydration (no mismatch warning, no flash of a wrong zone label).
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

export type TTimeFormat = "full" | "short" | "time";

const FORMATS: Record<TTimeFormat, Intl.DateTimeFormat> = {
  full: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" }),
  // dense tables: minutes are enough on screen, the title has the exact second
  short: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }),
  time: new Intl.DateTimeFormat(undefined, { timeStyle: "medium" }),
};

export function formatUtc(date: Date): string {
  return `${date.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

export function TimeStamp({
  value,
  format = "full",
  fallback = "—",
  className,
}: {
  value: Date | string | null | undefined;
  format?: TTimeFormat;
  fallback?: string;
  className?: string;
}) {
  const isBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  if (value === null || value === undefined) return <span className={className}>{fallback}</span>;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{fallback}</span>;
  const utc = formatUtc(date);
  const text = isBrowser ? FORMATS[format].format(date) : utc;
  return (
    <time dateTime={date.toISOString()} title={utc} className={className}>
      {text}
    </time>
  );
}
