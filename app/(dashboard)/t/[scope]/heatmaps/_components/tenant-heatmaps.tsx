"use client";
// A tenant's failure heatmaps: by sender number, by error code and by template, over time, with
// Meta's quality/limit changes on the numbers' rows. Every cell with failures opens the message
// search for exactly its messages (same created range, number / code / template and state).
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import {
  HeatmapChart,
  type THeatmapCell,
  type THeatmapMarker,
  type THeatmapRow,
} from "@/components/charts/heatmap-chart";
import { HeatmapTable } from "@/components/charts/heatmap-table";
import { CellDetails } from "@/components/charts/cell-details";
import { describeCell, formatColumnRange, type THeatMetric } from "@/components/charts/prepare/heatmap";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { useTRPC } from "@/trpc/client";
import type { TRouterOutputs } from "@/trpc/router-types";
import {
  FAILURE_STATE_LABELS,
  failureLinks,
  toWindowInput,
  type TDrillDown,
  type TInsightParams,
} from "../../_components/insight-params";

type THeatmaps = TRouterOutputs["insights"]["tenantHeatmap"];
type THeatRow = THeatmaps["bySender"][number];
type TDimension = "sender" | "code" | "template";

const MINUTE = 60_000;

function drillFor(dimension: TDimension, key: string): Omit<TDrillDown, "from" | "to" | "state"> | null {
  // failures without a code, and messages without a template, have no search filter of their own
  if (key === "" && dimension !== "sender") return null;
  if (dimension === "sender") return { sender: key };
  if (dimension === "code") return { error: key };
  return { template: key };
}

function toChart(
  dimension: TDimension,
  rows: readonly THeatRow[],
  data: THeatmaps,
  slug: string,
): { rows: THeatmapRow[]; cells: THeatmapCell[] } {
  const bucketMinutes = data.window.bucketMinutes;
  const cells: THeatmapCell[] = [];
  rows.forEach((row, r) => {
    const drill = drillFor(dimension, row.key);
    for (const cell of row.cells) {
      const start = data.columns[cell.column];
      if (!start) continue;
      const end = new Date(start.getTime() + bucketMinutes * MINUTE);
      const links = drill ? failureLinks(slug, { ...drill, from: start, to: end }, cell.byState) : [];
      const summary =
        dimension === "code"
          ? `${describeCell(cell, "messages sent")} failed with this code`
          : describeCell(cell);
      const first = links[0];
      cells.push({
        row: r,
        column: cell.column,
        messages: cell.messages,
        failures: cell.failures,
        href: first?.href ?? null,
        label: `${row.label}, ${formatColumnRange(start, bucketMinutes)}: ${summary}${
          first ? `. Opens the ${first.count} ${FAILURE_STATE_LABELS[first.state]} messages` : ""
        }`,
        details: (
          <CellDetails
            title={row.label}
            subtitle={row.sublabel}
            start={start}
            bucketMinutes={bucketMinutes}
            summary={summary}
            hint={row.hint}
            links={links.map((link) => ({
              key: link.state,
              href: link.href,
              text: `Open ${link.count} ${FAILURE_STATE_LABELS[link.state]}`,
            }))}
          />
        ),
      });
    }
  });
  return {
    rows: rows.map((row) => ({ key: row.key, label: row.label, sublabel: row.sublabel })),
    cells,
  };
}

function HeatmapCard({
  title,
  description,
  dimension,
  rows,
  data,
  slug,
  metric,
  markers = [],
  empty,
  footer,
}: {
  title: string;
  description: string;
  dimension: TDimension;
  rows: readonly THeatRow[];
  data: THeatmaps;
  slug: string;
  metric: THeatMetric;
  markers?: THeatmapMarker[];
  empty: string;
  footer?: ReactNode;
}) {
  const chart = toChart(dimension, rows, data, slug);
  return (
    <Card title={title} description={description}>
      {rows.length === 0 ? (
        <p className="text-sm text-zinc-600">{empty}</p>
      ) : (
        <div className="flex flex-col gap-3">
          <HeatmapChart
            title={title}
            rows={chart.rows}
            columns={data.columns}
            bucketMinutes={data.window.bucketMinutes}
            cells={chart.cells}
            markers={markers}
            metric={metric}
            rowLabelWidth={dimension === "template" ? 170 : 130}
            emptyDetails="Point at a cell, or Tab to one, for its numbers; Enter opens its failed messages."
          />
          <HeatmapTable
            title={`${title} (table)`}
            rows={chart.rows}
            columns={data.columns}
            bucketMinutes={data.window.bucketMinutes}
            cells={chart.cells}
          />
          {footer}
        </div>
      )}
    </Card>
  );
}

export function TenantHeatmaps({
  tenantId,
  slug,
  params,
}: {
  tenantId: string;
  slug: string;
  params: TInsightParams;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.insights.tenantHeatmap.queryOptions({ tenantId, ...toWindowInput(params) }));
  return (
    <QueryState
      query={query}
      what="heatmaps"
      errorTitle="Could not load the heatmaps"
      placeholder={
        <div className="flex flex-col gap-4">
          <Skeleton className="h-48 w-full" />
          <Skeleton className="h-48 w-full" />
        </div>
      }
      isEmpty={(d) => d.bySender.length === 0}
      empty={{
        title: "No sender numbers yet",
        description:
          "Heatmaps show where failures cluster across a tenant's numbers; this tenant has none registered.",
        headingLevel: 2,
      }}
    >
      {(data) => {
        const metric: THeatMetric = params.metric;
        const fromMs = data.window.from.getTime();
        const bucketMs = data.window.bucketMinutes * MINUTE;
        const senderRow = new Map(data.bySender.map((row, i) => [row.key, i]));
        const markers: THeatmapMarker[] = data.markers.flatMap((m) => {
          const row = senderRow.get(m.senderNumberId);
          return row === undefined
            ? []
            : [
                {
                  key: `${m.eventId}-${m.kind}`,
                  row,
                  position: (m.at.getTime() - fromMs) / bucketMs,
                  direction: m.direction,
                  label: `${m.displayNumber ?? ""}: ${m.summary}`,
                },
              ];
        });
        const totalFailures = data.bySender.reduce((sum, row) => sum + row.failures, 0);
        const windowText = `${data.window.label.toLowerCase()}, ${data.window.bucketMinutes >= 1440 ? "one column per day" : `one column per ${data.window.bucketMinutes >= 60 ? `${data.window.bucketMinutes / 60} hours` : `${data.window.bucketMinutes} minutes`}`}`;
        return (
          <div className="flex flex-col gap-6">
            <p className="text-sm text-zinc-600">
              {totalFailures.toLocaleString("en")} failed of{" "}
              {data.bySender.reduce((sum, row) => sum + row.messages, 0).toLocaleString("en")} messages sent
              in the {windowText}. Messages count in the period they were sent. As of{" "}
              <TimeStamp value={data.generatedAt} format="short" />.
            </p>
            <HeatmapCard
              title="Failures by sender number"
              description={`Each row a number, each column a period (${windowText}); diamonds mark Meta's quality and limit changes.`}
              dimension="sender"
              rows={data.bySender}
              data={data}
              slug={slug}
              metric={metric}
              markers={markers}
              empty="No sender numbers."
              footer={
                data.markers.length > 0 ? (
                  <div>
                    <h3 className="text-xs font-medium text-zinc-600">
                      Quality and limit changes in this window
                    </h3>
                    <ul
                      aria-label="Quality and limit changes in this window"
                      className="mt-1 flex flex-col gap-0.5 text-sm"
                    >
                      {data.markers.map((m) => (
                        <li key={`${m.eventId}-${m.kind}`} className="flex flex-wrap gap-2">
                          <TimeStamp value={m.at} format="short" className="text-zinc-500 tabular-nums" />
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
                  </div>
                ) : null
              }
            />
            <HeatmapCard
              title="Failures by error code"
              description="Each row an error code (most failures first), with what it means; a cell's share is of everything sent in that period."
              dimension="code"
              rows={data.byErrorCode}
              data={data}
              slug={slug}
              metric={metric}
              empty="No failures in this window."
            />
            <HeatmapCard
              title="Failures by template"
              description={`The templates with the most failures${data.byTemplate.omitted > 0 ? ` (${data.byTemplate.omitted} more not shown)` : ""}.`}
              dimension="template"
              rows={data.byTemplate.rows}
              data={data}
              slug={slug}
              metric={metric}
              empty="No template messages in this window."
            />
          </div>
        );
      }}
    </QueryState>
  );
}
