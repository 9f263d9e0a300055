"use client";
// What a heatmap cell holds, in words: its row, its period (viewer's zone, UTC on hover), the
// counts, a hint, and one link per failure state to the matching message search.
import type { ReactNode } from "react";
import { formatColumnRange, formatUtcRange } from "./prepare/heatmap";

export function CellDetails({
  title,
  subtitle,
  start,
  bucketMinutes,
  summary,
  hint,
  links,
  extra,
}: {
  title: string;
  subtitle?: string | null;
  start: Date;
  bucketMinutes: number;
  summary: string;
  hint?: string | null;
  links: { key: string; href: string; text: string }[];
  extra?: ReactNode;
}) {
  return (
    <div className="flex flex-col gap-0.5">
      <p className="font-medium text-zinc-900">
        {title}
        {subtitle ? <span className="font-normal text-zinc-500"> · {subtitle}</span> : null}
      </p>
      <p title={formatUtcRange(start, bucketMinutes)} className="text-zinc-600">
        {formatColumnRange(start, bucketMinutes)}
      </p>
      <p className="text-zinc-800">{summary}</p>
      {extra}
      {hint ? <p className="text-zinc-600">{hint}</p> : null}
      {links.length > 0 ? (
        <p className="flex flex-wrap gap-x-3">
          {links.map((link) => (
            <a key={link.key} href={link.href} className="font-medium text-accent-700 hover:underline">
              {link.text}
            </a>
          ))}
        </p>
      ) : null}
    </div>
  );
}
