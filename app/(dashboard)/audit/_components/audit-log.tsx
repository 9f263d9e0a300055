"use client";
// The audit trail: filters (tenant, action, actor) kept in the URL so a view can be shared, a CSV
// export of the same filter, a table of events, and "Load more" pages through the cursor.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { shortId } from "@/components/ui/short-id";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { QueryState } from "@/components/query/query-state";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { useTRPC } from "@/trpc/client";
import { AUDIT_PAGE_SIZE, auditQueryString, toAuditInput, type TAuditFilters } from "../_lib/audit-filters";

function AuditFilters({ filters }: { filters: TAuditFilters }) {
  const { tenantId, action, actor } = filters;
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  // what the trail really holds; the field also accepts any other exact action name
  const actions = useQuery(trpc.admin.listAuditActions.queryOptions());
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();

  function apply(next: TAuditFilters) {
    const qs = auditQueryString({ ...next, action: next.action.trim(), actor: next.actor.trim() });
    startTransition(() => router.replace(qs ? `${pathname}?${qs}` : pathname));
  }

  return (
    <form
      aria-label="Filter audit events"
      className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        apply({
          tenantId: formText(form, "tenant") || null,
          action: formText(form, "action"),
          actor: formText(form, "actor"),
        });
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
      <Field label="Filter by actor" hint="Part of an email, or cli:, system" className="sm:w-64">
        {(control) => (
          <Input
            {...control}
            name="actor"
            type="search"
            defaultValue={actor}
            placeholder="e.g. eve@waybill.local"
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <div className="flex gap-2">
        <Button type="submit" variant="secondary" isPending={isPending} pendingLabel="Applying…">
          Apply filters
        </Button>
        {tenantId || action || actor ? (
          <Button
            variant="ghost"
            onClick={() => apply({ tenantId: null, action: "", actor: "" })}
            disabled={isPending}
          >
            Clear filters
          </Button>
        ) : null}
      </div>
    </form>
  );
}

export function AuditLog({ filters }: { filters: TAuditFilters }) {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  const tenantNames = new Map((tenants.data ?? []).map((t) => [t.id, t.name]));
  const events = useInfiniteQuery(
    trpc.admin.listAuditEvents.infiniteQueryOptions(
      { ...toAuditInput(filters), limit: AUDIT_PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const loaded = events.data ? { rows: events.data.pages.flatMap((page) => page.items) } : undefined;
  const isFiltered = Boolean(filters.tenantId || filters.action || filters.actor);
  const qs = auditQueryString(filters);

  const body = (
    <QueryState
      query={{ ...events, data: loaded }}
      what="audit events"
      rows={8}
      isEmpty={(d) => d.rows.length === 0}
      empty={{
        title: isFiltered ? "No events match these filters" : "No audit events yet",
        description: isFiltered
          ? "Action names match exactly (for example api_key.revoked); the actor matches any part of its label. Clear the filters to see everything."
          : "Administrative and operator actions such as creating tenants, pausing numbers and retrying dead letters appear here.",
      }}
    >
      {({ rows }) => (
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
                          <span className="font-mono text-xs">{shortId(e.tenantId)}</span>
                        ))
                      ) : (
                        <span className="text-zinc-500">Platform</span>
                      )}
                    </TD>
                    <TD className="text-xs text-zinc-600">
                      {e.targetType ? (
                        <>
                          {e.targetType}
                          {e.targetId ? (
                            // ids are long; the abbreviation tells rows apart, the title has the rest
                            <span
                              className="block font-mono whitespace-nowrap text-zinc-500"
                              title={e.targetId}
                            >
                              {shortId(e.targetId)}
                            </span>
                          ) : null}
                        </>
                      ) : (
                        "—"
                      )}
                    </TD>
                    <TD className="min-w-40 text-zinc-700">
                      {e.reason ?? <span className="text-zinc-500">—</span>}
                    </TD>
                    <TD className="text-xs">
                      {details ? (
                        <details>
                          <summary className="min-h-6 cursor-pointer text-accent-700">View</summary>
                          <pre className="mt-1 max-w-80 overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-[11px] whitespace-pre-wrap text-zinc-700">
                            {JSON.stringify(details, null, 2)}
                          </pre>
                        </details>
                      ) : (
                        <span className="text-zinc-500">—</span>
                      )}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          <LoadMoreFooter
            query={events}
            endText={`${rows.length} ${rows.length === 1 ? "event" : "events"} · end of the audit trail`}
            fetchErrorText="Could not load more events."
          />
        </>
      )}
    </QueryState>
  );

  return (
    <div className="flex flex-col gap-4">
      <AuditFilters filters={filters} />
      <Card
        title="Events"
        description="Newest first."
        bodyClassName={loaded && loaded.rows.length > 0 ? "p-0" : undefined}
        actions={
          <a
            href={qs ? `/audit/export?${qs}` : "/audit/export"}
            download
            className="text-sm text-accent-700 underline underline-offset-2"
          >
            Export CSV
          </a>
        }
      >
        {body}
      </Card>
    </div>
  );
}
