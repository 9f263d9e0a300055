"use client";
// Provider errors per tenant over the last hour: synchronous rejections and failure statuses by
// Meta error code, against the messages requested in the same hour (the simulator is the provider
// in demo and e2e runs).
import type { UseQueryResult } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { QueryState } from "@/components/query/query-state";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { TRouterOutputs } from "@/trpc/router-types";

type TProviderErrors = TRouterOutputs["operations"]["providerErrors"];

function share(errors: number, requested: number): string {
  if (requested === 0) return errors > 0 ? "—" : "0%";
  return `${((errors / requested) * 100).toFixed(errors * 1000 < requested ? 2 : 1)}%`;
}

export function ProviderErrorsCard({ query }: { query: UseQueryResult<TProviderErrors, unknown> }) {
  const body = (
    <QueryState
      query={query}
      what="provider errors"
      errorTitle="Could not read provider errors"
      rows={3}
      className="p-4"
      isEmpty={(d) => d.tenants.length === 0}
      empty={{
        note: (
          <>
            No messages requested and no provider errors in the last hour
            {query.data && query.data.quietTenants > 0 ? ` (${query.data.quietTenants} tenants quiet)` : ""}.
          </>
        ),
      }}
    >
      {(data) => (
        <>
          <Table label="Provider errors per tenant, last hour">
            <THead>
              <tr>
                <TH>Tenant</TH>
                <TH className="text-right">Requested</TH>
                <TH className="text-right">Rejected</TH>
                <TH className="text-right">Failed</TH>
                <TH className="text-right">Error rate</TH>
                <TH>By error code</TH>
              </tr>
            </THead>
            <TBody>
              {data.tenants.map((t) => {
                const errors = t.rejected + t.failed;
                return (
                  <TR key={t.tenantId} className="align-top">
                    <TD>{t.tenantName}</TD>
                    <TD className="text-right tabular-nums">{t.requested.toLocaleString("en")}</TD>
                    <TD className="text-right tabular-nums">{t.rejected.toLocaleString("en")}</TD>
                    <TD className="text-right tabular-nums">{t.failed.toLocaleString("en")}</TD>
                    <TD className="text-right tabular-nums">
                      <span title="rejections and failure statuses per message requested in the same hour">
                        {share(errors, t.requested)}
                      </span>
                    </TD>
                    <TD>
                      {t.codes.length === 0 ? (
                        <span className="text-xs text-zinc-500">none</span>
                      ) : (
                        <span className="flex flex-wrap gap-1">
                          {t.codes.map((c) => (
                            <Badge
                              key={`${c.type}-${c.errorCode}`}
                              tone={c.type === "provider_rejected" ? "warn" : "bad"}
                              title={`last at ${c.lastAt.toISOString()}`}
                            >
                              {c.errorCode} {c.type === "provider_rejected" ? "rejected" : "failed"} ×
                              {c.count}
                            </Badge>
                          ))}
                        </span>
                      )}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          {data.quietTenants > 0 ? (
            <p className="border-t border-zinc-200 px-4 py-2 text-xs text-zinc-500">
              {data.quietTenants} more {data.quietTenants === 1 ? "tenant" : "tenants"} requested nothing and
              had no provider error in the hour.
            </p>
          ) : null}
        </>
      )}
    </QueryState>
  );
  return (
    <Card
      id="provider-errors"
      title="Provider errors"
      description="Last hour, per tenant: the provider's synchronous rejections and failure statuses by error code, per message requested. In demo and e2e runs the provider is the simulator."
      bodyClassName="p-0"
    >
      {body}
    </Card>
  );
}
