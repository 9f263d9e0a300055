"use client";
// The dead-letter table: one row per message (reason in words, error code, tenant, sender,
// template, age, attempts, where it stands), keyset pages through "Load more", and for engineers
// checkboxes (a row, the page, or everything matching the filter) and per-row Retry / Discard.
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { StateBadge } from "@/components/messages/state-badge";
import { DiscardDeadLetterDialog, RetryMessageDialog } from "@/components/messages/intervention-dialogs";
import {
  hasDeadLetterFilters,
  type TDeadLetterFilterValues,
  type TDeadLetterScope,
} from "./dead-letter-filters";
import { ageText, REASON_CLASS_LABELS, STATUS_LABELS } from "@/components/dead-letters/labels";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

type TPage = TRouterOutputs["deadLetters"]["list"];
type TRow = TPage["items"][number];
export type TMessageKey = { tenantId: string; messageId: string };

/** What the table reads of the list's infinite query (one tenant's or every tenant's). */
export type TDeadLetterQueryState = {
  data: { pages: TPage[] } | undefined;
  dataUpdatedAt: number;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  isRefetching: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  refetch: () => Promise<unknown>;
  fetchNextPage: () => Promise<unknown>;
};

/** Explicit rows (keyed "tenant/message"), or everything the current filter matches. */
export type TSelection = { kind: "ids"; keys: Map<string, TMessageKey> } | { kind: "filter" };

const keyOf = (row: TMessageKey) => `${row.tenantId}/${row.messageId}`;

const checkboxClasses =
  "size-4 rounded border-zinc-300 text-accent-600 focus-visible:ring-2 focus-visible:ring-accent-500";

function StatusCell({ row }: { row: TRow }) {
  const status = STATUS_LABELS[row.status];
  const isFailedAgain = row.status === "open" && row.episodes > 1;
  return (
    <div className="flex flex-col items-start gap-0.5">
      <Badge tone={isFailedAgain ? "bad" : status.tone} hasDot title={status.description}>
        {isFailedAgain ? "Failed again" : status.label}
      </Badge>
      {row.status === "retry_pending" && row.retryAttempt ? (
        <span className="text-xs text-zinc-500">
          attempt {row.retryAttempt}
          {row.retriedBy ? ` by ${actorText(row.retriedBy)}` : ""}
        </span>
      ) : null}
      {row.status === "acknowledged" && row.acknowledgedAttempt ? (
        <span className="text-xs text-zinc-500">attempt {row.acknowledgedAttempt} accepted</span>
      ) : null}
      {row.status === "discarded" ? (
        <span className="max-w-48 text-xs text-zinc-500">
          by {actorText(row.discardedBy ?? "?")}: {row.discardReason}
        </span>
      ) : null}
      {row.status === "cancelled" ? (
        <span className="max-w-48 text-xs text-zinc-500">
          by {actorText(row.cancelledBy ?? "?")}: {row.cancelReason}
        </span>
      ) : null}
    </div>
  );
}

export function DeadLetterTable({
  scope,
  filters,
  query,
  canAct,
  selection,
  onSelectionChange,
  onNotice,
}: {
  scope: TDeadLetterScope;
  filters: TDeadLetterFilterValues;
  query: TDeadLetterQueryState;
  canAct: boolean;
  selection: TSelection;
  onSelectionChange: (next: TSelection) => void;
  onNotice: (text: string) => void;
}) {
  const [action, setAction] = useState<{ kind: "retry" | "discard"; row: TRow } | null>(null);
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  // ages are counted from when the data was read (the same on the server and in the browser)
  const readAt = query.dataUpdatedAt;

  return (
    <QueryState
      query={query}
      what="dead letters"
      rows={6}
      className="p-4"
      isEmpty={() => rows.length === 0}
      empty={{
        title: hasDeadLetterFilters(filters) ? "No dead letters match these filters" : "No open dead letters",
        description: hasDeadLetterFilters(filters)
          ? "Clear the filters, or choose Any status to include retried and discarded ones."
          : "The pipeline has not given up on any message here. Choose Any status to see closed ones.",
        headingLevel: 2,
      }}
    >
      {() => {
        const isAllMatching = selection.kind === "filter";
        const selectedKeys = selection.kind === "ids" ? selection.keys : new Map<string, TMessageKey>();
        const isPageSelected = isAllMatching || rows.every((r) => selectedKeys.has(keyOf(r)));
        const togglePage = () => {
          if (isPageSelected) return onSelectionChange({ kind: "ids", keys: new Map() });
          const keys = new Map(selectedKeys);
          for (const r of rows) keys.set(keyOf(r), { tenantId: r.tenantId, messageId: r.messageId });
          onSelectionChange({ kind: "ids", keys });
        };
        const toggleRow = (row: TRow) => {
          const keys = new Map(isAllMatching ? rows.map((r) => [keyOf(r), r] as const) : selectedKeys);
          if (keys.has(keyOf(row))) keys.delete(keyOf(row));
          else keys.set(keyOf(row), { tenantId: row.tenantId, messageId: row.messageId });
          onSelectionChange({
            kind: "ids",
            keys: new Map([...keys].map(([k, v]) => [k, { tenantId: v.tenantId, messageId: v.messageId }])),
          });
        };

        return (
          <>
            {canAct && isPageSelected && (query.hasNextPage || isAllMatching) ? (
              <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-accent-50 px-4 py-2 text-sm">
                {isAllMatching ? (
                  <>
                    <span>
                      Everything matching this filter is selected (up to 5,000; the dry run counts them).
                    </span>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => onSelectionChange({ kind: "ids", keys: new Map() })}
                    >
                      Clear selection
                    </Button>
                  </>
                ) : (
                  <>
                    <span>All {rows.length} loaded dead letters are selected.</span>
                    <Button variant="ghost" size="sm" onClick={() => onSelectionChange({ kind: "filter" })}>
                      Select all matching this filter
                    </Button>
                  </>
                )}
              </div>
            ) : null}
            <Table label="Dead letters">
              <THead>
                <tr>
                  {canAct ? (
                    <TH className="w-8">
                      <input
                        type="checkbox"
                        className={checkboxClasses}
                        aria-label="Select all loaded dead letters"
                        checked={isPageSelected}
                        onChange={togglePage}
                      />
                    </TH>
                  ) : null}
                  <TH>Dead-lettered</TH>
                  {scope.kind === "all" ? <TH>Tenant</TH> : null}
                  <TH>Message</TH>
                  <TH>Reason</TH>
                  <TH>Status</TH>
                  {canAct ? <TH>Actions</TH> : null}
                </tr>
              </THead>
              <TBody>
                {rows.map((row) => {
                  const name = row.templateName ?? "Text message";
                  const rowLabel = `${name} ${shortId(row.messageId)}`;
                  return (
                    <TR key={keyOf(row)} className="align-top">
                      {canAct ? (
                        <TD>
                          <input
                            type="checkbox"
                            className={checkboxClasses}
                            aria-label={`Select ${rowLabel}`}
                            checked={isAllMatching || selectedKeys.has(keyOf(row))}
                            onChange={() => toggleRow(row)}
                          />
                        </TD>
                      ) : null}
                      <TD className="whitespace-nowrap">
                        <span className="font-medium text-zinc-900">
                          {ageText(readAt - row.deadLetteredAt.getTime())} ago
                        </span>
                        <span className="block text-xs text-zinc-500">
                          <TimeStamp value={row.deadLetteredAt} format="short" />
                        </span>
                        <span className="block text-xs text-zinc-500">
                          after {row.attemptCount} {row.attemptCount === 1 ? "attempt" : "attempts"}
                        </span>
                      </TD>
                      {scope.kind === "all" ? <TD className="text-zinc-700">{row.tenantName}</TD> : null}
                      <TD>
                        <Link
                          href={`/t/${encodeURIComponent(row.tenantSlug)}/messages/${row.messageId}`}
                          className="font-medium text-accent-700 hover:underline"
                        >
                          {name}
                          <span className="sr-only"> {row.messageId}</span>
                        </Link>
                        <span className="mt-0.5 flex items-center gap-1.5">
                          <span className="font-mono text-xs text-zinc-500" title={row.messageId}>
                            {shortId(row.messageId)}
                          </span>
                          <span className="font-mono text-xs text-zinc-500">{row.recipientMasked}</span>
                          <StateBadge state={row.messageState} />
                        </span>
                        <span className="mt-0.5 block text-xs text-zinc-500">
                          from {row.senderDisplayNumber}
                          {row.senderLabel ? ` · ${row.senderLabel}` : ""}
                        </span>
                      </TD>
                      <TD className="min-w-56 max-w-sm">
                        <span className="flex flex-wrap items-center gap-1.5">
                          <Badge tone={row.reasonClass === "permanent" ? "bad" : "warn"}>
                            {REASON_CLASS_LABELS[row.reasonClass]}
                          </Badge>
                          {row.errorCode ? (
                            <span
                              className="font-mono text-xs text-zinc-700"
                              title={row.errorTitle ?? undefined}
                            >
                              {row.errorCode}
                            </span>
                          ) : null}
                        </span>
                        <span className="mt-0.5 block text-xs text-zinc-600">{row.reason}</span>
                      </TD>
                      <TD>
                        <StatusCell row={row} />
                      </TD>
                      {canAct ? (
                        <TD className="whitespace-nowrap">
                          {row.isActionable ? (
                            <span className="flex flex-col items-stretch gap-1">
                              <Button
                                size="sm"
                                variant="secondary"
                                aria-label={`Retry ${rowLabel}`}
                                onClick={() => setAction({ kind: "retry", row })}
                              >
                                Retry…
                              </Button>
                              <Button
                                size="sm"
                                variant="ghost"
                                aria-label={`Discard ${rowLabel}`}
                                onClick={() => setAction({ kind: "discard", row })}
                              >
                                Discard…
                              </Button>
                            </span>
                          ) : (
                            <span className="text-xs text-zinc-500">—</span>
                          )}
                        </TD>
                      ) : null}
                    </TR>
                  );
                })}
              </TBody>
            </Table>
            <LoadMoreFooter
              query={query}
              endText={`${rows.length} ${rows.length === 1 ? "dead letter" : "dead letters"} · end of the list`}
              fetchErrorText="Could not load more dead letters."
            />
            {action?.kind === "retry" ? (
              <RetryMessageDialog
                target={{ tenantId: action.row.tenantId, messageId: action.row.messageId }}
                label={action.row.templateName ?? "this text message"}
                isOpen
                onClose={() => setAction(null)}
                onDone={onNotice}
              />
            ) : null}
            {action?.kind === "discard" ? (
              <DiscardDeadLetterDialog
                target={{ tenantId: action.row.tenantId, messageId: action.row.messageId }}
                label={action.row.templateName ?? "this text message"}
                isOpen
                onClose={() => setAction(null)}
                onDone={onNotice}
              />
            ) : null}
          </>
        );
      }}
    </QueryState>
  );
}
