"use client";
// A tenant's sender numbers, refreshed every 10 s: queue (waiting, due now, in flight, oldest due),
// rate (the engineer's maximum, the rate adapted after Meta's throttling), and whether sending is
// paused (by whom, why) or held by the number's health. Engineers pause and resume a number and
// set its maximum rate, each with a reason; the server checks the permission again.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { formText } from "@/components/ui/form-text";
import { IdText } from "@/components/ui/id-text";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QueryState } from "@/components/query/query-state";
import { ReasonDialog } from "@/components/ui/reason-dialog";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { SENDERS_INPUT, SENDERS_POLL_MS, senderAnchor } from "./senders-input";

type TSender = TRouterOutputs["sending"]["listSenders"][number];
type TDialog = { kind: "pause" | "resume" | "rate"; sender: TSender } | null;

function rateText(s: TSender): string {
  if (s.maxRateOverride !== null) return `at most ${s.maxRateOverride}/s (set by an engineer)`;
  return "the platform's default";
}

export function SendersView({ tenantId, slug, canAct }: { tenantId: string; slug: string; canAct: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<TDialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isDefaultRate, setIsDefaultRate] = useState(false);
  const query = useQuery(
    trpc.sending.listSenders.queryOptions(
      { tenantId, ...SENDERS_INPUT },
      { refetchInterval: SENDERS_POLL_MS },
    ),
  );
  const done = async (message: string) => {
    await Promise.all([
      queryClient.invalidateQueries(trpc.sending.pathFilter()),
      queryClient.invalidateQueries(trpc.alerts.pathFilter()),
      queryClient.invalidateQueries(trpc.operations.pathFilter()),
    ]);
    setNotice(message);
    setDialog(null);
  };
  const number = dialog?.sender.displayNumber ?? "";
  const pause = useMutation(
    trpc.sending.pauseSender.mutationOptions({ onSuccess: () => done(`Sending paused for ${number}.`) }),
  );
  const resume = useMutation(
    trpc.sending.resumeSender.mutationOptions({
      onSuccess: (result) =>
        done(
          `Sending resumed for ${number}${result.requeued > 0 ? `; ${result.requeued} dead-lettered messages retried` : ""}.`,
        ),
    }),
  );
  const setRate = useMutation(
    trpc.sending.setSenderMaxRate.mutationOptions({
      onSuccess: (_result, input) =>
        done(
          input.maxRate === null
            ? `${number} sends at the platform's default rate again.`
            : `${number} sends at most ${input.maxRate} messages a second.`,
        ),
    }),
  );
  const open = (kind: "pause" | "resume" | "rate", sender: TSender) => {
    setIsDefaultRate(false);
    setDialog({ kind, sender });
  };
  const live = dialog?.sender;
  return (
    <div className="flex flex-col gap-4">
      <p className="text-xs text-zinc-500">
        Refreshes every {SENDERS_POLL_MS / 1000} s
        {canAct ? null : " · read only: engineers pause, resume and set the rate"}
      </p>
      <div role="status" aria-live="polite">
        {notice ? <Alert tone="ok">{notice}</Alert> : null}
      </div>
      <Card
        title="Numbers and their queues"
        bodyClassName={query.data && query.data.length > 0 ? "p-0" : undefined}
      >
        <QueryState
          query={query}
          what="sender numbers"
          isEmpty={(rows) => rows.length === 0}
          empty={{
            title: "No sender numbers",
            description: "An admin adds a tenant's WhatsApp numbers on the tenant's admin page.",
          }}
        >
          {(rows) => (
            <Table label="Sender numbers">
              <THead>
                <tr>
                  <TH>Number</TH>
                  <TH>Sending</TH>
                  <TH className="text-right">Waiting</TH>
                  <TH className="text-right">Due now</TH>
                  <TH className="text-right">In flight</TH>
                  <TH>Rate</TH>
                  {canAct ? <TH>Actions</TH> : null}
                </tr>
              </THead>
              <TBody>
                {rows.map((s) => (
                  <TR
                    key={s.senderNumberId}
                    id={senderAnchor(s.senderNumberId)}
                    className="scroll-mt-20 align-top"
                  >
                    <TD>
                      <IdText value={s.displayNumber} label="number" />
                      <span className="block text-xs text-zinc-500">Meta status: {s.senderStatus}</span>
                    </TD>
                    <TD className="min-w-48 text-xs text-zinc-700">
                      {s.pausedAt ? (
                        <>
                          <Badge tone="bad">Paused</Badge>{" "}
                          {s.pausedErrorCode ? <Badge tone="bad">{s.pausedErrorCode}</Badge> : null}
                          <span className="mt-1 block">
                            since <TimeStamp value={s.pausedAt} format="short" />
                            {s.pausedBy ? ` by ${actorText(s.pausedBy)}` : ""}
                          </span>
                          {s.pausedReason ? <span className="block">{s.pausedReason}</span> : null}
                        </>
                      ) : s.holdReason ? (
                        <>
                          <Badge tone="warn">Held by its health</Badge>
                          <span className="mt-1 block">{s.holdReason}</span>
                        </>
                      ) : (
                        <Badge tone="ok">Sending</Badge>
                      )}
                    </TD>
                    <TD className="text-right tabular-nums">{s.queued}</TD>
                    <TD className="text-right tabular-nums">
                      {s.due}
                      {s.oldestDueAt ? (
                        <span className="block text-xs text-zinc-500">
                          oldest <TimeStamp value={s.oldestDueAt} format="time" />
                        </span>
                      ) : null}
                    </TD>
                    <TD className="text-right tabular-nums">{s.inFlight}</TD>
                    <TD className="min-w-40 text-xs text-zinc-700">
                      {rateText(s)}
                      {s.adaptedRate !== null ? (
                        <span className="block">
                          adapted to {s.adaptedRate}/s after Meta&apos;s throttling
                          {s.adaptedAt ? (
                            <>
                              {" "}
                              (<TimeStamp value={s.adaptedAt} format="short" />)
                            </>
                          ) : null}
                        </span>
                      ) : null}
                      {s.throttleCount > 0 ? (
                        <span className="block">
                          throttled {s.throttleCount}×, last{" "}
                          <TimeStamp value={s.lastThrottledAt} format="short" />
                        </span>
                      ) : null}
                    </TD>
                    {canAct ? (
                      <TD>
                        <div className="flex flex-wrap gap-2">
                          {s.pausedAt ? (
                            <Button variant="secondary" size="sm" onClick={() => open("resume", s)}>
                              Resume<span className="sr-only"> sending for {s.displayNumber}</span>
                            </Button>
                          ) : (
                            <Button variant="secondary" size="sm" onClick={() => open("pause", s)}>
                              Pause<span className="sr-only"> sending for {s.displayNumber}</span>
                            </Button>
                          )}
                          <Button variant="secondary" size="sm" onClick={() => open("rate", s)}>
                            Set rate<span className="sr-only"> for {s.displayNumber}</span>
                          </Button>
                        </div>
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </QueryState>
      </Card>
      {canAct && live ? (
        <>
          <ReasonDialog
            isOpen={dialog?.kind === "pause"}
            onClose={() => setDialog(null)}
            title="Pause sending"
            description={`${number} sends nothing until resumed; its queue waits and ${slug}'s other numbers flow on.`}
            reasonHint="Recorded with your name in the audit log and on the number's alert."
            submitLabel="Pause sending"
            pendingLabel="Pausing…"
            variant="danger"
            mutation={pause}
            onSubmit={(reason) => pause.mutate({ tenantId, senderNumberId: live.senderNumberId, reason })}
          />
          <ReasonDialog
            isOpen={dialog?.kind === "resume"}
            onClose={() => setDialog(null)}
            title="Resume sending"
            description={`${number} sends again: its queue flows and its alert is resolved.`}
            reasonHint="Recorded with your name in the audit log and on the alert."
            submitLabel="Resume sending"
            pendingLabel="Resuming…"
            mutation={resume}
            onSubmit={(reason, form) =>
              resume.mutate({
                tenantId,
                senderNumberId: live.senderNumberId,
                reason,
                requeueDeadLettered: form.get("requeue") === "on",
              })
            }
          >
            {live.pausedErrorCode ? (
              <label className="flex items-start gap-2 text-sm text-zinc-800">
                <input type="checkbox" name="requeue" className="mt-0.5 size-4 rounded border-zinc-300" />
                <span>
                  Also retry the messages this pause dead-lettered (same number, same error, since the pause)
                </span>
              </label>
            ) : null}
          </ReasonDialog>
          <ReasonDialog
            isOpen={dialog?.kind === "rate"}
            onClose={() => setDialog(null)}
            title="Set maximum rate"
            description={`How many messages a second ${number} may send, after Meta changes its throughput level. Now: ${rateText(live)}.`}
            reasonHint="Recorded with your name in the audit log."
            submitLabel="Set rate"
            pendingLabel="Saving…"
            mutation={setRate}
            onSubmit={(reason, form) => {
              const text = formText(form, "maxRate").trim();
              setRate.mutate({
                tenantId,
                senderNumberId: live.senderNumberId,
                reason,
                // an empty or unreadable figure goes to the server as NaN and comes back as a field error
                maxRate: isDefaultRate ? null : text === "" ? Number.NaN : Number(text),
              });
            }}
          >
            <label className="flex items-start gap-2 text-sm text-zinc-800">
              <input
                type="checkbox"
                checked={isDefaultRate}
                onChange={(e) => setIsDefaultRate(e.target.checked)}
                className="mt-0.5 size-4 rounded border-zinc-300"
              />
              <span>Use the platform&apos;s default rate</span>
            </label>
            {isDefaultRate ? null : (
              <Field
                label="Messages per second"
                hint="Above 0, at most 10,000."
                error={fieldError(fieldErrorsOf(setRate.error), "maxRate")}
              >
                {(control) => (
                  <Input
                    {...control}
                    name="maxRate"
                    type="number"
                    inputMode="decimal"
                    min={0}
                    step="any"
                    defaultValue={live.maxRateOverride ?? ""}
                    required
                  />
                )}
              </Field>
            )}
          </ReasonDialog>
        </>
      ) : null}
    </div>
  );
}
