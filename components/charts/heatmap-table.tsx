"use client";
// The heatmap as a table (the accessible alternative): one row per chart row, one column per
// time bucket, each cell's failures linking to the same message search as the chart's cell.
// Rendered when opened, in the browser, so its times are in the viewer's zone.
import { useState } from "react";
import { Table, TBody, TD, TH, THead } from "@/components/ui/table";
import type { THeatmapCell, THeatmapRow } from "./heatmap-chart";
import { formatColumnTime, formatUtcRange } from "./prepare/heatmap";

export function HeatmapTable({
  title,
  rows,
  columns,
  bucketMinutes,
  cells,
}: {
  title: string;
  rows: readonly THeatmapRow[];
  columns: readonly Date[];
  bucketMinutes: number;
  cells: readonly THeatmapCell[];
}) {
  const [isOpen, setIsOpen] = useState(false);
  const byKey = new Map(cells.map((c) => [`${c.row}:${c.column}`, c]));
  return (
    <details className="text-sm" onToggle={(event) => setIsOpen(event.currentTarget.open)}>
      <summary className="min-h-6 cursor-pointer text-xs font-medium text-accent-700">
        Show as a table
      </summary>
      {isOpen ? (
        <Table label={title} className="mt-2 max-h-96">
          <THead>
            <tr>
              <TH>Row</TH>
              {columns.map((column) => (
                <TH
                  key={column.getTime()}
                  title={formatUtcRange(column, bucketMinutes)}
                  className="text-right"
                >
                  {formatColumnTime(column, bucketMinutes)}
                </TH>
              ))}
            </tr>
          </THead>
          <TBody>
            {rows.map((row, r) => (
              <tr key={row.key}>
                <TH scope="row" className="text-left font-mono text-zinc-800">
                  {row.label}
                </TH>
                {columns.map((column, c) => {
                  const cell = byKey.get(`${r}:${c}`);
                  return (
                    <TD key={column.getTime()} className="text-right tabular-nums">
                      {!cell || (cell.messages === 0 && cell.failures === 0) ? (
                        <span className="text-zinc-300">·</span>
                      ) : cell.href && cell.failures > 0 ? (
                        <a
                          href={cell.href}
                          aria-label={cell.label}
                          className="font-medium text-bad-700 hover:underline"
                        >
                          {cell.failures}
                        </a>
                      ) : (
                        <span
                          title={cell.label}
                          className={cell.failures > 0 ? "text-bad-700" : "text-zinc-500"}
                        >
                          {cell.failures}
                        </span>
                      )}
                    </TD>
                  );
                })}
              </tr>
            ))}
          </TBody>
        </Table>
      ) : null}
    </details>
  );
}
