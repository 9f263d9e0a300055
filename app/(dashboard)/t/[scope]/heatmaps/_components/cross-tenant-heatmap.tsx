"use client";
// Failures of every tenant x time (engineers and admins): one tenant's row lighting up is that
// tenant's problem; a column lit across tenants is systemic (Meta, or us). Each cell names its
// commonest error code and how many of the tenant's numbers failed, and opens that tenant's
// message search for the period; each row opens the tenant's own heatmaps for the same window.
import { useQuery } from "@tanstack/react-query";
import { CellDetails } from "@/components/charts/cell-details";
import { HeatmapChart, type THeatmapCell, type THeatmapMarker } from "@/components/charts/heatmap-chart";
import { HeatmapTable } from "@/components/charts/heatmap-table";
import { describeCell, formatColumnRange, type THeatMetric } from "@/components/charts/prepare/heatmap";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { useTRPC } from "@/trpc/client";
import {
  FAILURE_STATE_LABELS,
  failureLinks,
  insightHref,
  toWindowInput,
  type TInsightParams,
} from "../../_components/insight-params";

const MINUTE = 60_000;

export function CrossTenantHeatmap({ params }: { params: TInsightParams }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.insights.crossTenantHeatmap.queryOptions(toWindowInput(params)));
  return (
    <QueryState
      query={query}
      what="the cross-tenant heatmap"
      placeholder={<Skeleton className="h-64 w-full" />}
      isEmpty={(d) => d.rows.length === 0}
      empty={{
        title: "No tenants yet",
        description: "The heatmap compares tenants; none exist yet.",
        headingLevel: 2,
      }}
    >
      {(data) => {
        const bucketMinutes = data.window.bucketMinutes;
        const metric: THeatMetric = params.metric;
        const rows = data.rows.map((row) => ({
          key: row.tenantId,
          label: row.name,
          sublabel: row.slug,
          href: insightHref(`/t/${encodeURIComponent(row.slug)}/heatmaps`, { ...params, metric: "failures" }),
        }));
        const cells: THeatmapCell[] = data.rows.flatMap((row, r) =>
          row.cells.flatMap((cell) => {
            const start = data.columns[cell.column];
            if (!start) return [];
            const end = new Date(start.getTime() + bucketMinutes * MINUTE);
            const links = failureLinks(row.slug, { from: start, to: end }, cell.byState);
            const first = links[0];
            const summary = describeCell(cell);
            const cause =
              cell.topErrorCode !== null
                ? `mostly ${cell.topErrorCode || "no code"}${cell.topErrorTitle ? ` (${cell.topErrorTitle})` : ""}: ${cell.topErrorFailures} of ${cell.failures}; ${cell.sendersFailing} ${cell.sendersFailing === 1 ? "number" : "numbers"} failing`
                : null;
            return [
              {
                row: r,
                column: cell.column,
                messages: cell.messages,
                failures: cell.failures,
                href: first?.href ?? null,
                label: `${row.name}, ${formatColumnRange(start, bucketMinutes)}: ${summary}${cause ? `, ${cause}` : ""}${
                  first ? `. Opens the ${first.count} ${FAILURE_STATE_LABELS[first.state]} messages` : ""
                }`,
                details: (
                  <CellDetails
                    title={row.name}
                    subtitle={row.slug}
                    start={start}
                    bucketMinutes={bucketMinutes}
                    summary={summary}
                    extra={cause ? <p className="text-zinc-700">{cause}</p> : null}
                    links={[
                      ...links.map((link) => ({
                        key: link.state,
                        href: link.href,
                        text: `Open ${link.count} ${FAILURE_STATE_LABELS[link.state]}`,
                      })),
                      {
                        key: "heatmaps",
                        href: insightHref(`/t/${encodeURIComponent(row.slug)}/heatmaps`, {
                          window: "24h",
                          until: new Date(end.getTime() - 1).toISOString(),
                          metric: "failures",
                        }),
                        text: `${row.name}'s heatmaps around then`,
                      },
                    ]}
                  />
                ),
              },
            ];
          }),
        );
        const fromMs = data.window.from.getTime();
        const rowOf = new Map(data.rows.map((row, i) => [row.tenantId, i]));
        const markers: THeatmapMarker[] = data.markers.flatMap((m) => {
          const row = rowOf.get(m.tenantId);
          return row === undefined
            ? []
            : [
                {
                  key: `${m.tenantId}-${m.eventId}-${m.kind}`,
                  row,
                  position: (m.at.getTime() - fromMs) / (bucketMinutes * MINUTE),
                  direction: m.direction,
                  label: `${data.rows[row]!.name} ${m.displayNumber ?? ""}: ${m.summary}`,
                },
              ];
        });
        const title = "Failures by tenant";
        return (
          <div className="flex flex-col gap-6">
            <Card
              title={title}
              description={
                metric === "rate"
                  ? "Colour: the share of each tenant's messages that failed, so small tenants show as clearly as large ones."
                  : "Colour: the number of failed messages."
              }
            >
              <div className="flex flex-col gap-3">
                <HeatmapChart
                  title={title}
                  rows={rows}
                  columns={data.columns}
                  bucketMinutes={bucketMinutes}
                  cells={cells}
                  markers={markers}
                  metric={metric}
                  rowLabelWidth={140}
                  emptyDetails="Point at a cell, or Tab to one: its commonest error code and how many numbers failed tell one tenant's problem from a systemic one."
                />
                <HeatmapTable
                  title={`${title} (table)`}
                  rows={rows}
                  columns={data.columns}
                  bucketMinutes={bucketMinutes}
                  cells={cells}
                />
                <nav aria-label="Tenants' heatmaps" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
                  {rows.map((row) => (
                    <a key={row.key} href={row.href} className="font-medium text-accent-700 hover:underline">
                      {row.label}: heatmaps
                    </a>
                  ))}
                </nav>
              </div>
            </Card>
            {data.markers.length > 0 ? (
              <Card title="Quality and limit changes in this window">
                <ul
                  aria-label="Quality and limit changes in this window"
                  className="flex flex-col gap-0.5 text-sm"
                >
                  {data.markers.map((m) => (
                    <li key={`${m.tenantId}-${m.eventId}-${m.kind}`} className="flex flex-wrap gap-2">
                      <TimeStamp value={m.at} format="short" className="text-zinc-500 tabular-nums" />
                      <span>{data.rows.find((row) => row.tenantId === m.tenantId)?.name}</span>
                      <span className="font-mono text-xs leading-5">{m.displayNumber}</span>
                      <span
                        className={
                          m.direction === "worse"
                            ? "text-bad-700"
                            : m.direction === "better"
                              ? "text-ok-700"
                              : ""
                        }
                      >
                        {m.summary}
                      </span>
                    </li>
                  ))}
                </ul>
              </Card>
            ) : null}
            <p className="text-xs text-zinc-500">
              As of <TimeStamp value={data.generatedAt} format="short" />. Messages count in the period they
              were sent.
            </p>
          </div>
        );
      }}
    </QueryState>
  );
}
