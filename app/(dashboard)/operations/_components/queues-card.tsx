"use client";
// Queues: per tenant, the send queue (depth, due now, how long the oldest due message has waited),
// paused numbers and attempts in doubt; the pg-boss job queues with waiting, active and failed jobs.
import type { UseQueryResult } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { durationText } from "@/app/(dashboard)/_lib/duration-text";
import type { TRouterOutputs } from "@/trpc/router-types";
import { QueryState } from "@/components/query/query-state";

/** The server counts the last hour up to this many messages (a bound on the query). */
const REQUESTED_CAP = 100_000;

type TQueues = TRouterOutputs["operations"]["queues"];

function SendQueues({ data }: { data: TQueues }) {
  if (data.sendQueues.length === 0) {
    return (
      <p className="px-4 py-3 text-sm text-zinc-600">
        No tenant sent in the last hour, and none has messages queued, numbers paused or attempts in doubt.
      </p>
    );
  }
  const now = data.checkedAt.getTime();
  return (
    <Table label="Send queues per tenant">
      <THead>
        <tr>
          <TH>Tenant</TH>
          <TH className="text-right">Requested, last hour</TH>
          <TH className="text-right">Queued</TH>
          <TH className="text-right">Due now</TH>
          <TH>Oldest due waiting</TH>
          <TH className="text-right">Being sent</TH>
          <TH className="text-right">In doubt</TH>
          <TH className="text-right">Paused numbers</TH>
        </tr>
      </THead>
      <TBody>
        {data.sendQueues.map((q) => (
          <TR key={q.tenantId}>
            <TD>{q.tenantName}</TD>
            <TD className="text-right tabular-nums">
              {q.requestedLastHour >= REQUESTED_CAP
                ? `${REQUESTED_CAP.toLocaleString("en")}+`
                : q.requestedLastHour.toLocaleString("en")}
            </TD>
            <TD className="text-right tabular-nums">{q.queued.toLocaleString("en")}</TD>
            <TD className="text-right tabular-nums">{q.due.toLocaleString("en")}</TD>
            <TD className="whitespace-nowrap">
              {q.oldestDueAt ? (
                <span title={`due since ${q.oldestDueAt.toISOString()}`}>
                  {durationText(now - q.oldestDueAt.getTime())}
                </span>
              ) : (
                <span className="text-zinc-500">nothing due</span>
              )}
            </TD>
            <TD className="text-right tabular-nums">{q.leased.toLocaleString("en")}</TD>
            <TD className="text-right tabular-nums">
              {q.inDoubt > 0 ? (
                <Badge
                  tone="warn"
                  title={`${q.inDoubtHeld} held for an engineer, the rest wait for a webhook or an automatic retry`}
                >
                  {q.inDoubt} ({q.inDoubtHeld} held)
                </Badge>
              ) : (
                0
              )}
            </TD>
            <TD className="text-right tabular-nums">
              {q.pausedNumbers > 0 ? <Badge tone="bad">{q.pausedNumbers}</Badge> : 0}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

function JobQueues({ data }: { data: TQueues }) {
  if (data.jobQueues === null) {
    return (
      <p className="px-4 py-3 text-sm text-zinc-600">
        The job queue has not been created yet: no worker has started.
      </p>
    );
  }
  return (
    <Table label="Job queues">
      <THead>
        <tr>
          <TH>Queue</TH>
          <TH className="text-right">Waiting</TH>
          <TH className="text-right">Active</TH>
          <TH className="text-right">Failed (24 h)</TH>
          <TH>Oldest waiting</TH>
          <TH>Last failure</TH>
        </tr>
      </THead>
      <TBody>
        {data.jobQueues.map((j) => (
          <TR key={j.name}>
            <TD className="font-mono text-xs">{j.name}</TD>
            <TD className="text-right tabular-nums">
              {j.waiting}
              {j.retrying > 0 ? (
                <span className="text-xs text-warn-700"> ({j.retrying} retrying)</span>
              ) : null}
            </TD>
            <TD className="text-right tabular-nums">{j.active}</TD>
            <TD className="text-right tabular-nums">
              {j.failed > 0 ? <Badge tone="bad">{j.failed}</Badge> : 0}
            </TD>
            <TD className="whitespace-nowrap text-zinc-600">
              <TimeStamp value={j.oldestWaitingAt} format="short" fallback="none" />
            </TD>
            <TD className="whitespace-nowrap text-zinc-600">
              <TimeStamp value={j.lastFailedAt} format="short" fallback="none" />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

export function QueuesCard({ query }: { query: UseQueryResult<TQueues, unknown> }) {
  const body = (
    <QueryState query={query} what="queues" errorTitle="Could not read the queues" rows={5} className="p-4">
      {(data) => (
        <div className="flex flex-col">
          <h3 className="px-4 pt-3 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            Send queues per tenant
          </h3>
          <SendQueues data={data} />
          <h3 className="border-t border-zinc-200 px-4 pt-3 text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            Job queues (pg-boss)
          </h3>
          <JobQueues data={data} />
        </div>
      )}
    </QueryState>
  );
  return (
    <Card
      title="Queues"
      description="Every tenant that sent in the last hour or has work waiting: messages waiting to be sent and attempts whose outcome is unknown (in doubt after 2 minutes). Background jobs per queue."
      bodyClassName="p-0"
    >
      {body}
    </Card>
  );
}
