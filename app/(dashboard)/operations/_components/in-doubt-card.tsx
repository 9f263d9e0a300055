"use client";
// Sends whose outcome was never recorded (the worker died between Meta's call and the record, or
// the call timed out), oldest first, across tenants. An engineer settles one with a reason: Meta
// accepted it (with the wamid found in Meta's logs), send it again, or give up. Sending again
// risks a duplicate on the handset when Meta did accept the first call, so the dialog says so.
import { useMutation, useQueryClient, type UseQueryResult } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
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
import type { TRouterOutputs } from "@/trpc/router-types";
import { fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";

type TInDoubt = TRouterOutputs["sending"]["listInDoubt"];
type TAttempt = TInDoubt[number];
type TResolution = "accepted" | "retry" | "give_up";

const RESOLUTIONS: { value: TResolution; label: string; hint: string }[] = [
  {
    value: "accepted",
    label: "Meta accepted it",
    hint: "You found the wamid in Meta's logs; statuses for it will attach to this message.",
  },
  {
    value: "retry",
    label: "Send it again",
    hint: "If Meta did accept the first call, the recipient gets the message twice.",
  },
  { value: "give_up", label: "Give up", hint: "The message fails and is dead-lettered; nothing is sent." },
];

const RESOLVED_TEXT: Record<TResolution, string> = {
  accepted: "recorded as accepted",
  retry: "queued to send again",
  give_up: "given up",
};

export function InDoubtCard({
  query,
  canAct,
  onDone,
}: {
  query: UseQueryResult<TInDoubt, unknown>;
  canAct: boolean;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [target, setTarget] = useState<TAttempt | null>(null);
  const [resolution, setResolution] = useState<TResolution>("accepted");
  const resolve = useMutation(
    trpc.sending.resolveInDoubt.mutationOptions({
      onSuccess: async (result, input) => {
        await Promise.all([
          queryClient.invalidateQueries(trpc.sending.pathFilter()),
          queryClient.invalidateQueries(trpc.operations.pathFilter()),
        ]);
        onDone(
          `Attempt ${result.attempt} ${RESOLVED_TEXT[input.resolution.kind]}${result.isRepeat ? " (it already was)" : ""}; the message is now ${result.state}.`,
        );
        setTarget(null);
      },
    }),
  );
  const wamidError = fieldError(fieldErrorsOf(resolve.error), "resolution");
  return (
    <Card
      id="in-doubt"
      title="In-doubt sends"
      description="Attempts whose outcome Meta never told us (a timeout, or the worker stopped mid-call). Waybill retries some by itself; the held ones wait for an engineer."
      bodyClassName={query.data && query.data.length > 0 ? "p-0" : undefined}
    >
      <QueryState
        query={query}
        what="in-doubt sends"
        rows={3}
        isEmpty={(rows) => rows.length === 0}
        empty={{
          title: "No sends in doubt",
          description: "Every attempt older than two minutes has a recorded outcome.",
        }}
      >
        {(rows) => (
          <Table label="In-doubt sends, oldest first">
            <THead>
              <tr>
                <TH>Tenant</TH>
                <TH>Message</TH>
                <TH>Number</TH>
                <TH>Started</TH>
                <TH>Handling</TH>
                {canAct ? <TH>Actions</TH> : null}
              </tr>
            </THead>
            <TBody>
              {rows.map((a) => (
                <TR key={a.messageId} className="align-top">
                  <TD>{a.tenantSlug}</TD>
                  <TD className="min-w-48">
                    <Link
                      href={`/t/${encodeURIComponent(a.tenantSlug)}/messages/${a.messageId}`}
                      className="font-mono text-xs break-all text-accent-700 underline underline-offset-2"
                    >
                      {a.messageId}
                    </Link>
                    <span className="block text-xs text-zinc-600">
                      Attempt {a.attempt} to {a.recipient}
                    </span>
                    {a.lastError ? (
                      <span className="block text-xs text-zinc-600">
                        <Badge tone="bad">{a.lastError.code}</Badge> {a.lastError.title}
                      </span>
                    ) : null}
                  </TD>
                  <TD>
                    <IdText value={a.senderDisplayNumber} label="number" />
                  </TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp value={a.startedAt} format="short" />
                  </TD>
                  <TD className="min-w-40 text-xs text-zinc-700">
                    {a.handling === "held" ? (
                      <Badge tone="warn">Held for an engineer</Badge>
                    ) : (
                      <>
                        <Badge tone="neutral">Retried automatically</Badge>
                        {a.autoRetryAt ? (
                          <span className="block">
                            next at <TimeStamp value={a.autoRetryAt} format="time" />
                          </span>
                        ) : null}
                      </>
                    )}
                    <span className="mt-1 block">{a.explanation}</span>
                  </TD>
                  {canAct ? (
                    <TD>
                      <Button
                        variant="secondary"
                        size="sm"
                        onClick={() => {
                          setResolution("accepted");
                          setTarget(a);
                        }}
                      >
                        Resolve
                        <span className="sr-only">
                          {" "}
                          attempt {a.attempt} of {a.messageId}
                        </span>
                      </Button>
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </QueryState>
      {canAct ? (
        <ReasonDialog
          isOpen={target !== null}
          onClose={() => setTarget(null)}
          title="Resolve in-doubt send"
          description={`Attempt ${target?.attempt ?? ""} of a ${target?.tenantSlug ?? ""} message from ${target?.senderDisplayNumber ?? ""}: say what happened at Meta.`}
          reasonHint="Recorded on the message's timeline and in the audit log, with your name."
          submitLabel="Resolve"
          pendingLabel="Resolving…"
          mutation={resolve}
          onSubmit={(reason, form) => {
            if (!target) return;
            const wamid = formText(form, "wamid").trim();
            resolve.mutate({
              tenantId: target.tenantId,
              messageId: target.messageId,
              reason,
              resolution:
                resolution === "accepted"
                  ? {
                      kind: "accepted",
                      providerMessageId: wamid.startsWith("wamid.") ? wamid : `wamid.${wamid}`,
                    }
                  : { kind: resolution },
            });
          }}
        >
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-sm font-medium text-zinc-800">What happened</legend>
            {RESOLUTIONS.map((r) => (
              <label key={r.value} className="flex items-start gap-2 text-sm text-zinc-800">
                <input
                  type="radio"
                  name="resolution"
                  value={r.value}
                  checked={resolution === r.value}
                  onChange={() => setResolution(r.value)}
                  className="mt-0.5 size-4"
                />
                <span>
                  {r.label}
                  <span className="block text-xs text-zinc-600">{r.hint}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {resolution === "accepted" ? (
            <Field label="wamid" hint="With or without the wamid. prefix." error={wamidError}>
              {(control) => (
                <Input {...control} name="wamid" autoComplete="off" spellCheck={false} required />
              )}
            </Field>
          ) : null}
        </ReasonDialog>
      ) : null}
    </Card>
  );
}
