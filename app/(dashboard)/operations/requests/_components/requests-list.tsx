"use client";
// The stored webhook requests, newest first, refreshed every 30 s: a filter form (status, tenant;
// a plain GET form, so the URL carries the filter), then one row per request with its status,
// what processing made of it and its re-deliveries, linking to the request itself.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { QueryState } from "@/components/query/query-state";
import type { TRouterInputs } from "@/trpc/router-types";
import { useTRPC } from "@/trpc/client";
import { processingResultText } from "../../_lib/processing-result";
import {
  INBOX_STATUSES,
  REQUESTS_POLL_MS,
  requestCursor,
  STATUS_LABELS,
  type TInboxStatus,
  type TRequestFilters,
} from "./request-inputs";

export const STATUS_TONES: Record<TInboxStatus, TBadgeTone> = {
  pending: "neutral",
  processed: "ok",
  quarantined: "warn",
  failed: "bad",
};

type TTenant = { id: string; slug: string; name: string };

export function RequestsList({
  input,
  filters,
  tenants,
}: {
  input: Omit<TRouterInputs["ingest"]["listRequests"], "cursor">;
  filters: TRequestFilters;
  tenants: TTenant[];
}) {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.ingest.listRequests.infiniteQueryOptions(input, {
      getNextPageParam: requestCursor,
      refetchInterval: REQUESTS_POLL_MS,
    }),
  );
  const tenantName = new Map(tenants.map((t) => [t.id, t.name]));
  const pages = query.data ? { rows: query.data.pages.flatMap((p) => p.items) } : undefined;
  return (
    <div className="flex flex-col gap-4">
      <form
        method="get"
        aria-label="Filter webhook requests"
        className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:flex-row sm:items-end"
      >
        <Field label="Status" className="sm:w-48">
          {(control) => (
            <Select {...control} name="status" defaultValue={filters.status ?? ""}>
              <option value="">Any status</option>
              {INBOX_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Tenant" className="sm:w-56">
          {(control) => (
            <Select {...control} name="tenant" defaultValue={filters.tenant ?? ""}>
              <option value="">Any tenant</option>
              {tenants.map((t) => (
                <option key={t.id} value={t.slug}>
                  {t.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
      </form>
      <Card
        title="Stored requests, newest first"
        description={`Refreshes every ${REQUESTS_POLL_MS / 1000} s. A request Meta posted again is stored once and counted.`}
        bodyClassName={pages && pages.rows.length > 0 ? "p-0" : undefined}
      >
        <QueryState
          query={{ ...query, data: pages }}
          what="webhook requests"
          isEmpty={(d) => d.rows.length === 0}
          empty={{
            title: "No requests match",
            description:
              filters.status || filters.tenant
                ? "No stored request has this status or tenant. Clear the filters to see every request."
                : "Meta has not posted anything yet, or retention has pruned it.",
          }}
        >
          {({ rows }) => (
            <>
              <Table label="Webhook requests">
                <THead>
                  <tr>
                    <TH>Received</TH>
                    <TH>Status</TH>
                    <TH>Request</TH>
                    <TH>Tenants</TH>
                    <TH>What processing made of it</TH>
                  </tr>
                </THead>
                <TBody>
                  {rows.map((r) => (
                    <TR key={r.id} className="align-top">
                      <TD className="whitespace-nowrap text-zinc-600">
                        <TimeStamp value={r.receivedAt} format="full" />
                      </TD>
                      <TD>
                        <Badge tone={STATUS_TONES[r.status]}>{STATUS_LABELS[r.status]}</Badge>
                      </TD>
                      <TD className="min-w-48">
                        <Link
                          href={`/operations/requests/${r.id}`}
                          className="font-mono text-xs break-all text-accent-700 underline underline-offset-2"
                        >
                          {r.id}
                        </Link>
                        <span className="block text-xs text-zinc-500">
                          {r.bodyBytes.toLocaleString("en")} bytes
                          {r.duplicateCount > 0 ? ` · posted again ${r.duplicateCount}×` : ""}
                          {r.bodyPrunedAt ? " · body pruned" : ""}
                        </span>
                      </TD>
                      <TD className="text-xs text-zinc-700">
                        {r.tenantIds.length === 0
                          ? "—"
                          : r.tenantIds.map((id) => tenantName.get(id) ?? id).join(", ")}
                      </TD>
                      <TD className="min-w-48 text-xs text-zinc-700">
                        {processingResultText(r.result)}
                        {r.processCount > 1 ? (
                          <span className="block text-zinc-500">processed {r.processCount}×</span>
                        ) : null}
                        {r.lastError ? <span className="block text-bad-700">{r.lastError}</span> : null}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
              <LoadMoreFooter
                query={query}
                endText={`${rows.length.toLocaleString("en")} requests · end of the list`}
                fetchErrorText="Could not load more requests."
              />
            </>
          )}
        </QueryState>
      </Card>
    </div>
  );
}
