"use client";
// One stored webhook request: its facts (received, size, signature key, hash, duplicates), what
// its last processing made of it, the headers and body as received, its quarantine items and its
// replays with their outcome (new facts against duplicates). Engineers replay it with a reason.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { IdText } from "@/components/ui/id-text";
import { JsonBlock } from "@/components/ui/json-block";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import { useTRPC } from "@/trpc/client";
import { processingResultText } from "../../_lib/processing-result";
import { STATUS_LABELS, type TInboxStatus } from "./request-inputs";
import { STATUS_TONES } from "./requests-list";

type TTenant = { id: string; slug: string; name: string };

function statusBadge(status: string | null) {
  if (status === null) return <Badge tone="neutral">Waiting</Badge>;
  const known = status as TInboxStatus;
  return <Badge tone={STATUS_TONES[known] ?? "neutral"}>{STATUS_LABELS[known] ?? status}</Badge>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-sm break-words text-zinc-900">{children}</dd>
    </div>
  );
}

function bodyText(body: { encoding: "utf8" | "base64"; text: string }): string {
  if (body.encoding === "base64") return body.text;
  try {
    return JSON.stringify(JSON.parse(body.text), null, 2);
  } catch {
    return body.text;
  }
}

export function RequestDetail({
  requestId,
  tenants,
  canAct,
}: {
  requestId: string;
  tenants: TTenant[];
  canAct: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isReplayOpen, setIsReplayOpen] = useState(false);
  const [replayed, setReplayed] = useState<string | null>(null);
  const query = useQuery(
    trpc.ingest.getRequest.queryOptions(
      { rawWebhookId: requestId },
      // while a replay (or the first processing) is under way, follow it
      { refetchInterval: (q) => (q.state.data?.status === "pending" ? 2_000 : 30_000) },
    ),
  );
  const replay = useMutation(
    trpc.ingest.replay.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.ingest.pathFilter());
        setReplayed(result.replayId);
        setIsReplayOpen(false);
      },
    }),
  );
  const tenantOf = new Map(tenants.map((t) => [t.id, t]));
  return (
    <QueryState query={query} what="the request">
      {(r) => (
        <div className="flex flex-col gap-6">
          <div role="status" aria-live="polite">
            {replayed ? (
              <Alert tone="ok">
                Replay queued.{" "}
                <Link href={`/operations/replays/${replayed}`} className="underline underline-offset-2">
                  Follow the replay
                </Link>
              </Alert>
            ) : null}
          </div>
          <Card
            title="Request"
            actions={
              canAct ? (
                <Button variant="secondary" size="sm" onClick={() => setIsReplayOpen(true)}>
                  Replay request
                </Button>
              ) : null
            }
          >
            <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
              <Fact label="Id">
                <IdText value={r.id} label="request ID" />
              </Fact>
              <Fact label="Status">{statusBadge(r.status)}</Fact>
              <Fact label="Received">
                <TimeStamp value={r.receivedAt} format="full" />
              </Fact>
              <Fact label="Processed">
                <TimeStamp value={r.processedAt} format="full" fallback="not yet" />
                {r.processCount > 1 ? ` (${r.processCount} times)` : ""}
              </Fact>
              <Fact label="What processing made of it">{processingResultText(r.result)}</Fact>
              <Fact label="Tenants">
                {r.tenantIds.length === 0 ? (
                  "none resolved"
                ) : (
                  <span className="flex flex-wrap gap-2">
                    {r.tenantIds.map((id) => {
                      const t = tenantOf.get(id);
                      return t ? (
                        <Link
                          key={id}
                          href={`/t/${encodeURIComponent(t.slug)}/messages`}
                          className="text-accent-700 underline underline-offset-2"
                        >
                          {t.name}
                        </Link>
                      ) : (
                        <span key={id}>{id}</span>
                      );
                    })}
                  </span>
                )}
              </Fact>
              <Fact label="Size">{r.bodyBytes.toLocaleString("en")} bytes</Fact>
              <Fact label="Posted again">
                {r.duplicateCount === 0 ? (
                  "never"
                ) : (
                  <>
                    {r.duplicateCount}×, last <TimeStamp value={r.lastDuplicateAt} format="full" />
                  </>
                )}
              </Fact>
              <Fact label="Signed with">app secret #{r.signatureKeyIndex + 1}</Fact>
              <Fact label="Body SHA-256">
                <IdText value={r.bodySha256} label="body hash" />
              </Fact>
            </dl>
            {r.lastError ? (
              <div className="mt-4">
                <Alert tone="bad">Last error: {r.lastError}</Alert>
              </div>
            ) : null}
          </Card>

          <Card title="Replays" bodyClassName={r.replays.length > 0 ? "p-0" : undefined}>
            {r.replays.length === 0 ? (
              <p className="text-sm text-zinc-600">Never replayed.</p>
            ) : (
              <Table label="Replays of this request">
                <THead>
                  <tr>
                    <TH>Replay</TH>
                    <TH>Before</TH>
                    <TH>After</TH>
                    <TH>Outcome</TH>
                  </tr>
                </THead>
                <TBody>
                  {r.replays.map((p) => (
                    <TR key={p.replayId} className="align-top">
                      <TD>
                        <Link
                          href={`/operations/replays/${p.replayId}`}
                          className="font-mono text-xs break-all text-accent-700 underline underline-offset-2"
                        >
                          {p.replayId}
                        </Link>
                        <span className="block text-xs text-zinc-500">
                          <TimeStamp value={p.processedAt} format="full" fallback="not processed yet" />
                        </span>
                      </TD>
                      <TD>{statusBadge(p.previousStatus)}</TD>
                      <TD>{statusBadge(p.status)}</TD>
                      <TD className="text-xs text-zinc-700">
                        {p.status === null ? "waiting for the worker" : processingResultText(p.result)}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            )}
          </Card>

          {r.quarantine.length > 0 ? (
            <Card title="Quarantine items" bodyClassName="p-0">
              <Table label="Quarantine items of this request">
                <THead>
                  <tr>
                    <TH>Item</TH>
                    <TH>Why</TH>
                    <TH>Resolved</TH>
                  </tr>
                </THead>
                <TBody>
                  {r.quarantine.map((q) => (
                    <TR key={q.id} className="align-top">
                      <TD className="font-mono text-xs break-all">{q.itemPath || "whole body"}</TD>
                      <TD className="min-w-48 text-xs text-zinc-700">
                        <Badge tone="warn">{q.reason}</Badge> {q.detail}
                      </TD>
                      <TD className="text-xs text-zinc-700">
                        {q.resolvedAt ? (
                          <>
                            {q.resolution ?? "resolved"} <TimeStamp value={q.resolvedAt} format="short" />
                            {q.resolvedBy ? ` by ${actorText(q.resolvedBy)}` : ""}
                          </>
                        ) : (
                          <Badge tone="warn">Open</Badge>
                        )}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            </Card>
          ) : null}

          <Card title="Headers">
            <JsonBlock value={r.headers} label="Request headers" />
          </Card>
          <Card
            title="Body"
            description={r.body?.encoding === "base64" ? "Not valid UTF-8: shown as base64." : undefined}
          >
            {r.body ? (
              <JsonBlock text={bodyText(r.body)} label="Request body" />
            ) : (
              <p className="text-sm text-zinc-600">
                Pruned by retention
                {r.bodyPrunedAt ? (
                  <>
                    {" "}
                    on <TimeStamp value={r.bodyPrunedAt} format="short" />
                  </>
                ) : null}
                ; the hash above still identifies it.
              </p>
            )}
          </Card>

          {canAct ? (
            <ReasonDialog
              isOpen={isReplayOpen}
              onClose={() => setIsReplayOpen(false)}
              title="Replay request"
              description="The worker processes this request again. Facts the ledger already holds count as duplicates; nothing is recorded twice."
              reasonHint="Recorded with your name in the audit log."
              submitLabel="Replay request"
              pendingLabel="Queuing…"
              mutation={replay}
              onSubmit={(reason) => replay.mutate({ filter: { rawWebhookIds: [r.id] }, reason })}
            />
          ) : null}
        </div>
      )}
    </QueryState>
  );
}
