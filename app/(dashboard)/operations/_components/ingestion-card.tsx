"use client";
// Ingestion at a glance: requests per minute over the last hour (by current status), inbox depth,
// processing lag, requests needing attention, open quarantine and waiting orphans.
import type { UseQueryResult } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { QueryState } from "@/components/query/query-state";
import { prepareRequestsPerMinute } from "@/components/charts/prepare/requests-per-minute";
import { RequestsPerMinuteChart } from "@/components/charts/requests-per-minute-chart";
import { durationText } from "@/app/(dashboard)/_lib/duration-text";
import type { TRouterOutputs } from "@/trpc/router-types";
import { cn } from "@/components/ui/cn";

type TIngestion = TRouterOutputs["operations"]["ingestion"];

function Stat({
  label,
  value,
  hint,
  isWarning = false,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  isWarning?: boolean;
}) {
  return (
    <div className="rounded-md border border-zinc-200 px-3 py-2">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className={cn("text-lg font-semibold tabular-nums", isWarning ? "text-warn-700" : "text-zinc-900")}>
        {value}
      </dd>
      {hint ? <dd className="text-xs text-zinc-500">{hint}</dd> : null}
    </div>
  );
}

export function IngestionCard({ query }: { query: UseQueryResult<TIngestion, unknown> }) {
  const body = (
    <QueryState query={query} what="ingestion" errorTitle="Could not read ingestion" rows={6}>
      {(data) => {
        const { overview, perMinute, windowFrom } = data;
        const buckets = prepareRequestsPerMinute(perMinute, windowFrom, 60);
        const attention = overview.quarantinedRequests + overview.failedRequests;
        return (
          <div className="flex flex-col gap-4">
            <dl className="grid grid-cols-2 gap-2 md:grid-cols-3 xl:grid-cols-5">
              <Stat
                label="Inbox depth"
                value={overview.pending.toLocaleString("en")}
                hint="requests waiting"
              />
              <Stat
                label="Processing lag"
                value={overview.pending === 0 ? "none" : durationText(overview.lagSeconds * 1000)}
                hint="age of the oldest waiting request"
                isWarning={overview.lagSeconds > 60}
              />
              <Stat
                label="Requests needing attention"
                value={attention.toLocaleString("en")}
                hint={`${overview.quarantinedRequests} quarantined · ${overview.failedRequests} failed`}
                isWarning={attention > 0}
              />
              <Stat label="Open quarantine items" value={overview.quarantineOpen.toLocaleString("en")} />
              <Stat label="Orphans waiting" value={overview.orphansWaiting.toLocaleString("en")} />
            </dl>
            <RequestsPerMinuteChart buckets={buckets} label="Webhook requests per minute, last hour" />
          </div>
        );
      }}
    </QueryState>
  );
  return (
    <Card
      title="Ingestion"
      actions={
        <Link href="/operations/requests" className="text-sm text-accent-700 underline underline-offset-2">
          Stored requests
        </Link>
      }
      description="Verified webhook requests per minute over the last hour, stacked by what processing made of them (re-posted bodies count on the original)."
    >
      {body}
    </Card>
  );
}
