"use client";
// Statuses waiting for their message (the wamid is not known yet), oldest first across tenants.
// They attach by themselves when the send response or the callback data names the message;
// engineers discard the ones that never will, with a reason.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { durationText } from "@/app/(dashboard)/_lib/duration-text";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { useTRPC } from "@/trpc/client";
import { OPERATIONS_LIST_POLL_MS, ORPHANS_INPUT, orphanCursor } from "./operations-inputs";
import { QueryState } from "@/components/query/query-state";

type TTarget = { tenantId: string; orphanId: string; wamid: string };

export function OrphansCard({
  canAct,
  checkedAt,
  onDone,
}: {
  canAct: boolean;
  /** the page's last reading, so ages agree with the other cards */
  checkedAt: Date | null;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<TTarget | null>(null);
  const query = useInfiniteQuery({
    ...trpc.operations.orphans.infiniteQueryOptions(ORPHANS_INPUT, { getNextPageParam: orphanCursor }),
    refetchInterval: OPERATIONS_LIST_POLL_MS,
  });
  const discard = useMutation(
    trpc.ingest.discardOrphan.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.operations.pathFilter()),
          queryClient.invalidateQueries(trpc.ingest.pathFilter()),
        ]);
        onDone("Orphan status discarded; it stays visible with who discarded it and why.");
        setTarget(null);
      },
    }),
  );
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const foreign = query.data?.pages[0]?.foreign ?? [];
  const body = (
    <QueryState
      query={query}
      what="orphan statuses"
      isEmpty={() => rows.length === 0}
      empty={{
        title: "No orphan statuses waiting",
        description:
          "A status whose wamid is not known yet waits here until its message's send response (or its callback data) names it.",
      }}
    >
      {() => (
        <>
          <Table label="Orphan statuses waiting, oldest first">
            <THead>
              <tr>
                <TH>Received</TH>
                <TH>Tenant</TH>
                <TH>Number</TH>
                <TH>Status</TH>
                <TH>wamid</TH>
                {canAct ? <TH>Actions</TH> : null}
              </tr>
            </THead>
            <TBody>
              {rows.map((o) => (
                <TR key={o.id} className="align-top">
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp value={o.receivedAt} format="short" />
                    {checkedAt ? (
                      <span className="block text-xs text-zinc-500">
                        waiting {durationText(checkedAt.getTime() - o.receivedAt.getTime())}
                      </span>
                    ) : null}
                  </TD>
                  <TD>{o.tenantName}</TD>
                  <TD className="whitespace-nowrap">{o.senderDisplayNumber}</TD>
                  <TD>{o.status}</TD>
                  <TD className="max-w-64 font-mono text-xs break-all">{o.providerMessageId}</TD>
                  {canAct ? (
                    <TD>
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() =>
                          setTarget({ tenantId: o.tenantId, orphanId: o.id, wamid: o.providerMessageId })
                        }
                      >
                        Discard<span className="sr-only"> orphan status {o.providerMessageId}</span>
                      </Button>
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
          <LoadMoreFooter
            query={query}
            buttonLabel="Load more orphan statuses"
            endText={`${rows.length} waiting · end of the list`}
          />
        </>
      )}
    </QueryState>
  );
  return (
    <Card
      title="Orphan statuses"
      description="Statuses that arrived before (or without) their message's send response, oldest first, across tenants."
      bodyClassName={rows.length > 0 ? "p-0" : undefined}
    >
      {body}
      {foreign.length > 0 ? (
        <div className="border-t border-zinc-200 px-4 py-3">
          <Table label="Foreign statuses per number, last 30 days">
            <THead>
              <tr>
                <TH>Tenant</TH>
                <TH>Number</TH>
                <TH>Foreign statuses</TH>
                <TH>Last received</TH>
              </tr>
            </THead>
            <TBody>
              {foreign.map((f) => (
                <TR key={`${f.tenantId}/${f.senderNumberId}`}>
                  <TD>{f.tenantName}</TD>
                  <TD className="whitespace-nowrap">{f.senderDisplayNumber}</TD>
                  <TD>{f.count}</TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp value={f.lastReceivedAt} format="short" />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
          <p className="mt-2 text-xs text-zinc-500">
            Statuses for messages Waybill never sent (another app on the same WhatsApp Business Account, or
            WhatsApp Manager): classed foreign after the grace period, counted here, never alerted on.
          </p>
        </div>
      ) : null}
      {canAct ? (
        <ReasonDialog
          isOpen={target !== null}
          onClose={() => setTarget(null)}
          title="Discard orphan status"
          description={`Gives up on the status for ${target?.wamid ?? ""}: it will not attach to a message any more.`}
          reasonHint="Recorded with your name in the audit log."
          submitLabel="Discard status"
          pendingLabel="Discarding…"
          variant="danger"
          mutation={discard}
          onSubmit={(reason) =>
            target && discard.mutate({ tenantId: target.tenantId, orphanId: target.orphanId, reason })
          }
        />
      ) : null}
    </Card>
  );
}
