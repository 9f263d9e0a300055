"use client";
// "Run job probe": enqueues a no-op job and waits for the worker to record its completion,
// which proves the whole path (web -> queue -> worker -> database) works, not just liveness.
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormMessage } from "@/components/ui/form-message";
import { TimeStamp } from "@/components/ui/time-stamp";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";

const POLL_MS = 500;
// a healthy worker answers in well under a second; past this the probe is reported as lost
const GIVE_UP_MS = 30_000;

type TProbe = { probeId: string; enqueuedAt: Date };

export function JobProbe() {
  const trpc = useTRPC();
  const [probe, setProbe] = useState<TProbe | null>(null);
  const [timedOutId, setTimedOutId] = useState<string | null>(null);

  const run = useMutation(
    trpc.system.runProbe.mutationOptions({
      onSuccess: (result) => {
        setTimedOutId(null);
        setProbe({ probeId: result.probeId, enqueuedAt: result.enqueuedAt });
      },
    }),
  );

  const isTimedOut = probe !== null && timedOutId === probe.probeId;
  const status = useQuery(
    trpc.system.probe.queryOptions(probe && !isTimedOut ? { probeId: probe.probeId } : skipToken, {
      refetchInterval: (query) => (query.state.data?.isCompleted ? false : POLL_MS),
      staleTime: 0,
      retry: 2,
    }),
  );

  useEffect(() => {
    if (!probe) return;
    const timer = setTimeout(() => setTimedOutId(probe.probeId), GIVE_UP_MS);
    return () => clearTimeout(timer);
  }, [probe]);

  const completedAt = status.data?.isCompleted ? status.data.completedAt : null;
  const isWaiting = probe !== null && !completedAt && !isTimedOut && !status.isError;
  const roundTripMs =
    probe && completedAt ? Math.max(0, completedAt.getTime() - probe.enqueuedAt.getTime()) : null;

  let message: string | null = null;
  let tone: "ok" | "bad" | "info" = "info";
  if (run.isError) {
    message = `The probe could not be queued. ${errorMessageOf(run.error) ?? ""}`.trim();
    tone = "bad";
  } else if (status.isError) {
    message = `Lost track of the probe. ${errorMessageOf(status.error) ?? ""}`.trim();
    tone = "bad";
  } else if (isTimedOut && !completedAt) {
    message = `No worker completed the probe within ${GIVE_UP_MS / 1000} s. Check that a worker is live.`;
    tone = "bad";
  } else if (isWaiting) {
    message = "Probe queued; waiting for a worker to pick it up…";
  } else if (roundTripMs !== null) {
    message = `Round trip: ${roundTripMs} ms`;
    tone = "ok";
  }

  return (
    <Card
      title="Job probe"
      description="Queues a no-op job and measures how long the worker takes to complete it."
      actions={
        <Button
          size="sm"
          variant="secondary"
          onClick={() => run.mutate()}
          isPending={run.isPending || isWaiting}
          pendingLabel="Running probe…"
        >
          Run job probe
        </Button>
      }
    >
      <FormMessage message={message} tone={tone} />
      {roundTripMs !== null && completedAt ? (
        <p className="mt-2 text-xs text-zinc-500">
          Queued <TimeStamp value={probe?.enqueuedAt} format="time" />, completed{" "}
          <TimeStamp value={completedAt} format="time" />. Measured on the server, from enqueue to the
          worker&apos;s completion record.
        </p>
      ) : null}
      {!message ? <p className="text-sm text-zinc-500">No probe run yet in this session.</p> : null}
    </Card>
  );
}
