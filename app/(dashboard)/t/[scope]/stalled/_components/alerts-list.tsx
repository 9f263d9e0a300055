"use client";
// Alerts newest first, each with its tenant and number, what it is about, its lifecycle history
// (who, when, why) and, for operations.act holders, Acknowledge / Snooze / Resolve. Keyset pages
// through "Load more".
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { JsonBlock } from "@/components/ui/json-block";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { useTRPC } from "@/trpc/client";
import type { TAlertAction, TAlertActionTarget } from "./alert-action-dialog";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { toAlertFeedInput, type TAlertFilters } from "./alert-filters";
import { HISTORY_LABELS, kindLabel, SEVERITY_TONES, STATUS_LABELS } from "./alert-labels";
import { QueryState } from "@/components/query/query-state";

export type TStalledScope = { kind: "tenant"; tenantId: string; slug: string } | { kind: "all"; slug: "all" };
type TAlert = TRouterOutputs["alerts"]["feed"]["items"][number];

/** A list operators keep open: every loaded page is refetched, so not too often. */
const LIST_POLL_MS = 30_000;
const getNextPageParam = (last: { nextCursor: { openedAt: Date; id: string } | null }) => last.nextCursor;

export function useAlertFeed(scope: TStalledScope, filters: TAlertFilters) {
  const trpc = useTRPC();
  const input = toAlertFeedInput(filters);
  return useInfiniteQuery(
    trpc.alerts.feed.infiniteQueryOptions(
      { ...scopeInput(scope), ...input },
      { getNextPageParam, refetchInterval: LIST_POLL_MS },
    ),
  );
}

function AlertHistory({ alert }: { alert: TAlert }) {
  return (
    <ol
      aria-label={`History of ${alert.title}`}
      className="mt-2 flex flex-col gap-1 border-l border-zinc-200 pl-3"
    >
      {alert.history.map((h, i) => (
        <li key={i} className="text-xs text-zinc-700">
          <span className="font-medium text-zinc-900">{HISTORY_LABELS[h.kind]}</span>
          {h.kind === "snoozed" && h.until ? (
            <>
              {" "}
              until <TimeStamp value={h.until} format="short" />
            </>
          ) : null}{" "}
          by {actorText(h.actor)} · <TimeStamp value={h.at} format="short" />
          {h.reason ? <span className="block text-zinc-600">“{h.reason}”</span> : null}
        </li>
      ))}
    </ol>
  );
}

function AlertItem({
  alert,
  isAllScope,
  canAct,
  onAct,
}: {
  alert: TAlert;
  isAllScope: boolean;
  canAct: boolean;
  onAct: (target: TAlertActionTarget) => void;
}) {
  const status = STATUS_LABELS[alert.status];
  const titleId = `alert-${alert.id}-title`;
  const act = (action: TAlertAction) =>
    onAct({ tenantId: alert.tenantId, alertId: alert.id, title: alert.title, action });
  const details = alert.details as Record<string, unknown> | null;
  return (
    <li>
      <article
        aria-labelledby={titleId}
        className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:justify-between"
      >
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-1.5">
            <Badge tone={status.tone} hasDot>
              <span className="sr-only">Status: </span>
              {status.label}
            </Badge>
            <Badge tone={SEVERITY_TONES[alert.severity] ?? "neutral"}>{alert.severity}</Badge>
            <Badge>{kindLabel(alert.kind)}</Badge>
          </div>
          <h3 id={titleId} className="mt-1 text-sm font-medium text-zinc-900">
            {alert.title}
          </h3>
          <p className="mt-0.5 text-xs text-zinc-600">
            {isAllScope ? <>{alert.tenantName} · </> : null}
            {alert.senderDisplayNumber ?? "whole tenant"} · opened{" "}
            <TimeStamp value={alert.openedAt} format="short" />
            {alert.occurrences > 1 ? (
              <>
                {" "}
                · seen {alert.occurrences} times, last <TimeStamp value={alert.lastSeenAt} format="short" />
              </>
            ) : null}
            {alert.status === "snoozed" && alert.snoozedUntil ? (
              <>
                {" "}
                · snoozed until <TimeStamp value={alert.snoozedUntil} format="short" />
              </>
            ) : null}
          </p>
          {alert.messageId ? (
            <p className="mt-1 text-xs">
              <Link
                href={`/t/${encodeURIComponent(alert.tenantSlug)}/messages/${alert.messageId}`}
                className="text-accent-700 hover:underline"
              >
                Open the message&apos;s timeline
                <span className="sr-only"> for {alert.title}</span>
              </Link>
            </p>
          ) : null}
          <AlertHistory alert={alert} />
          {details && Object.keys(details).length > 0 ? (
            <details className="mt-2 text-xs">
              <summary className="min-h-6 cursor-pointer text-accent-700">Details</summary>
              <JsonBlock
                className="mt-1"
                value={details}
                label={`details of ${alert.title}`}
                maxHeightClass="max-h-48"
              />
            </details>
          ) : null}
        </div>
        {canAct && alert.status !== "resolved" ? (
          <div className="flex shrink-0 flex-wrap items-start gap-1.5">
            {alert.status !== "acknowledged" ? (
              <Button variant="secondary" size="sm" onClick={() => act("acknowledge")}>
                Acknowledge<span className="sr-only"> alert: {alert.title}</span>
              </Button>
            ) : null}
            <Button variant="secondary" size="sm" onClick={() => act("snooze")}>
              Snooze<span className="sr-only"> alert: {alert.title}</span>
            </Button>
            <Button variant="secondary" size="sm" onClick={() => act("resolve")}>
              Resolve<span className="sr-only"> alert: {alert.title}</span>
            </Button>
          </div>
        ) : null}
      </article>
    </li>
  );
}

export function AlertsList({
  scope,
  filters,
  canAct,
  onAct,
}: {
  scope: TStalledScope;
  filters: TAlertFilters;
  canAct: boolean;
  onAct: (target: TAlertActionTarget) => void;
}) {
  const query = useAlertFeed(scope, filters);
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const isFiltered = filters.status !== "unresolved" || Boolean(filters.kind || filters.sender);
  return (
    <QueryState
      query={query}
      what="alerts"
      rows={5}
      className="p-4"
      isEmpty={() => rows.length === 0}
      empty={{
        title: isFiltered ? "No alerts match these filters" : "No unresolved alerts",
        description: isFiltered
          ? "Clear the filters to see every unresolved alert."
          : "Stalled messages, stalled-share jumps, orphan statuses and sender problems open alerts here.",
      }}
    >
      {() => {
        return (
          <>
            <ul aria-label="Alerts" className="divide-y divide-zinc-100">
              {rows.map((alert) => (
                <AlertItem
                  key={alert.id}
                  alert={alert}
                  isAllScope={scope.kind === "all"}
                  canAct={canAct}
                  onAct={onAct}
                />
              ))}
            </ul>
            <LoadMoreFooter
              query={query}
              buttonLabel="Load more alerts"
              endText={`${rows.length} ${rows.length === 1 ? "alert" : "alerts"} · end of the list`}
              fetchErrorText="Could not load more alerts."
            />
          </>
        );
      }}
    </QueryState>
  );
}
