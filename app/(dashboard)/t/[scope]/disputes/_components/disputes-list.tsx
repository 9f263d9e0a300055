"use client";
// Disputes, newest first: filters in the URL (status, ticket), a table linking each dispute to its
// message's timeline (where it is worked), and "Load more" through keyset pages.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { useTRPC } from "@/trpc/client";
import { StateBadge } from "@/components/messages/state-badge";
import { DISPUTE_STATUS_LABELS, OUTCOME_LABELS } from "@/components/disputes/dispute-labels";
import { disputeFiltersToQueryString, toDisputeInput, type TDisputeFilters } from "./dispute-filters";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

export type TDisputeScope = { kind: "tenant"; tenantId: string; slug: string } | { kind: "all"; slug: "all" };

function useDisputes(scope: TDisputeScope, filters: TDisputeFilters) {
  const trpc = useTRPC();
  const input = toDisputeInput(filters);
  const options = {
    getNextPageParam: (last: { nextCursor: { openedAt: Date; id: string } | null }) => last.nextCursor,
  };
  return useInfiniteQuery(
    trpc.disputes.list.infiniteQueryOptions({ ...scopeInput(scope), ...input }, options),
  );
}

export function DisputesList({ scope, filters }: { scope: TDisputeScope; filters: TDisputeFilters }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isPending, startTransition] = useTransition();
  const query = useDisputes(scope, filters);
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = Boolean(filters.status || filters.ticket);
  const apply = (next: TDisputeFilters) =>
    startTransition(() => router.push(`${pathname}${disputeFiltersToQueryString(next)}`));

  const body = (
    <QueryState
      query={query}
      what="disputes"
      rows={6}
      className="p-4"
      isEmpty={() => rows.length === 0}
      empty={{
        title: isFiltered ? "No disputes match these filters" : "No disputes recorded",
        description: isFiltered
          ? "Ticket references match exactly. Clear the filters to see every dispute."
          : "Support opens a dispute from a message's page when a tenant challenges its delivery.",
        headingLevel: 2,
      }}
    >
      {() => (
        <>
          <Table label="Disputes">
            <THead>
              <tr>
                <TH>Opened</TH>
                <TH>Ticket</TH>
                {scope.kind === "all" ? <TH>Tenant</TH> : null}
                <TH>Message</TH>
                <TH>Status</TH>
                <TH>Outcome</TH>
                <TH>Last change</TH>
              </tr>
            </THead>
            <TBody>
              {rows.map((d) => {
                const status = DISPUTE_STATUS_LABELS[d.status];
                return (
                  <TR key={d.id} className="align-top">
                    <TD className="whitespace-nowrap text-zinc-600">
                      <TimeStamp value={d.openedAt} format="short" />
                      <span className="block text-xs text-zinc-500">by {actorText(d.openedBy)}</span>
                    </TD>
                    <TD className="whitespace-nowrap">
                      <span className="font-mono text-xs">{d.ticketRef}</span>
                      <span className="block text-xs text-zinc-500">
                        {d.noteCount} {d.noteCount === 1 ? "note" : "notes"}
                      </span>
                    </TD>
                    {scope.kind === "all" ? <TD className="text-zinc-700">{d.tenantName}</TD> : null}
                    <TD>
                      <Link
                        href={`/t/${encodeURIComponent(d.tenantSlug)}/messages/${d.messageId}`}
                        className="font-medium text-accent-700 hover:underline"
                      >
                        {d.templateName ?? "Message"}
                        <span className="sr-only"> of ticket {d.ticketRef}</span>
                      </Link>
                      <span className="mt-0.5 flex items-center gap-1.5">
                        <span className="font-mono text-xs text-zinc-500" title={d.messageId}>
                          {shortId(d.messageId)}
                        </span>
                        <StateBadge state={d.messageState} />
                      </span>
                    </TD>
                    <TD>
                      <Badge tone={status.tone} hasDot>
                        {status.label}
                      </Badge>
                    </TD>
                    <TD className="min-w-40">
                      {d.outcome ? (
                        <>
                          <Badge tone={OUTCOME_LABELS[d.outcome].tone}>
                            {OUTCOME_LABELS[d.outcome].label}
                          </Badge>
                          {d.outcomeSummary ? (
                            <span className="mt-0.5 block text-xs text-zinc-600">{d.outcomeSummary}</span>
                          ) : null}
                        </>
                      ) : (
                        <span className="text-zinc-500">Not decided</span>
                      )}
                    </TD>
                    <TD className="whitespace-nowrap text-zinc-600">
                      <TimeStamp value={d.resolvedAt ?? d.updatedAt} format="short" />
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
          <LoadMoreFooter
            query={query}
            endText={`${rows.length} ${rows.length === 1 ? "dispute" : "disputes"} · end of the list`}
            fetchErrorText="Could not load more disputes."
          />
        </>
      )}
    </QueryState>
  );

  return (
    <div className="flex flex-col gap-4">
      <form
        key={disputeFiltersToQueryString(filters)}
        aria-label="Filter disputes"
        className="flex flex-col gap-3 sm:flex-row sm:items-end"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const status = formText(form, "status");
          apply({
            status: status === "open" || status === "resolved" ? status : "",
            ticket: formText(form, "ticket").trim(),
          });
        }}
      >
        <Field label="Status" className="sm:w-48">
          {(control) => (
            <Select {...control} name="status" defaultValue={filters.status}>
              <option value="">Any status</option>
              <option value="open">Open</option>
              <option value="resolved">Resolved</option>
            </Select>
          )}
        </Field>
        <Field label="Ticket reference" className="sm:w-64">
          {(control) => (
            <Input
              {...control}
              name="ticket"
              defaultValue={filters.ticket}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. ZD-4821"
            />
          )}
        </Field>
        <div className="flex gap-2">
          <Button type="submit" variant="secondary" isPending={isPending} pendingLabel="Applying…">
            Apply filters
          </Button>
          {isFiltered ? (
            <Button variant="ghost" disabled={isPending} onClick={() => apply({ status: "", ticket: "" })}>
              Clear filters
            </Button>
          ) : null}
        </div>
      </form>
      <Card
        title="Disputes"
        description="Newest first. Open a dispute's message to work it: notes, outcome, resolution, evidence."
        bodyClassName="p-0"
      >
        {body}
      </Card>
    </div>
  );
}
