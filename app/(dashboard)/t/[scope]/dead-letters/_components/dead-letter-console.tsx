"use client";
// The dead-letter page: filters (in the URL), then either the grouped issues (a tenant page's
// default) or the per-message list with selection for engineers (this page, or everything
// matching the filter); the dry run of a bulk retry or discard, single actions per row, and the
// recent bulk operations. Read-only roles see the same views without controls.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Select } from "@/components/ui/select";
import {
  ErrorCodeField,
  FilterActions,
  ScopeField,
  SenderNumberField,
  TemplateField,
  useTenantSenderOptions,
} from "@/app/(dashboard)/_components/filter-fields";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { useTRPC } from "@/trpc/client";
import { BulkOperations } from "./bulk-operations";
import {
  AGE_OPTIONS,
  deadLetterFiltersToQueryString,
  EMPTY_DEAD_LETTER_FILTERS,
  hasDeadLetterFilters,
  readDeadLetterFilters,
  toDeadLetterFilterInput,
  toDeadLetterListInput,
  type TDeadLetterFilterValues,
  type TDeadLetterView,
} from "./dead-letter-filters";
import { DeadLetterGroups } from "./dead-letter-groups";
import { DeadLetterTable, type TSelection } from "./dead-letter-table";
import { DryRunDialog, type TDryRunRequest } from "./dry-run-dialog";
import type { TDeadLetterScope } from "./dead-letter-filters";
import {
  REASON_CLASS_LABELS,
  REASON_CLASS_OPTIONS,
  STATUS_LABELS,
  STATUS_OPTIONS,
} from "@/components/dead-letters/labels";

function useDeadLetters(scope: TDeadLetterScope, filters: TDeadLetterFilterValues, isEnabled: boolean) {
  const trpc = useTRPC();
  const input = toDeadLetterListInput(filters);
  const options = {
    getNextPageParam: (last: { nextCursor: { deadLetteredAt: Date; messageId: string } | null }) =>
      last.nextCursor,
    // follow retries closely until the provider acknowledges them; otherwise the list an operator
    // keeps open still picks up new dead letters and other people's actions
    refetchInterval: (query: { state: { data?: { pages: { items: { status: string }[] }[] } } }) =>
      query.state.data?.pages.some((p) => p.items.some((i) => i.status === "retry_pending")) ? 4_000 : 30_000,
  } as const;
  return useInfiniteQuery({
    ...trpc.deadLetters.list.infiniteQueryOptions({ ...scopeInput(scope), ...input }, options),
    enabled: isEnabled,
  });
}

/** Grouped / All messages, as links: the view is part of the URL, so it survives reloads and shares. */
function ViewSwitch({
  scope,
  filters,
  view,
}: {
  scope: TDeadLetterScope;
  filters: TDeadLetterFilterValues;
  view: TDeadLetterView;
}) {
  const base = `/t/${encodeURIComponent(scope.slug)}/dead-letters`;
  const item = (target: TDeadLetterView, label: string) => (
    <Link
      href={`${base}${deadLetterFiltersToQueryString(target === "grouped" ? { ...filters, status: "open" } : filters, target === "messages" ? "messages" : null)}`}
      aria-current={view === target ? "page" : undefined}
      className={
        view === target
          ? "inline-flex min-h-9 items-center rounded-md bg-white px-3 text-sm font-medium text-zinc-900 shadow-xs"
          : "inline-flex min-h-9 items-center rounded-md px-3 text-sm font-medium text-zinc-700 hover:text-zinc-900"
      }
    >
      {label}
    </Link>
  );
  if (scope.kind === "all") {
    return (
      <p className="text-xs text-zinc-600">
        Grouping into issues works one tenant at a time: choose a tenant above to see its dead letters
        grouped.
      </p>
    );
  }
  return (
    <nav aria-label="Dead-letter view" className="inline-flex w-fit gap-1 rounded-lg bg-zinc-100 p-1">
      {item("grouped", "Grouped")}
      {item("messages", "All messages")}
    </nav>
  );
}

/**
 * Whether retries leave out what the dry run says will most likely fail again: on unless the URL
 * says likely=include, in the grouped view and the per-message list alike, so a shared link keeps
 * it. The dry run starts from it and can still change it for one run.
 */
function LeaveOutToggle({
  isLeavingOut,
  isPending,
  onChange,
}: {
  isLeavingOut: boolean;
  isPending: boolean;
  onChange: (isLeavingOut: boolean) => void;
}) {
  // ticks at once; the URL catches up with the navigation (the parent remounts this on arrival)
  const [isChecked, setIsChecked] = useState(isLeavingOut);
  return (
    <label className="flex min-h-6 items-center gap-2 text-sm text-zinc-700">
      <input
        type="checkbox"
        className="size-4 rounded border-zinc-300"
        checked={isChecked}
        disabled={isPending}
        onChange={(event) => {
          setIsChecked(event.currentTarget.checked);
          onChange(event.currentTarget.checked);
        }}
      />
      Leave out those that will most likely fail again
    </label>
  );
}

function FilterForm({
  scope,
  filters,
  view,
  isPending,
  onApply,
}: {
  scope: TDeadLetterScope;
  filters: TDeadLetterFilterValues;
  view: TDeadLetterView;
  isPending: boolean;
  onApply: (next: TDeadLetterFilterValues, scopeSlug?: string) => void;
}) {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const senders = useTenantSenderOptions(scope.kind === "tenant" ? scope.tenantId : null);
  return (
    <form
      key={deadLetterFiltersToQueryString(filters, view)}
      aria-label="Filter dead letters"
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const next = readDeadLetterFilters({
          // the grouped view has no status field: its issues are the open dead letters
          status: view === "grouped" ? "open" : formText(form, "status"),
          sender: formText(form, "sender"),
          error: formText(form, "error"),
          reason: formText(form, "reason"),
          template: formText(form, "template"),
          age: formText(form, "age"),
          // not a filter of the list: the toggle beside the views keeps it
          likely: filters.likely,
        });
        const tenant = formText(form, "tenant");
        onApply(next, tenant && tenant !== scope.slug ? tenant : undefined);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {me.data?.isCrossTenant ? (
          <ScopeField label="Tenant" defaultValue={scope.slug} tenants={me.data.tenants} />
        ) : null}
        {view === "messages" ? (
          <Field label="Status">
            {(control) => (
              <Select {...control} name="status" defaultValue={filters.status}>
                {STATUS_OPTIONS.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s].label}
                  </option>
                ))}
                <option value="all">Any status</option>
              </Select>
            )}
          </Field>
        ) : null}
        <Field label="Reason">
          {(control) => (
            <Select {...control} name="reason" defaultValue={filters.reason}>
              <option value="">Any reason</option>
              {REASON_CLASS_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {REASON_CLASS_LABELS[r]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <ErrorCodeField defaultValue={filters.error} hint="e.g. 131026." />
        {scope.kind === "tenant" ? (
          <SenderNumberField defaultValue={filters.sender} senders={senders} />
        ) : null}
        <TemplateField defaultValue={filters.template} />
        <Field label="Age" hint="Since it was dead-lettered.">
          {(control) => (
            <Select {...control} name="age" defaultValue={filters.age}>
              <option value="">Any age</option>
              {(Object.keys(AGE_OPTIONS) as (keyof typeof AGE_OPTIONS)[]).map((a) => (
                <option key={a} value={a}>
                  {AGE_OPTIONS[a]}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <FilterActions
        isPending={isPending}
        canClear={hasDeadLetterFilters(filters)}
        onClear={() => onApply({ ...EMPTY_DEAD_LETTER_FILTERS, likely: filters.likely })}
      />
    </form>
  );
}

export function DeadLetterConsole({
  scope,
  filters,
  view,
}: {
  scope: TDeadLetterScope;
  filters: TDeadLetterFilterValues;
  view: TDeadLetterView;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const me = useQuery(trpc.me.get.queryOptions());
  const canAct = me.data?.permissions.includes("operations.act") ?? false;
  const canReadOperations = me.data?.permissions.includes("operations.read") ?? false;
  const query = useDeadLetters(scope, filters, view === "messages");
  const [selection, setSelection] = useState<TSelection>({ kind: "ids", keys: new Map() });
  const [dryRun, setDryRun] = useState<TDryRunRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const apply = (next: TDeadLetterFilterValues, scopeSlug?: string) => {
    setSelection({ kind: "ids", keys: new Map() });
    startTransition(() => {
      const path = scopeSlug ? `/t/${encodeURIComponent(scopeSlug)}/dead-letters` : pathname;
      // sender ids belong to one tenant: a new scope starts without one
      router.push(
        `${path}${deadLetterFiltersToQueryString(scopeSlug ? { ...next, sender: "" } : next, view === "messages" ? "messages" : null)}`,
      );
    });
  };

  const selectedCount = selection.kind === "filter" ? null : selection.keys.size;
  const hasSelection = selection.kind === "filter" || selection.keys.size > 0;
  const openDryRun = (kind: "retry" | "discard") =>
    setDryRun({
      kind,
      tenantId: scope.kind === "tenant" ? scope.tenantId : undefined,
      selection:
        selection.kind === "filter"
          ? { kind: "filter", filters: toDeadLetterFilterInput(filters) }
          : { kind: "ids", items: [...selection.keys.values()] },
    });

  return (
    <div className="flex flex-col gap-4">
      <FilterForm scope={scope} filters={filters} view={view} isPending={isPending} onApply={apply} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <ViewSwitch scope={scope} filters={filters} view={view} />
        {canAct ? (
          <LeaveOutToggle
            key={filters.likely}
            isLeavingOut={filters.likely === "leave_out"}
            isPending={isPending}
            onChange={(isLeavingOut) => apply({ ...filters, likely: isLeavingOut ? "leave_out" : "include" })}
          />
        ) : null}
      </div>
      <div role="status" aria-live="polite">
        {notice ? (
          <Alert tone="ok" className="flex items-start justify-between gap-3">
            <span>{notice}</span>
            <Button variant="ghost" size="sm" onClick={() => setNotice(null)}>
              Dismiss
            </Button>
          </Alert>
        ) : null}
      </div>
      {view === "grouped" && scope.kind === "tenant" ? (
        <Card
          title="Dead-letter issues"
          description="Open dead letters grouped by error code, sender number and template, most recent first. A retry that fails again comes back here."
          bodyClassName="p-0"
        >
          <DeadLetterGroups
            tenantId={scope.tenantId}
            slug={scope.slug}
            filters={filters}
            canAct={canAct}
            canReadOperations={canReadOperations}
            onDryRun={setDryRun}
          />
        </Card>
      ) : (
        <Card
          title="Dead letters"
          description="Newest first. The age counts from when the pipeline gave up. Open a message for its whole timeline."
          bodyClassName="p-0"
          actions={
            canAct ? (
              <div role="toolbar" aria-label="Bulk actions" className="flex flex-wrap items-center gap-2">
                <span className="text-xs text-zinc-600" aria-live="polite">
                  {selection.kind === "filter"
                    ? "Everything matching the filter is selected"
                    : `${selectedCount} selected`}
                </span>
                <Button size="sm" disabled={!hasSelection} onClick={() => openDryRun("retry")}>
                  Dry run retry
                </Button>
                <Button
                  size="sm"
                  variant="secondary"
                  disabled={!hasSelection}
                  onClick={() => openDryRun("discard")}
                >
                  Dry run discard
                </Button>
              </div>
            ) : null
          }
        >
          <DeadLetterTable
            scope={scope}
            filters={filters}
            query={query}
            canAct={canAct}
            selection={selection}
            onSelectionChange={setSelection}
            onNotice={setNotice}
          />
        </Card>
      )}
      {canReadOperations ? (
        <BulkOperations
          tenantId={scope.kind === "tenant" ? scope.tenantId : undefined}
          onNotice={setNotice}
        />
      ) : null}
      {dryRun ? (
        <DryRunDialog
          request={dryRun}
          isLeavingOutByDefault={filters.likely === "leave_out"}
          onClose={() => setDryRun(null)}
          onDone={(summary) => {
            setNotice(summary);
            setSelection({ kind: "ids", keys: new Map() });
          }}
        />
      ) : null}
    </div>
  );
}
