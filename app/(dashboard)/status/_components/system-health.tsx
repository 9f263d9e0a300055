"use client";
// Database and worker health, refreshed every 5 seconds.
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Badge, type TBadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { TimeStamp } from "@/components/ui/time-stamp";
import type { TRouterOutputs } from "@/trpc/router-types";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

const POLL_MS = 5_000;

type THealth = TRouterOutputs["system"]["health"];

const OVERALL: Record<THealth["status"], { label: string; tone: TBadgeTone; summary: string }> = {
  ok: { label: "Operational", tone: "ok", summary: "The database answers and at least one worker is live." },
  degraded: {
    label: "Degraded",
    tone: "warn",
    summary:
      "The database answers, but no worker has sent a heartbeat recently: queued jobs are not being processed.",
  },
  down: {
    label: "Down",
    tone: "bad",
    summary: "The database is unreachable: nothing can be stored or sent.",
  },
};

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-1.5">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-right font-medium text-zinc-900 tabular-nums">{children}</dd>
    </div>
  );
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

export function SystemHealth() {
  const trpc = useTRPC();
  const health = useQuery(
    trpc.system.health.queryOptions(undefined, { refetchInterval: POLL_MS, staleTime: 0, retry: 0 }),
  );

  return (
    <QueryState
      query={health}
      what="system status"
      errorTitle="Could not read system status"
      placeholder={
        <div className="grid gap-4 md:grid-cols-3">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} className="h-32 rounded-lg" />
          ))}
        </div>
      }
    >
      {(data) => {
        const overall = OVERALL[data.status];
        const heartbeatAge = data.worker.lastSeenAt
          ? secondsBetween(data.worker.lastSeenAt, data.checkedAt)
          : null;

        return (
          <>
            {health.isError ? (
              <ErrorState
                title="Status updates paused"
                message={`The last refresh failed (${errorMessageOf(health.error) ?? "unknown error"}). Showing the previous reading.`}
              />
            ) : null}
            <div className="grid gap-4 md:grid-cols-3">
              <Card title="Overall">
                <div className="flex flex-col gap-2">
                  <p>
                    <Badge tone={overall.tone} hasDot>
                      <span className="sr-only">Overall status: </span>
                      {overall.label}
                    </Badge>
                  </p>
                  <p className="text-sm text-zinc-600">{overall.summary}</p>
                  <p className="text-xs text-zinc-500">
                    Checked <TimeStamp value={data.checkedAt} format="time" /> · refreshes every{" "}
                    {POLL_MS / 1000} s
                  </p>
                </div>
              </Card>

              <Card title="Database">
                <dl className="divide-y divide-zinc-100 text-sm">
                  <Stat label="Status">
                    <Badge tone={data.database.ok ? "ok" : "bad"} hasDot>
                      {data.database.ok ? "Up" : "Down"}
                    </Badge>
                  </Stat>
                  <Stat label="Latency">
                    {data.database.latencyMs === null ? "—" : `${data.database.latencyMs} ms`}
                  </Stat>
                </dl>
                {data.database.error ? (
                  <p className="mt-2 text-xs break-words text-bad-700">{data.database.error}</p>
                ) : null}
              </Card>

              <Card title="Worker">
                <dl className="divide-y divide-zinc-100 text-sm">
                  <Stat label="Status">
                    <Badge tone={data.worker.ok ? "ok" : data.database.ok ? "warn" : "bad"} hasDot>
                      {data.worker.ok ? "Live" : "Not live"}
                    </Badge>
                  </Stat>
                  <Stat label="Live workers">{data.worker.liveWorkers}</Stat>
                  <Stat label="Last heartbeat">
                    <TimeStamp value={data.worker.lastSeenAt} fallback="Never" />
                    {heartbeatAge !== null ? (
                      <span className="block text-xs font-normal text-zinc-500">
                        {heartbeatAge} s before the check
                      </span>
                    ) : null}
                  </Stat>
                </dl>
              </Card>
            </div>
          </>
        );
      }}
    </QueryState>
  );
}
