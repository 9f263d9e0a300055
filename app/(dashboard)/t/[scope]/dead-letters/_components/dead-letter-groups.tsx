"use client";
// The grouped view: one tenant's open dead letters as issues, one row per error code x sender
// number x template, with counts, first and last seen, and how many came back after a retry
// (linked to the bulk operation that retried them). Engineers dry-run a retry or a discard of an
// issue through the same dialog as a selection, leaving out by default what will fail again.
// Refreshes every few seconds while a bulk operation is live, so issues shrink as it runs.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { useTRPC } from "@/trpc/client";
import {
  deadLetterFiltersToQueryString,
  hasDeadLetterFilters,
  toDeadLetterFilterInput,
  toDeadLetterGroupsInput,
  type TDeadLetterFilterValues,
} from "./dead-letter-filters";
import type { TDryRunRequest } from "./dry-run-dialog";
import { ageText, operationAnchor, REASON_CLASS_LABELS } from "@/components/dead-letters/labels";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

type TGroup = TRouterOutputs["deadLetters"]["listGroups"]["groups"][number];
type TOperation = TRouterOutputs["deadLetters"]["listBulk"]["items"][number];

/** An operation whose items may still change the issues: running, or retries not yet answered. */
function isLiveOperation(op: TOperation): boolean {
  return (
    op.status === "approved" ||
    op.status === "running" ||
    (op.status === "done" && op.progress.awaitingAcknowledgement > 0)
  );
}

function groupName(group: TGroup): string {
  return `${group.errorCode ?? "no error code"} · ${group.senderDisplayNumber} · ${group.templateName ?? "text message"}`;
}

export function DeadLetterGroups({
  tenantId,
  slug,
  filters,
  canAct,
  canReadOperations,
  onDryRun,
}: {
  tenantId: string;
  slug: string;
  filters: TDeadLetterFilterValues;
  canAct: boolean;
  canReadOperations: boolean;
  onDryRun: (request: TDryRunRequest) => void;
}) {
  const trpc = useTRPC();
  const operations = useQuery({
    ...trpc.deadLetters.listBulk.queryOptions({ tenantId }),
    enabled: canReadOperations,
  });
  const isLive = operations.data?.items.some(isLiveOperation) ?? false;
  const query = useQuery({
    ...trpc.deadLetters.listGroups.queryOptions({ tenantId, ...toDeadLetterGroupsInput(filters) }),
    // an operator keeps this open while a bulk run works through an issue
    refetchInterval: isLive ? 3_000 : 30_000,
  });

  return (
    <QueryState
      query={query}
      what="dead-letter issues"
      className="p-4"
      isEmpty={(d) => d.groups.length === 0}
      empty={{
        title: hasDeadLetterFilters({ ...filters, status: "open" })
          ? "No open dead letters match these filters"
          : "No open dead letters",
        description: hasDeadLetterFilters({ ...filters, status: "open" })
          ? "Clear the filters, or open All messages to include retried and discarded ones."
          : "The pipeline has not given up on any message here. All messages lists the closed ones.",
        headingLevel: 2,
      }}
    >
      {(data) => {
        const { groups, isTruncated, total } = data;
        // ages count from when the data was read, so server and browser render the same words
        const readAt = query.dataUpdatedAt;
        const messagesHref = (group: TGroup) =>
          `/t/${encodeURIComponent(slug)}/dead-letters${deadLetterFiltersToQueryString(
            {
              ...filters,
              status: "open",
              sender: group.senderNumberId,
              error: group.errorCode ?? filters.error,
              template: group.templateName ?? filters.template,
            },
            "messages",
          )}`;

        return (
          <>
            <p className="border-b border-zinc-200 px-4 py-2 text-xs text-zinc-600">
              {total.toLocaleString("en")} open {total === 1 ? "dead letter" : "dead letters"} in{" "}
              {groups.length} {groups.length === 1 ? "issue" : "issues"}
              {isTruncated ? " (the most recent issues only: narrow the filters to see the others)" : ""}.
            </p>
            <Table label="Dead-letter issues">
              <THead>
                <tr>
                  <TH>Issue</TH>
                  <TH>Sender number</TH>
                  <TH>Template</TH>
                  <TH>Messages</TH>
                  <TH>First seen</TH>
                  <TH>Last seen</TH>
                  <TH>
                    <span className="sr-only">Actions</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {groups.map((group) => {
                  const name = groupName(group);
                  const selection = {
                    kind: "group" as const,
                    filters: (({ status: _s, ...rest }) => rest)(toDeadLetterFilterInput(filters)),
                    group: {
                      errorCode: group.errorCode,
                      senderNumberId: group.senderNumberId,
                      templateName: group.templateName,
                    },
                  };
                  return (
                    <TR
                      key={`${group.errorCode}/${group.senderNumberId}/${group.templateName}`}
                      className="align-top"
                      aria-label={name}
                    >
                      <TD className="min-w-56 max-w-sm">
                        <span className="flex flex-wrap items-center gap-1.5">
                          <span className="font-mono text-sm font-medium text-zinc-900">
                            {group.errorCode ?? "No error code"}
                          </span>
                          <Badge tone={group.reasonClass === "permanent" ? "bad" : "warn"}>
                            {REASON_CLASS_LABELS[group.reasonClass]}
                          </Badge>
                        </span>
                        {group.errorTitle ? (
                          <span className="block text-sm text-zinc-800">{group.errorTitle}</span>
                        ) : null}
                        <span className="mt-0.5 block text-xs text-zinc-600">{group.latestReason}</span>
                      </TD>
                      <TD className="text-zinc-700">
                        <span className="font-mono text-xs">{group.senderDisplayNumber}</span>
                        {group.senderLabel ? (
                          <span className="block text-xs text-zinc-600">{group.senderLabel}</span>
                        ) : null}
                      </TD>
                      <TD className="text-zinc-700">{group.templateName ?? "Text message"}</TD>
                      <TD>
                        <span className="text-base font-semibold text-zinc-900">
                          {group.count.toLocaleString("en")}
                        </span>
                        {group.failedAgain > 0 ? (
                          <span className="mt-0.5 block max-w-48 text-xs text-bad-700">
                            {group.failedAgain} failed again after a retry
                            {group.lastRetriedBy ? ` by ${actorText(group.lastRetriedBy)}` : ""}
                            {group.lastOperationId && canReadOperations ? (
                              <>
                                {" "}
                                in{" "}
                                <a
                                  href={`#${operationAnchor(group.lastOperationId)}`}
                                  className="font-medium underline underline-offset-2"
                                >
                                  operation {shortId(group.lastOperationId)}
                                </a>
                              </>
                            ) : null}
                          </span>
                        ) : null}
                      </TD>
                      <TD className="whitespace-nowrap text-xs text-zinc-600">
                        <span className="block font-medium text-zinc-900">
                          {ageText(readAt - group.firstSeenAt.getTime())} ago
                        </span>
                        <TimeStamp value={group.firstSeenAt} format="short" />
                      </TD>
                      <TD className="whitespace-nowrap text-xs text-zinc-600">
                        <span className="block font-medium text-zinc-900">
                          {ageText(readAt - group.lastSeenAt.getTime())} ago
                        </span>
                        <TimeStamp value={group.lastSeenAt} format="short" />
                      </TD>
                      <TD className="whitespace-nowrap">
                        <span className="flex flex-col items-stretch gap-1">
                          {canAct ? (
                            <>
                              <Button
                                size="sm"
                                aria-label={`Dry run retry of ${name}`}
                                onClick={() => onDryRun({ kind: "retry", tenantId, selection })}
                              >
                                Dry run retry
                              </Button>
                              <Button
                                size="sm"
                                variant="secondary"
                                aria-label={`Dry run discard of ${name}`}
                                onClick={() => onDryRun({ kind: "discard", tenantId, selection })}
                              >
                                Dry run discard
                              </Button>
                            </>
                          ) : null}
                          <Link
                            href={messagesHref(group)}
                            aria-label={`Messages of ${name}`}
                            className="inline-flex min-h-8 items-center justify-center px-2 text-xs font-medium text-accent-700 underline underline-offset-2"
                          >
                            Messages
                          </Link>
                        </span>
                      </TD>
                    </TR>
                  );
                })}
              </TBody>
            </Table>
          </>
        );
      }}
    </QueryState>
  );
}
