"use client";
// The operator channels with what is waiting or failed, their actions (test, enable/disable,
// remove), and the latest notifications with their outcome.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Textarea } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { formText } from "@/components/ui/form-text";
import { errorMessageOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

const STATUS_TONE = { pending: "warn", succeeded: "ok", failed: "bad" } as const;
const STATUS_LABEL = { pending: "Waiting", succeeded: "Sent", failed: "Failed" } as const;

export function ChannelsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.channels.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const [removing, setRemoving] = useState<{ id: string; target: string } | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
  const update = useMutation(
    trpc.channels.update.mutationOptions({
      onSuccess: invalidate,
      onError: (e) => setMessage({ tone: "error", text: errorMessageOf(e) ?? "Something went wrong." }),
    }),
  );
  const test = useMutation(
    trpc.channels.test.mutationOptions({
      onSuccess: async () => {
        setMessage({
          tone: "ok",
          text: "Test notification queued; its outcome appears below within seconds.",
        });
        await invalidate();
      },
      onError: (e) => setMessage({ tone: "error", text: errorMessageOf(e) ?? "Something went wrong." }),
    }),
  );

  return (
    <QueryState query={list} what="the channels" rows={3}>
      {(data) => {
        const { channels, notifications } = data;
        const channelName = new Map(channels.map((c) => [c.id, c.target]));
        return (
          <>
            {channels.length === 0 ? (
              <EmptyState
                title="No alert channels"
                description="Platform alerts are visible only in the console until a channel is added."
              />
            ) : (
              <Card title="Channels" description={`${channels.length} configured`} bodyClassName="p-0">
                <Table label="Alert channels">
                  <THead>
                    <tr>
                      <TH>Kind</TH>
                      <TH>Target</TH>
                      <TH>Takes</TH>
                      <TH>Status</TH>
                      <TH>Waiting / failed</TH>
                      <TH>
                        <span className="sr-only">Actions</span>
                      </TH>
                    </tr>
                  </THead>
                  <TBody>
                    {channels.map((c) => (
                      <TR key={c.id}>
                        <TD className="whitespace-nowrap">{c.kind === "slack" ? "Webhook" : "Email"}</TD>
                        <TD>
                          <span className="font-mono text-xs break-all">{c.target}</span>
                          {c.description ? (
                            <span className="block text-xs text-zinc-500">{c.description}</span>
                          ) : null}
                        </TD>
                        <TD className="whitespace-nowrap">{c.minSeverity} and above</TD>
                        <TD className="whitespace-nowrap">
                          {c.isEnabled ? (
                            <Badge tone="ok" hasDot>
                              Enabled
                            </Badge>
                          ) : (
                            <Badge tone="neutral">Disabled</Badge>
                          )}
                        </TD>
                        <TD className="text-sm">
                          {c.pending} / {c.failed}
                          {c.lastError ? (
                            <span className="block text-xs text-bad-700">Last error: {c.lastError}</span>
                          ) : null}
                        </TD>
                        <TD className="text-right whitespace-nowrap">
                          <div className="flex justify-end gap-2">
                            <Button
                              variant="secondary"
                              size="sm"
                              aria-label={`Send a test to ${c.target}`}
                              disabled={!c.isEnabled || test.isPending}
                              onClick={() => test.mutate({ channelId: c.id })}
                            >
                              Test
                            </Button>
                            <Button
                              variant="secondary"
                              size="sm"
                              aria-label={`${c.isEnabled ? "Disable" : "Enable"} ${c.target}`}
                              disabled={update.isPending}
                              onClick={() => update.mutate({ channelId: c.id, isEnabled: !c.isEnabled })}
                            >
                              {c.isEnabled ? "Disable" : "Enable"}
                            </Button>
                            <Button
                              variant="danger"
                              size="sm"
                              aria-label={`Remove ${c.target}`}
                              onClick={() => setRemoving({ id: c.id, target: c.target })}
                            >
                              Remove
                            </Button>
                          </div>
                        </TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              </Card>
            )}
            <FormMessage tone={message?.tone === "ok" ? "ok" : undefined} message={message?.text ?? null} />
            <Card
              title="Latest notifications"
              description="Alert changes sent to the channels, newest first"
              bodyClassName="p-0"
            >
              {notifications.length === 0 ? (
                <p className="p-4 text-sm text-zinc-500">Nothing sent yet.</p>
              ) : (
                <Table label="Latest notifications">
                  <THead>
                    <tr>
                      <TH>Queued</TH>
                      <TH>Channel</TH>
                      <TH>Subject</TH>
                      <TH>Status</TH>
                      <TH>Attempts</TH>
                    </tr>
                  </THead>
                  <TBody>
                    {notifications.map((n) => (
                      <TR key={n.id}>
                        <TD className="whitespace-nowrap">
                          <TimeStamp format="short" value={n.createdAt} />
                        </TD>
                        <TD className="font-mono text-xs break-all">
                          {channelName.get(n.channelId) ?? n.channelId}
                        </TD>
                        <TD>{n.subject}</TD>
                        <TD className="whitespace-nowrap">
                          <Badge tone={STATUS_TONE[n.status]}>{STATUS_LABEL[n.status]}</Badge>
                          {n.lastError && n.status !== "succeeded" ? (
                            <span className="block text-xs text-bad-700">{n.lastError}</span>
                          ) : null}
                        </TD>
                        <TD className="whitespace-nowrap">{n.attemptCount}</TD>
                      </TR>
                    ))}
                  </TBody>
                </Table>
              )}
            </Card>
            <Dialog
              isOpen={removing !== null}
              onClose={() => setRemoving(null)}
              role="alertdialog"
              title="Remove channel"
              description={
                removing
                  ? `${removing.target} will receive no more alerts; its history is deleted.`
                  : undefined
              }
            >
              {removing ? <RemoveForm channelId={removing.id} onDone={() => setRemoving(null)} /> : null}
            </Dialog>
          </>
        );
      }}
    </QueryState>
  );
}

function RemoveForm({ channelId, onDone }: { channelId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [missingReason, setMissingReason] = useState(false);
  const remove = useMutation(
    trpc.channels.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
        onDone();
      },
    }),
  );
  return (
    <form
      aria-label="Remove channel"
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (remove.isPending) return;
        const reason = formText(new FormData(event.currentTarget), "reason").trim();
        setMissingReason(!reason);
        if (reason) remove.mutate({ channelId, reason });
      }}
    >
      <Field
        label="Reason"
        hint="Recorded in the audit log with your name."
        error={missingReason ? "Give a reason; it is kept in the audit log." : undefined}
      >
        {(control) => <Textarea {...control} name="reason" required autoFocus maxLength={500} />}
      </Field>
      <FormMessage message={remove.isError ? errorMessageOf(remove.error) : null} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onDone} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" isPending={remove.isPending} pendingLabel="Removing…">
          Remove channel
        </Button>
      </div>
    </form>
  );
}
