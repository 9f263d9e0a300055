"use client";
// Messages waiting in a state longer than their tenant's threshold, oldest first: the state, since
// when and for how long, the threshold, when it became stalled, its alert; each links to its
// timeline. Keyset pages through "Load more".
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { useTRPC } from "@/trpc/client";
import { StateBadge, stateLabel } from "@/components/messages/state-badge";
import { toStalledInput, type TAlertFilters } from "./alert-filters";
import { durationText } from "@/app/(dashboard)/_lib/duration-text";
import { STATUS_LABELS } from "./alert-labels";
import type { TStalledScope } from "./alerts-list";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

/** A list operators keep open: every loaded page is refetched, so not too often. */
const LIST_POLL_MS = 30_000;
const getNextPageParam = (last: { nextCursor: { since: Date; id: string } | null }) => last.nextCursor;

export function useStalled(scope: TStalledScope, filters: TAlertFilters) {
  const trpc = useTRPC();
  const input = toStalledInput(filters);
  return useInfiniteQuery(
    trpc.alerts.stalled.infiniteQueryOptions(
      { ...scopeInput(scope), ...input },
      { getNextPageParam, refetchInterval: LIST_POLL_MS },
    ),
  );
}

export function StalledList({ scope, filters }: { scope: TStalledScope; filters: TAlertFilters }) {
  const query = useStalled(scope, filters);
  const pages = query.data?.pages ?? [];
  const rows = pages.flatMap((p) => p.items);
  // ages are measured at the first page's reading, so the numbers agree with each other
  const checkedAt = pages[0]?.checkedAt ?? null;
  const counts = pages[0]?.counts ?? [];
  const isFiltered = Boolean(filters.state || filters.sender);
  return (
    <QueryState
      query={query}
      what="stalled messages"
      rows={5}
      className="p-4"
      isEmpty={() => rows.length === 0}
      empty={{
        title: isFiltered ? "No stalled messages match these filters" : "No stalled messages",
        description:
          "A message is stalled when it waits in one state (queued, submitting, accepted, sent, retrying) longer than its tenant's threshold.",
      }}
    >
      {() => {
        const totals = new Map<string, { count: number; isCapped: boolean }>();
        for (const c of counts) {
          const t = totals.get(c.state) ?? { count: 0, isCapped: false };
          totals.set(c.state, { count: t.count + c.count, isCapped: t.isCapped || c.isCapped });
        }
        return (
          <>
            <p className="flex flex-wrap gap-1.5 px-4 pt-3 text-xs text-zinc-600">
              <span>Stalled now:</span>
              {[...totals].map(([state, t]) => (
                <Badge key={state} tone="warn">
                  {stateLabel(state)} {t.count.toLocaleString("en")}
                  {t.isCapped ? "+" : ""}
                </Badge>
              ))}
              {checkedAt ? (
                <span>
                  · checked <TimeStamp value={checkedAt} format="time" />
                </span>
              ) : null}
            </p>
            <Table label="Stalled messages, oldest first">
              <THead>
                <tr>
                  <TH>Message</TH>
                  {scope.kind === "all" ? <TH>Tenant</TH> : null}
                  <TH>Number</TH>
                  <TH>Waiting in</TH>
                  <TH>Since</TH>
                  <TH>Threshold</TH>
                  <TH>Stalled since</TH>
                  <TH>Alert</TH>
                </tr>
              </THead>
              <TBody>
                {rows.map((m) => (
                  <TR key={m.messageId} className="align-top">
                    <TD>
                      <Link
                        href={`/t/${encodeURIComponent(m.tenantSlug)}/messages/${m.messageId}`}
                        className="font-medium text-accent-700 hover:underline"
                      >
                        {m.templateName ?? "Text message"}
                        <span className="sr-only"> {m.messageId}</span>
                      </Link>
                      <span className="block font-mono text-xs text-zinc-500" title={m.messageId}>
                        {shortId(m.messageId)} · attempt {m.attemptCount}
                      </span>
                    </TD>
                    {scope.kind === "all" ? <TD className="text-zinc-700">{m.tenantName}</TD> : null}
                    <TD className="whitespace-nowrap">{m.senderDisplayNumber}</TD>
                    <TD>
                      <StateBadge state={m.state} />
                    </TD>
                    <TD className="whitespace-nowrap text-zinc-600">
                      <TimeStamp value={m.retryDueAt ?? m.since} format="short" />
                      {checkedAt ? (
                        <span className="block text-xs text-zinc-500">
                          {m.retryDueAt ? "due " : ""}
                          {durationText(checkedAt.getTime() - (m.retryDueAt ?? m.since).getTime())} ago
                        </span>
                      ) : null}
                    </TD>
                    <TD className="whitespace-nowrap">{durationText(m.thresholdSeconds * 1000)}</TD>
                    <TD className="whitespace-nowrap text-zinc-600">
                      <TimeStamp value={m.stalledAt} format="short" />
                    </TD>
                    <TD>
                      {m.alert ? (
                        <Badge tone={STATUS_LABELS[m.alert.status].tone}>
                          {STATUS_LABELS[m.alert.status].label}
                        </Badge>
                      ) : (
                        <span className="text-xs text-zinc-500" title="The stall sweep runs every minute">
                          not yet raised
                        </span>
                      )}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
            <LoadMoreFooter
              query={query}
              buttonLabel="Load more stalled messages"
              endText={`${rows.length} stalled ${rows.length === 1 ? "message" : "messages"} · end of the list`}
              fetchErrorText="Could not load more stalled messages."
            />
          </>
        );
      }}
    </QueryState>
  );
}
