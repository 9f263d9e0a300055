"use client";
// Sender numbers whose sending is paused (a blocked sender, or an engineer), across tenants; their
// queues wait. Engineers resume one with a reason, optionally retrying what the pause dead-lettered.
import { useMutation, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

type TPaused = TRouterOutputs["sending"]["listPausedSenders"];
type TTarget = { tenantId: string; senderNumberId: string; displayNumber: string; hasErrorCode: boolean };

export function PausedSendersCard({
  query,
  canAct,
  onDone,
}: {
  query: UseQueryResult<TPaused, unknown>;
  canAct: boolean;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<TTarget | null>(null);
  const resume = useMutation(
    trpc.sending.resumeSender.mutationOptions({
      onSuccess: async (result) => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.sending.pathFilter()),
          queryClient.invalidateQueries(trpc.operations.pathFilter()),
          queryClient.invalidateQueries(trpc.alerts.pathFilter()),
        ]);
        onDone(
          `Sending resumed for ${target?.displayNumber ?? "the number"}${result.requeued > 0 ? `; ${result.requeued} dead-lettered messages retried` : ""}.`,
        );
        setTarget(null);
      },
    }),
  );
  const body = (
    <QueryState
      query={query}
      what="paused numbers"
      rows={3}
      isEmpty={(d) => d.length === 0}
      empty={{
        title: "No paused numbers",
        description:
          "A number pauses by itself when Meta blocks it (its queue waits, other numbers flow), or when an engineer pauses it.",
      }}
    >
      {(data) => (
        <Table label="Paused numbers">
          <THead>
            <tr>
              <TH>Tenant</TH>
              <TH>Number</TH>
              <TH>Paused</TH>
              <TH>Why</TH>
              <TH className="text-right">Queued</TH>
              {canAct ? <TH>Actions</TH> : null}
            </tr>
          </THead>
          <TBody>
            {data.map((s) => (
              <TR key={s.senderNumberId} className="align-top">
                <TD>{s.tenantSlug}</TD>
                <TD className="whitespace-nowrap">{s.displayNumber}</TD>
                <TD className="whitespace-nowrap text-zinc-600">
                  <TimeStamp value={s.pausedAt} format="short" />
                  {s.pausedBy ? (
                    <span className="block text-xs text-zinc-500">by {actorText(s.pausedBy)}</span>
                  ) : null}
                </TD>
                <TD className="min-w-48 text-xs text-zinc-700">
                  {s.pausedErrorCode ? <Badge tone="bad">{s.pausedErrorCode}</Badge> : null} {s.pausedReason}
                </TD>
                <TD className="text-right tabular-nums">{s.queued}</TD>
                {canAct ? (
                  <TD>
                    <Button
                      variant="secondary"
                      size="sm"
                      onClick={() =>
                        setTarget({
                          tenantId: s.tenantId,
                          senderNumberId: s.senderNumberId,
                          displayNumber: s.displayNumber,
                          hasErrorCode: s.pausedErrorCode !== null,
                        })
                      }
                    >
                      Resume<span className="sr-only"> sending for {s.displayNumber}</span>
                    </Button>
                  </TD>
                ) : null}
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </QueryState>
  );
  return (
    <Card
      id="paused-numbers"
      title="Paused numbers"
      description="Numbers that send nothing until resumed; each has an open sender-health alert."
      bodyClassName={query.data && query.data.length > 0 ? "p-0" : undefined}
    >
      {body}
      {canAct ? (
        <ReasonDialog
          isOpen={target !== null}
          onClose={() => setTarget(null)}
          title="Resume sending"
          description={`${target?.displayNumber ?? ""} sends again: its queue flows and its alert is resolved.`}
          reasonHint="Recorded with your name in the audit log and on the alert."
          submitLabel="Resume sending"
          pendingLabel="Resuming…"
          mutation={resume}
          onSubmit={(reason, form) =>
            target &&
            resume.mutate({
              tenantId: target.tenantId,
              senderNumberId: target.senderNumberId,
              reason,
              requeueDeadLettered: form.get("requeue") === "on",
            })
          }
        >
          {target?.hasErrorCode ? (
            <label className="flex items-start gap-2 text-sm text-zinc-800">
              <input type="checkbox" name="requeue" className="mt-0.5 size-4 rounded border-zinc-300" />
              <span>
                Also retry the messages this pause dead-lettered (same number, same error, since the pause)
              </span>
            </label>
          ) : null}
        </ReasonDialog>
      ) : null}
    </Card>
  );
}
