"use client";
// One replay: who asked and why, how far the worker is (refreshed every 2 s until every request
// has an outcome), the totals of new facts and duplicates, and each request's outcome.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { useTRPC } from "@/trpc/client";
import { processingResultText, summariseProcessingResult } from "../../_lib/processing-result";
import { STATUS_LABELS, type TInboxStatus } from "./request-inputs";
import { STATUS_TONES } from "./requests-list";

function statusBadge(status: string | null) {
  if (status === null) return <Badge tone="neutral">Waiting</Badge>;
  const known = status as TInboxStatus;
  return <Badge tone={STATUS_TONES[known] ?? "neutral"}>{STATUS_LABELS[known] ?? status}</Badge>;
}

export function ReplayDetail({ replayId }: { replayId: string }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.ingest.getReplay.queryOptions(
      { replayId },
      { refetchInterval: (q) => ((q.state.data?.progress.pending ?? 1) > 0 ? 2_000 : false) },
    ),
  );
  return (
    <QueryState query={query} what="the replay">
      {(r) => {
        const totals = r.items.reduce(
          (sum, item) => {
            const s = summariseProcessingResult(item.result);
            return s
              ? { newFacts: sum.newFacts + s.newFacts, duplicates: sum.duplicates + s.duplicates }
              : sum;
          },
          { newFacts: 0, duplicates: 0 },
        );
        const isDone = r.progress.pending === 0;
        return (
          <div className="flex flex-col gap-6">
            <Card title="Replay">
              <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
                <div>
                  <dt className="text-xs text-zinc-500">Asked by</dt>
                  <dd>
                    {actorText(r.requestedBy)}, <TimeStamp value={r.requestedAt} format="full" />
                  </dd>
                </div>
                <div className="sm:col-span-2 lg:col-span-3">
                  <dt className="text-xs text-zinc-500">Reason</dt>
                  <dd className="break-words">{r.reason}</dd>
                </div>
                <div>
                  <dt className="text-xs text-zinc-500">Progress</dt>
                  <dd>
                    {/* the live region sits inside the <dd>: a role on the <dd> itself would take
                        it out of the term/definition pairs the list is made of */}
                    <span role="status" aria-live="polite">
                      {isDone ? "Done" : `${r.progress.pending} of ${r.requestCount} waiting`}
                      {r.isTruncated ? " (the filter matched more; only the first were replayed)" : ""}
                    </span>
                  </dd>
                </div>
                <div>
                  <dt className="text-xs text-zinc-500">Outcome</dt>
                  <dd>
                    {r.progress.processed} processed · {r.progress.quarantined} quarantined ·{" "}
                    {r.progress.failed} failed
                  </dd>
                </div>
                <div>
                  <dt className="text-xs text-zinc-500">New facts</dt>
                  <dd className="tabular-nums">{totals.newFacts.toLocaleString("en")}</dd>
                </div>
                <div>
                  <dt className="text-xs text-zinc-500">Duplicates (already in the ledger)</dt>
                  <dd className="tabular-nums">{totals.duplicates.toLocaleString("en")}</dd>
                </div>
              </dl>
            </Card>
            <Card title="Requests" bodyClassName="p-0">
              <Table label="Requests in this replay">
                <THead>
                  <tr>
                    <TH>Request</TH>
                    <TH>Before</TH>
                    <TH>After</TH>
                    <TH>Outcome</TH>
                  </tr>
                </THead>
                <TBody>
                  {r.items.map((item) => (
                    <TR key={item.rawWebhookId} className="align-top">
                      <TD>
                        <Link
                          href={`/operations/requests/${item.rawWebhookId}`}
                          className="font-mono text-xs break-all text-accent-700 underline underline-offset-2"
                        >
                          {item.rawWebhookId}
                        </Link>
                      </TD>
                      <TD>{statusBadge(item.previousStatus)}</TD>
                      <TD>{statusBadge(item.status)}</TD>
                      <TD className="text-xs text-zinc-700">
                        {item.status === null ? "waiting for the worker" : processingResultText(item.result)}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </Card>
          </div>
        );
      }}
    </QueryState>
  );
}
