"use client";
// TimeStamp: a moment in the viewer's display zone (their saved zone, the browser's, or UTC when
// the toggle is on), with the exact UTC time as its title. The server does not know the browser's
// zone, so it renders UTC and the browser re-renders after hydration (no mismatch warning).
import { formatInZone, formatUtc, type TTimeFormat } from "@/components/time/format-time";
import { useDisplayZone } from "@/components/time/time-zone";

export type { TTimeFormat };
export { formatUtc };

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
  const { zone, isResolved } = useDisplayZone();
  if (value === null || value === undefined) return <span className={className}>{fallback}</span>;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <span className={className}>{fallback}</span>;
  const utc = formatUtc(date);
  const text = isResolved ? formatInZone(date, zone, format) : utc;
  return (
    <time dateTime={date.toISOString()} title={utc} className={className}>
      {text}
    </time>
  );
}
