"use client";
// Provider errors per tenant over the last hour: synchronous rejections and failure statuses by
// Meta error code, against the messages requested in the same hour (the simulator is the provider
// in demo and e2e runs).
import type { UseQueryResult } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import type { TRouterOutputs } from "@/app/(dashboard)/_lib/router-types";
import { errorMessageOf } from "@/app/(dashboard)/_lib/trpc-errors";

type TProviderErrors = TRouterOutputs["operations"]["providerErrors"];

function share(errors: number, requested: number): string {
  if (requested === 0) return errors > 0 ? "—" : "0%";
  return `${((errors / requested) * 100).toFixed(errors * 1000 < requested ? 2 : 1)}%`;
}

export function ProviderErrorsCard({ query }: { query: UseQueryResult<TProviderErrors, unknown> }) {
  let body;
  if (query.isPending)
    body = (
      <div className="p-4">
        <SkeletonRows rows={3} label="Loading provider errors" />
      </div>
    );
  else if (query.isError && !query.data) {
    body = (
      <div className="p-4">
        <ErrorState
          title="Could not read provider errors"
          message={errorMessageOf(query.error)}
          onRetry={() => void query.refetch()}
          isRetrying={query.isRefetching}
        />
      </div>
    );
  } else if (query.data.tenants.length === 0) {
    body = (
      <p className="p-4 text-sm text-zinc-600">
        No messages requested and no provider errors in the last hour
        {query.data.quietTenants > 0 ? ` (${query.data.quietTenants} tenants quiet)` : ""}.
      </p>
    );
  } else {
    body = (
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
          {query.data.tenants.map((t) => {
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
                          {c.errorCode} {c.type === "provider_rejected" ? "rejected" : "failed"} ×{c.count}
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
    );
    if (query.data.quietTenants > 0) {
      body = (
        <>
          {body}
          <p className="border-t border-zinc-200 px-4 py-2 text-xs text-zinc-500">
            {query.data.quietTenants} more {query.data.quietTenants === 1 ? "tenant" : "tenants"} requested
            nothing and had no provider error in the hour.
          </p>
        </>
      );
    }
  }
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
