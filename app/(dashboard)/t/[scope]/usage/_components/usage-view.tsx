"use client";
// The usage chart, totals by category and pricing type, the table by day and number, and the CSV
// export of exactly what is shown (built in the browser from the same rows).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { UsageChart } from "@/components/charts/usage-chart";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { enumLabel } from "@/app/(dashboard)/_lib/labels";
import { usageChart, usageCsv, usageTotals } from "@/components/charts/prepare/usage";
import { useTRPC } from "@/trpc/client";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { QueryState } from "@/components/query/query-state";

type TScope = { kind: "tenant"; tenantId: string; slug: string } | { kind: "all" };

export function UsageView({ scope, days }: { scope: TScope; days: number }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.usage.get.queryOptions({ ...scopeInput(scope), days }));
  const base = scope.kind === "tenant" ? `/t/${scope.slug}/usage` : "/t/all/usage";
  const periods = (
    <nav aria-label="Period" className="flex gap-2 text-sm">
      {[7, 30, 90].map((d) => (
        <Link
          key={d}
          href={`${base}?days=${d}`}
          aria-current={d === days ? "page" : undefined}
          className={d === days ? "font-semibold text-zinc-900 underline" : "text-zinc-600 hover:underline"}
        >
          Last {d} days
        </Link>
      ))}
    </nav>
  );
  return (
    <QueryState query={query} what="usage">
      {(data) => {
        const { rows, range } = data;
        const chart = usageChart(rows, range);
        const download = () => {
          const blob = new Blob([usageCsv(rows)], { type: "text/csv;charset=utf-8" });
          const url = URL.createObjectURL(blob);
          const a = document.createElement("a");
          a.href = url;
          a.download = `usage-${range.from}-${range.to}.csv`;
          a.click();
          URL.revokeObjectURL(url);
        };
        return (
          <div className="flex flex-col gap-6">
            <div className="flex flex-wrap items-center justify-between gap-3">
              {periods}
              <Button size="sm" variant="secondary" onClick={download} disabled={rows.length === 0}>
                Export CSV
              </Button>
            </div>
            {rows.length === 0 ? (
              <EmptyState
                title="No priced messages in this period"
                description={`${range.from} to ${range.to} (UTC)`}
              />
            ) : (
              <>
                <Card title={`${range.from} to ${range.to} (UTC)`}>
                  <UsageChart points={chart.points} categories={chart.categories} seriesName={enumLabel} />
                </Card>
                <Card title="Totals">
                  <Table label="Usage totals by category and pricing type">
                    <THead>
                      <TR>
                        <TH>Category</TH>
                        <TH>Pricing type</TH>
                        <TH>Billable</TH>
                        <TH className="text-right">Messages</TH>
                      </TR>
                    </THead>
                    <TBody>
                      {usageTotals(rows).map((t) => (
                        <TR key={`${t.category}|${t.pricingType}|${t.billable}`}>
                          <TD>{enumLabel(t.category)}</TD>
                          <TD>{enumLabel(t.pricingType)}</TD>
                          <TD>{t.billable ? "yes" : "free"}</TD>
                          <TD className="text-right tabular-nums">{t.messages}</TD>
                        </TR>
                      ))}
                    </TBody>
                  </Table>
                </Card>
                <Card title="By day and sender number">
                  <Table label="Usage by day, tenant, sender number, category and pricing type">
                    <THead>
                      <TR>
                        <TH>Day</TH>
                        {scope.kind === "all" ? <TH>Tenant</TH> : null}
                        <TH>Sender</TH>
                        <TH>Category</TH>
                        <TH>Pricing type</TH>
                        <TH className="text-right">Messages</TH>
                      </TR>
                    </THead>
                    <TBody>
                      {rows.map((r) => (
                        <TR
                          key={`${r.tenantId}|${r.day}|${r.senderNumberId}|${r.category}|${r.pricingType}|${r.billable}`}
                        >
                          <TD>{r.day}</TD>
                          {scope.kind === "all" ? <TD>{r.tenantSlug}</TD> : null}
                          <TD>{r.displayNumber ?? r.senderNumberId}</TD>
                          <TD>{enumLabel(r.category)}</TD>
                          <TD>{enumLabel(r.pricingType)}</TD>
                          <TD className="text-right tabular-nums">{r.messages}</TD>
                        </TR>
                      ))}
                    </TBody>
                  </Table>
                </Card>
              </>
            )}
          </div>
        );
      }}
    </QueryState>
  );
}
