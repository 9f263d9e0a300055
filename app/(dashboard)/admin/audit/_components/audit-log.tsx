"use client";
// The audit trail: filters (tenant, action) kept in the URL so a view can be shared, a table of
// events, and "Load more" pages through the cursor.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { errorMessageOf } from "@/app/(dashboard)/_lib/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { formText } from "@/components/ui/form-text";

const PAGE_SIZE = 50;

function AuditFilters({ tenantId, action }: { tenantId: string | null; action: string }) {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  // what the trail really holds; the field also accepts any other exact action name
  const actions = useQuery(trpc.admin.listAuditActions.queryOptions());
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();

  function apply(next: { tenant: string; action: string }) {
    const query = new URLSearchParams();
    if (next.tenant) query.set("tenant", next.tenant);
    if (next.action.trim()) query.set("action", next.action.trim());
    const qs = query.toString();
    startTransition(() => router.replace(qs ? `${pathname}?${qs}` : pathname));
  }

  return (
    <form
      aria-label="Filter audit events"
      className="flex flex-col gap-3 sm:flex-row sm:items-end"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        apply({ tenant: formText(form, "tenant"), action: formText(form, "action") });
      }}
    >
      <Field label="Filter by tenant" className="sm:w-64">
        {(control) => (
          <Select {...control} name="tenant" defaultValue={tenantId ?? ""}>
            <option value="">All tenants</option>
            {(tenants.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Filter by action" className="sm:w-64">
        {(control) => (
          <>
            <Input
              {...control}
              name="action"
              list="audit-actions"
              defaultValue={action}
              placeholder="e.g. api_key.revoked"
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
            />
            <datalist id="audit-actions">
              {(actions.data ?? []).map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <div className="flex gap-2">
        <Button type="submit" variant="secondary" isPending={isPending} pendingLabel="Applying…">
          Apply filters
        </Button>
        {tenantId || action ? (
          <Button variant="ghost" onClick={() => apply({ tenant: "", action: "" })} disabled={isPending}>
            Clear filters
          </Button>
        ) : null}
      </div>
    </form>
  );
}

export function AuditLog({ tenantId, action }: { tenantId: string | null; action: string }) {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  const tenantNames = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const events = useInfiniteQuery(
    trpc.admin.listAuditEvents.infiniteQueryOptions(
      { tenantId: tenantId ?? undefined, action: action || undefined, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = Boolean(tenantId || action);

  let body;
  if (events.isPending) {
    body = (
      <div className="p-4">
        <SkeletonRows rows={8} label="Loading audit events" />
      </div>
    );
  } else if (events.isError && rows.length === 0) {
    body = (
      <div className="p-4">
        <ErrorState
          title="Could not load audit events"
          message={errorMessageOf(events.error)}
          onRetry={() => void events.refetch()}
          isRetrying={events.isRefetching}
        />
      </div>
    );
  } else if (rows.length === 0) {
    body = (
      <div className="p-4">
        <EmptyState
          title={isFiltered ? "No events match these filters" : "No audit events yet"}
          description={
            isFiltered
              ? "Action names match exactly (for example api_key.revoked). Clear the filters to see everything."
              : "Administrative actions such as creating tenants, users and API keys will appear here."
          }
        />
      </div>
    );
  } else {
    body = (
      <>
        <Table label="Audit events">
          <THead>
            <tr>
              <TH>Time</TH>
              <TH>Action</TH>
              <TH>Actor</TH>
              <TH>Tenant</TH>
              <TH>Target</TH>
              <TH>Reason</TH>
              <TH>Details</TH>
            </tr>
          </THead>
          <TBody>
            {rows.map((e) => {
              const details =
                e.data && typeof e.data === "object" && Object.keys(e.data).length > 0 ? e.data : null;
              return (
                <TR key={e.id.toString()} className="align-top">
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp value={e.createdAt} />
                  </TD>
                  <TD className="font-mono text-xs whitespace-nowrap">{e.action}</TD>
                  <TD className="whitespace-nowrap">
                    {actorText(e.actorLabel)}
                    {e.ip ? <span className="block text-xs text-zinc-500">{e.ip}</span> : null}
                  </TD>
                  <TD className="text-zinc-600">
                    {e.tenantId ? (
                      (tenantNames.get(e.tenantId) ?? (
                        <span className="font-mono text-xs">{e.tenantId.slice(0, 8)}</span>
                      ))
                    ) : (
                      <span className="text-zinc-400">Platform</span>
                    )}
                  </TD>
                  <TD className="text-xs text-zinc-600">
                    {e.targetType ? (
                      <>
                        {e.targetType}
                        {e.targetId ? (
                          // ids are long; the first 8 characters tell rows apart, the title has the rest
                          <span
                            className="block font-mono whitespace-nowrap text-zinc-500"
                            title={e.targetId}
                          >
                            {e.targetId.length > 13 ? `${e.targetId.slice(0, 8)}…` : e.targetId}
                          </span>
                        ) : null}
                      </>
                    ) : (
                      "—"
                    )}
                  </TD>
                  <TD className="min-w-40 text-zinc-700">
                    {e.reason ?? <span className="text-zinc-400">—</span>}
                  </TD>
                  <TD className="text-xs">
                    {details ? (
                      <details>
                        <summary className="cursor-pointer text-accent-700">View</summary>
                        <pre className="mt-1 max-w-80 overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-[11px] whitespace-pre-wrap text-zinc-700">
                          {JSON.stringify(details, null, 2)}
                        </pre>
                      </details>
                    ) : (
                      <span className="text-zinc-400">—</span>
                    )}
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
        <div className="flex flex-col items-center gap-2 border-t border-zinc-200 px-4 py-3">
          {events.isFetchNextPageError ? (
            <p role="alert" className="text-sm text-bad-700">
              Could not load more events. {errorMessageOf(events.error)}
            </p>
          ) : null}
          {events.hasNextPage ? (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => void events.fetchNextPage()}
              isPending={events.isFetchingNextPage}
              pendingLabel="Loading…"
            >
              Load more
            </Button>
          ) : (
            <p className="text-xs text-zinc-500">
              {rows.length} {rows.length === 1 ? "event" : "events"} · end of the audit trail
            </p>
          )}
        </div>
      </>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <AuditFilters tenantId={tenantId} action={action} />
      <Card title="Events" description="Newest first." bodyClassName="p-0">
        {body}
      </Card>
    </div>
  );
}
