"use client";
// Number health of every tenant side by side (cross-tenant roles): which tenant is failing, with
// what, and where its numbers stand; each row opens the tenant's own page for the same window.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { BarListChart } from "@/components/charts/bar-list-chart";
import { formatPercent } from "@/components/charts/prepare/format";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { useTRPC } from "@/trpc/client";
import { insightHref, toWindowInput, type TInsightParams } from "../../_components/insight-params";
import { QueryState } from "@/components/query/query-state";

export function TenantsHealth({ params }: { params: TInsightParams }) {
  const trpc = useTRPC();
  const overview = useQuery(
    trpc.insights.tenantsOverview.queryOptions({ scope: "all", ...toWindowInput(params) }),
  );
  return (
    <QueryState
      query={overview}
      what="the tenants' number health"
      isEmpty={(d) => d.tenants.length === 0}
      empty={{
        title: "No tenants yet",
        description: "Sender numbers belong to tenants; none exist yet.",
        headingLevel: 2,
      }}
    >
      {(data) => {
        const { tenants, window, generatedAt } = data;
        const withMessages = tenants.filter((t) => t.totals.messages > 0);
        return (
          <div className="flex flex-col gap-6">
            <Card
              title="Failure rate by tenant"
              description={
                <>
                  {window.label} · as of <TimeStamp value={generatedAt} format="short" />
                </>
              }
            >
              {withMessages.length === 0 ? (
                <p className="text-sm text-zinc-600">No tenant sent messages in this window.</p>
              ) : (
                <BarListChart
                  title="Share of each tenant's messages that failed"
                  valueLabel="% failed"
                  labelWidth={120}
                  items={withMessages
                    .map((t) => ({
                      key: t.tenantId,
                      label: t.name,
                      value: Math.round((t.totals.failureRate ?? 0) * 1000) / 10,
                    }))
                    .sort((a, b) => b.value - a.value)}
                />
              )}
            </Card>
            <Card
              title="Tenants"
              description="Open a tenant for its numbers, error codes and history"
              bodyClassName="p-0"
            >
              <Table label="Number health by tenant">
                <THead>
                  <tr>
                    <TH>Tenant</TH>
                    <TH className="text-right">Messages</TH>
                    <TH className="text-right">Delivered</TH>
                    <TH className="text-right">Failed</TH>
                    <TH>Commonest failure</TH>
                    <TH className="text-right">Numbers at risk</TH>
                    <TH className="text-right">Open alerts</TH>
                    <TH className="text-right">Stalled</TH>
                  </tr>
                </THead>
                <TBody>
                  {tenants.map((t) => (
                    <TR key={t.tenantId}>
                      <TD>
                        <Link
                          href={insightHref(`/t/${encodeURIComponent(t.slug)}/health`, params)}
                          className="font-medium text-accent-700 hover:underline"
                        >
                          {t.name}
                        </Link>
                      </TD>
                      <TD className="text-right tabular-nums">{t.totals.messages.toLocaleString("en")}</TD>
                      <TD className="text-right tabular-nums">{formatPercent(t.totals.deliveryRate)}</TD>
                      <TD
                        className={
                          (t.totals.failureRate ?? 0) >= 0.1
                            ? "text-right text-bad-700 tabular-nums"
                            : "text-right tabular-nums"
                        }
                      >
                        {formatPercent(t.totals.failureRate)}
                      </TD>
                      <TD className="text-sm">
                        {t.topFailure ? (
                          <span title={t.topFailure.hint ?? undefined}>
                            <span className="font-mono">{t.topFailure.code || "no code"}</span>{" "}
                            <span className="text-zinc-600">
                              {t.topFailure.title} ({t.topFailure.messages})
                            </span>
                          </span>
                        ) : (
                          <span className="text-zinc-500">—</span>
                        )}
                      </TD>
                      <TD className="text-right tabular-nums">
                        {t.sendersAtRisk} of {t.senders}
                      </TD>
                      <TD className="text-right tabular-nums">{t.openAlerts}</TD>
                      <TD className="text-right tabular-nums">{t.stalled}</TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
              <p className="border-t border-zinc-100 px-4 py-2 text-xs text-zinc-500">
                Messages sent <TimeStamp value={window.from} format="short" /> –{" "}
                <TimeStamp value={window.to} format="short" />. Numbers at risk: Medium or Low quality, or not
                connected.
              </p>
            </Card>
          </div>
        );
      }}
    </QueryState>
  );
}
