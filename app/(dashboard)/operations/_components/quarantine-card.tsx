"use client";
// Open quarantine items, newest first, with the reason and the request; engineers replay the
// request (after fixing the cause, e.g. registering the number) or discard the item, with a reason.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { LoadMoreFooter } from "@/app/(dashboard)/_components/load-more";
import { useTRPC } from "@/trpc/client";
import { OPERATIONS_LIST_POLL_MS, QUARANTINE_INPUT, quarantineCursor } from "./operations-inputs";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

type TTarget = { kind: "replay" | "discard"; quarantineId: string; rawWebhookId: string; reason: string };

const REASON_LABELS: Record<string, string> = {
  malformed_json: "Malformed JSON",
  invalid_envelope: "Invalid envelope",
  invalid_item: "Invalid item",
  unknown_status: "Unknown status",
  unknown_phone_number: "Unknown phone number",
  waba_mismatch: "WABA mismatch",
  unknown_waba: "Unknown WABA",
  ambiguous_waba: "Ambiguous WABA",
  unknown_sender: "Unknown sender",
};

export function QuarantineCard({ canAct, onDone }: { canAct: boolean; onDone: (message: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<TTarget | null>(null);
  const query = useInfiniteQuery({
    ...trpc.ingest.listQuarantine.infiniteQueryOptions(QUARANTINE_INPUT, {
      getNextPageParam: quarantineCursor,
    }),
    refetchInterval: OPERATIONS_LIST_POLL_MS,
  });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.ingest.pathFilter()),
      queryClient.invalidateQueries(trpc.operations.pathFilter()),
    ]);
  const replay = useMutation(
    trpc.ingest.replay.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        onDone(
          `Replay ${shortId(result.replayId)} queued (${result.requestCount} request). The item resolves when processing no longer quarantines it.`,
        );
        setTarget(null);
      },
    }),
  );
  const discard = useMutation(
    trpc.ingest.discardQuarantine.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone("Quarantine item discarded; it stays visible in the request's history.");
        setTarget(null);
      },
    }),
  );
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const body = (
    <QueryState
      query={query}
      what="quarantine"
      isEmpty={() => rows.length === 0}
      empty={{
        title: "Nothing in quarantine",
        description:
          "Webhook items that cannot be processed (an unknown number, a malformed body) wait here, never guessed.",
      }}
    >
      {() => (
        <>
          <Table label="Open quarantine items">
            <THead>
              <tr>
                <TH>Quarantined</TH>
                <TH>Reason</TH>
                <TH>Detail</TH>
                <TH>Request</TH>
                {canAct ? <TH>Actions</TH> : null}
              </tr>
            </THead>
            <TBody>
              {rows.map((q) => {
                const reasonLabel = REASON_LABELS[q.reason] ?? q.reason;
                return (
                  <TR key={q.id} className="align-top">
                    <TD className="whitespace-nowrap text-zinc-600">
                      <TimeStamp value={q.createdAt} format="short" />
                    </TD>
                    <TD>
                      <Badge tone="warn">{reasonLabel}</Badge>
                    </TD>
                    <TD className="max-w-80 min-w-48 text-xs text-zinc-700">
                      {q.detail}
                      {q.phoneNumberId || q.wabaId ? (
                        <span className="block font-mono text-zinc-500">
                          {q.phoneNumberId ? `phone_number_id ${q.phoneNumberId}` : ""}
                          {q.phoneNumberId && q.wabaId ? " · " : ""}
                          {q.wabaId ? `WABA ${q.wabaId}` : ""}
                        </span>
                      ) : null}
                    </TD>
                    <TD className="max-w-48 font-mono text-xs break-all" title={q.rawWebhookId}>
                      <Link
                        href={`/operations/requests/${q.rawWebhookId}`}
                        className="text-accent-700 underline underline-offset-2"
                      >
                        {shortId(q.rawWebhookId)}
                        <span className="sr-only"> open the request</span>
                      </Link>
                      {q.itemPath ? <span className="block text-zinc-500">{q.itemPath}</span> : null}
                    </TD>
                    {canAct ? (
                      <TD className="whitespace-nowrap">
                        <span className="flex gap-1.5">
                          <Button
                            variant="secondary"
                            size="sm"
                            onClick={() =>
                              setTarget({
                                kind: "replay",
                                quarantineId: q.id,
                                rawWebhookId: q.rawWebhookId,
                                reason: reasonLabel,
                              })
                            }
                          >
                            Replay<span className="sr-only"> request {shortId(q.rawWebhookId)}</span>
                          </Button>
                          <Button
                            variant="ghost"
                            size="sm"
                            onClick={() =>
                              setTarget({
                                kind: "discard",
                                quarantineId: q.id,
                                rawWebhookId: q.rawWebhookId,
                                reason: reasonLabel,
                              })
                            }
                          >
                            Discard
                            <span className="sr-only">
                              {" "}
                              quarantine item of request {shortId(q.rawWebhookId)}
                            </span>
                          </Button>
                        </span>
                      </TD>
                    ) : null}
                  </TR>
                );
              })}
            </TBody>
          </Table>
          <LoadMoreFooter
            query={query}
            buttonLabel="Load more quarantine items"
            endText={`${rows.length} open · end of the list`}
          />
        </>
      )}
    </QueryState>
  );
  return (
    <Card
      id="quarantine"
      title="Quarantine"
      description="Items of verified requests that could not be processed, newest first. Replay re-runs the whole request once the cause is fixed; facts already recorded get no second receipt."
      bodyClassName={rows.length > 0 ? "p-0" : undefined}
    >
      {body}
      {canAct ? (
        <>
          <ReasonDialog
            isOpen={target?.kind === "replay"}
            onClose={() => setTarget(null)}
            title="Replay request"
            description={`Request ${target ? shortId(target.rawWebhookId) : ""} (${target?.reason ?? ""}) is processed again, whole.`}
            reasonHint="Recorded with your name on the replay and in the audit log."
            submitLabel="Replay request"
            pendingLabel="Replaying…"
            mutation={replay}
            onSubmit={(reason) =>
              target && replay.mutate({ filter: { rawWebhookIds: [target.rawWebhookId] }, reason })
            }
          />
          <ReasonDialog
            isOpen={target?.kind === "discard"}
            onClose={() => setTarget(null)}
            title="Discard quarantine item"
            description="Closes the item as not worth processing. It stays visible with who discarded it and why."
            reasonHint="Recorded with your name in the audit log."
            submitLabel="Discard item"
            pendingLabel="Discarding…"
            variant="danger"
            mutation={discard}
            onSubmit={(reason) => target && discard.mutate({ quarantineId: target.quarantineId, reason })}
          />
        </>
      ) : null}
    </Card>
  );
}
