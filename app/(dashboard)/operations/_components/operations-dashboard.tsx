"use client";
// The Operations page's live part: what needs attention now, in-doubt sends, ingestion, quarantine, orphans, queues, paused numbers and
// provider errors, refreshed every 10 s (paged lists every 30 s), with when it was last updated.
// Actions (resolve, replay, discard, resume) only for operations.act holders; the server checks again.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { TimeStamp } from "@/components/ui/time-stamp";
import { useTRPC } from "@/trpc/client";
import { IngestionCard } from "./ingestion-card";
import { needsAttention } from "../_lib/needs-attention";
import { InDoubtCard } from "./in-doubt-card";
import { NeedsAttentionCard } from "./needs-attention-card";
import { IN_DOUBT_INPUT, OPERATIONS_POLL_MS, PAUSED_SENDERS_INPUT } from "./operations-inputs";
import { OrphansCard } from "./orphans-card";
import { PausedSendersCard } from "./paused-senders-card";
import { ProviderErrorsCard } from "./provider-errors-card";
import { QuarantineCard } from "./quarantine-card";
import { QueuesCard } from "./queues-card";

export function OperationsDashboard({ canAct }: { canAct: boolean }) {
  const trpc = useTRPC();
  const [notice, setNotice] = useState<string | null>(null);
  const poll = { refetchInterval: OPERATIONS_POLL_MS };
  const ingestion = useQuery(trpc.operations.ingestion.queryOptions(undefined, poll));
  const queues = useQuery(trpc.operations.queues.queryOptions(undefined, poll));
  const providerErrors = useQuery(trpc.operations.providerErrors.queryOptions(undefined, poll));
  const paused = useQuery(trpc.sending.listPausedSenders.queryOptions(PAUSED_SENDERS_INPUT, poll));
  const inDoubt = useQuery(trpc.sending.listInDoubt.queryOptions(IN_DOUBT_INPUT, poll));
  const alertCounts = useQuery(trpc.alerts.counts.queryOptions({ scope: "all" }, poll));
  const attention = needsAttention({
    paused: paused.data,
    inDoubt: inDoubt.data,
    providerErrors: providerErrors.data?.tenants,
    quarantineOpen: ingestion.data?.overview.quarantineOpen,
    alertCounts: alertCounts.data,
  });
  const isAttentionLoading = [paused, inDoubt, providerErrors, ingestion, alertCounts].some(
    (q) => q.isPending,
  );
  const updatedAt = ingestion.dataUpdatedAt > 0 ? new Date(ingestion.dataUpdatedAt) : null;
  const hasFailedRefresh = [ingestion, queues, providerErrors, paused, inDoubt, alertCounts].some(
    (q) => q.isError && q.data,
  );

  return (
    <div className="flex flex-col gap-6">
      <p className="text-xs text-zinc-500" aria-live="off">
        Updated <TimeStamp value={updatedAt} format="time" fallback="never" /> · refreshes every{" "}
        {OPERATIONS_POLL_MS / 1000} s
        {hasFailedRefresh ? (
          <span className="text-warn-700"> · the last refresh failed; showing the previous reading</span>
        ) : null}
        {canAct ? null : " · read only: engineers replay, discard and resume"}
      </p>
      <div role="status" aria-live="polite">
        {notice ? <Alert tone="ok">{notice}</Alert> : null}
      </div>
      <NeedsAttentionCard items={attention} isLoading={isAttentionLoading} />
      <InDoubtCard query={inDoubt} canAct={canAct} onDone={setNotice} />
      <IngestionCard query={ingestion} />
      <QuarantineCard canAct={canAct} onDone={setNotice} />
      <OrphansCard canAct={canAct} checkedAt={ingestion.data?.checkedAt ?? null} onDone={setNotice} />
      <QueuesCard query={queues} />
      <PausedSendersCard query={paused} canAct={canAct} onDone={setNotice} />
      <ProviderErrorsCard query={providerErrors} />
    </div>
  );
}
