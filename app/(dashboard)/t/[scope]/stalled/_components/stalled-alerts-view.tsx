"use client";
// The Stalled & alerts page: unresolved alerts per tenant and number (refreshed every 30 s), the
// filters (in the URL), the alerts with their history and actions, and the stalled messages.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Select } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import type { TRouterOutputs } from "@/trpc/router-types";
import {
  FilterActions,
  SenderNumberField,
  useTenantSenderOptions,
  type TSenderOption,
} from "@/app/(dashboard)/_components/filter-fields";
import { useTRPC } from "@/trpc/client";
import { stateLabel } from "@/components/messages/state-badge";
import { AlertActionDialog, type TAlertActionTarget } from "./alert-action-dialog";
import {
  ALERT_KIND_OPTIONS,
  ALERT_STATUS_FILTERS,
  alertFiltersToQueryString,
  readAlertFilters,
  STALLED_STATE_OPTIONS,
  type TAlertFilters,
} from "./alert-filters";
import { kindLabel, STATUS_FILTER_LABELS } from "./alert-labels";
import { AlertsList, type TStalledScope } from "./alerts-list";
import { StalledList } from "./stalled-list";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { QueryState } from "@/components/query/query-state";

const COUNTS_POLL_MS = 30_000;

type TCountRow = TRouterOutputs["alerts"]["counts"][number];

function useCounts(scope: TStalledScope) {
  const trpc = useTRPC();
  const options = { refetchInterval: COUNTS_POLL_MS };
  return useQuery(trpc.alerts.counts.queryOptions(scopeInput(scope), options));
}

/** One row per tenant and number: unresolved alerts by kind and status. */
function groupCounts(rows: readonly TCountRow[]) {
  const groups = new Map<
    string,
    {
      tenantName: string;
      tenantSlug: string;
      senderNumberId: string | null;
      number: string | null;
      kinds: Map<string, number>;
      open: number;
      acknowledged: number;
      snoozed: number;
      oldest: Date;
    }
  >();
  for (const r of rows) {
    const key = `${r.tenantId}:${r.senderNumberId ?? "-"}`;
    const g = groups.get(key) ?? {
      tenantName: r.tenantName,
      tenantSlug: r.tenantSlug,
      senderNumberId: r.senderNumberId,
      number: r.senderDisplayNumber,
      kinds: new Map<string, number>(),
      open: 0,
      acknowledged: 0,
      snoozed: 0,
      oldest: r.oldestOpenedAt,
    };
    g.kinds.set(r.kind, (g.kinds.get(r.kind) ?? 0) + r.count);
    if (r.status === "open" || r.status === "acknowledged" || r.status === "snoozed") g[r.status] += r.count;
    if (r.oldestOpenedAt < g.oldest) g.oldest = r.oldestOpenedAt;
    groups.set(key, g);
  }
  return [...groups.entries()];
}

function AlertCounts({
  scope,
  filters,
  onFilter,
}: {
  scope: TStalledScope;
  filters: TAlertFilters;
  onFilter: (next: TAlertFilters) => void;
}) {
  const query = useCounts(scope);
  return (
    <QueryState
      query={query}
      what="alert counts"
      errorTitle="Could not count alerts"
      rows={3}
      className="p-4"
      isEmpty={(d) => groupCounts(d).length === 0}
      empty={{ note: `No unresolved alerts in ${scope.kind === "all" ? "any tenant" : "this tenant"}.` }}
    >
      {(data) => {
        const groups = groupCounts(data);
        return (
          <Table label="Unresolved alerts by tenant and number">
            <THead>
              <tr>
                <TH>Tenant</TH>
                <TH>Number</TH>
                <TH>Kinds</TH>
                <TH className="text-right">Open</TH>
                <TH className="text-right">Acknowledged</TH>
                <TH className="text-right">Snoozed</TH>
                <TH>Oldest</TH>
              </tr>
            </THead>
            <TBody>
              {groups.map(([key, g]) => (
                <TR key={key}>
                  <TD>
                    {scope.kind === "all" ? (
                      <Link
                        href={`/t/${encodeURIComponent(g.tenantSlug)}/stalled`}
                        className="text-accent-700 hover:underline"
                      >
                        {g.tenantName}
                      </Link>
                    ) : (
                      g.tenantName
                    )}
                  </TD>
                  <TD className="whitespace-nowrap">
                    {g.senderNumberId ? (
                      <button
                        type="button"
                        className="text-accent-700 hover:underline"
                        aria-pressed={filters.sender === g.senderNumberId}
                        onClick={() =>
                          onFilter({
                            ...filters,
                            sender: filters.sender === g.senderNumberId ? "" : g.senderNumberId!,
                          })
                        }
                      >
                        {g.number}
                        <span className="sr-only"> (filter by this number)</span>
                      </button>
                    ) : (
                      <span className="text-zinc-500">whole tenant</span>
                    )}
                  </TD>
                  <TD>
                    <span className="flex flex-wrap gap-1">
                      {[...g.kinds].map(([kind, n]) => (
                        <Badge key={kind}>
                          {kindLabel(kind)} {n}
                        </Badge>
                      ))}
                    </span>
                  </TD>
                  <TD className="text-right tabular-nums">{g.open}</TD>
                  <TD className="text-right tabular-nums">{g.acknowledged}</TD>
                  <TD className="text-right tabular-nums">{g.snoozed}</TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp value={g.oldest} format="short" />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        );
      }}
    </QueryState>
  );
}

function FiltersForm({
  filters,
  senders,
  isPending,
  onApply,
}: {
  filters: TAlertFilters;
  senders: TSenderOption[];
  isPending: boolean;
  onApply: (next: TAlertFilters) => void;
}) {
  const isFiltered = alertFiltersToQueryString(filters) !== "";
  const senderOptions =
    filters.sender && !senders.some((s) => s.id === filters.sender)
      ? [...senders, { id: filters.sender, label: "the chosen number" }]
      : senders;
  return (
    <form
      key={alertFiltersToQueryString(filters)}
      aria-label="Filter alerts and stalled messages"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] lg:items-end"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        onApply(
          readAlertFilters({
            status: formText(form, "status"),
            kind: formText(form, "kind"),
            sender: formText(form, "sender"),
            state: formText(form, "state"),
          }),
        );
      }}
    >
      <Field label="Alert status">
        {(control) => (
          <Select {...control} name="status" defaultValue={filters.status}>
            {ALERT_STATUS_FILTERS.map((s) => (
              <option key={s} value={s}>
                {STATUS_FILTER_LABELS[s]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Alert kind">
        {(control) => (
          <Select {...control} name="kind" defaultValue={filters.kind}>
            <option value="">Any kind</option>
            {ALERT_KIND_OPTIONS.map((k) => (
              <option key={k} value={k}>
                {kindLabel(k)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <SenderNumberField defaultValue={filters.sender} senders={senderOptions} anyLabel="Any number" />
      <Field label="Stalled in state">
        {(control) => (
          <Select {...control} name="state" defaultValue={filters.state}>
            <option value="">Any waiting state</option>
            {STALLED_STATE_OPTIONS.map((s) => (
              <option key={s} value={s}>
                {stateLabel(s)}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <FilterActions
        isPending={isPending}
        canClear={isFiltered}
        onClear={() => onApply({ status: "unresolved", kind: "", sender: "", state: "" })}
        clearLabel="Clear"
      />
    </form>
  );
}

export function StalledAlertsView({
  scope,
  filters,
  canAct,
}: {
  scope: TStalledScope;
  filters: TAlertFilters;
  canAct: boolean;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const [target, setTarget] = useState<TAlertActionTarget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const apply = (next: TAlertFilters) =>
    startTransition(() => router.push(`${pathname}${alertFiltersToQueryString(next)}`));
  // sender options: the tenant's numbers; across tenants, the numbers that have alerts
  const tenantSenders = useTenantSenderOptions(scope.kind === "tenant" ? scope.tenantId : null);
  const counts = useCounts(scope);
  const senders: TSenderOption[] =
    scope.kind === "tenant"
      ? tenantSenders
      : [
          ...new Map(
            (counts.data ?? [])
              .filter((c) => c.senderNumberId !== null)
              .map((c) => [
                c.senderNumberId!,
                { id: c.senderNumberId!, label: `${c.tenantName} · ${c.senderDisplayNumber}` },
              ]),
          ).values(),
        ];

  return (
    <div className="flex flex-col gap-6">
      <div role="status" aria-live="polite">
        {notice ? <Alert tone="ok">{notice}</Alert> : null}
      </div>
      {!canAct ? (
        <p className="text-sm text-zinc-600">Read only: engineers acknowledge, snooze and resolve alerts.</p>
      ) : null}
      <Card
        title="Unresolved alerts by tenant and number"
        description={`Open, acknowledged and snoozed alerts; refreshes every ${COUNTS_POLL_MS / 1000} s. Choose a number to filter.`}
        bodyClassName="p-0"
      >
        <AlertCounts scope={scope} filters={filters} onFilter={apply} />
      </Card>
      <FiltersForm filters={filters} senders={senders} isPending={isPending} onApply={apply} />
      <Card
        title="Alerts"
        description="Newest first, each with its history: who acknowledged, snoozed or resolved it, when and why. Times in your time zone; hover for UTC."
        bodyClassName="p-0"
      >
        <AlertsList scope={scope} filters={filters} canAct={canAct} onAct={setTarget} />
      </Card>
      <Card
        title="Stalled messages"
        description="Oldest first: messages waiting in one state longer than their tenant's threshold. Open one to see its timeline."
        bodyClassName="p-0"
      >
        <StalledList scope={scope} filters={filters} />
      </Card>
      {canAct ? (
        <AlertActionDialog target={target} onClose={() => setTarget(null)} onDone={setNotice} />
      ) : null}
    </div>
  );
}
