"use client";
// Recent bulk operations on dead letters: what was selected and why, who requested and who
// approved, status and progress (processed, acknowledged by the provider, awaiting
// acknowledgement, failed again, skipped); Approve / Reject for another engineer, Withdraw for the
// requester. Follows running operations until their retries are acknowledged.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Textarea } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { FormButtons } from "@/components/ui/reason-dialog";
import { actorText } from "@/app/(dashboard)/_lib/labels";
import type { TRouterOutputs } from "@/trpc/router-types";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { BULK_STATUS_LABELS, operationAnchor } from "@/components/dead-letters/labels";
import { QueryState } from "@/components/query/query-state";
import { shortId } from "@/components/ui/short-id";

type TOperation = TRouterOutputs["deadLetters"]["listBulk"]["items"][number];

function isLive(op: TOperation): boolean {
  return (
    op.status === "approved" ||
    op.status === "running" ||
    (op.status === "done" && op.progress.awaitingAcknowledgement > 0)
  );
}

function Progress({ op }: { op: TOperation }) {
  const p = op.progress;
  const processed = p.total - p.pending - p.leftOut;
  const parts = [
    `${processed} of ${op.actionCount} processed`,
    op.kind === "retry" && p.retried > 0 ? `${p.acknowledged} acknowledged` : null,
    op.kind === "retry" && p.awaitingAcknowledgement > 0
      ? `${p.awaitingAcknowledgement} awaiting acknowledgement`
      : null,
    op.kind === "retry" && p.failedAgain > 0 ? `${p.failedAgain} failed again` : null,
    op.kind === "discard" && p.discarded > 0 ? `${p.discarded} discarded` : null,
    p.skipped > 0 ? `${p.skipped} skipped` : null,
    p.leftOut > 0 ? `${p.leftOut} left out` : null,
  ].filter((x): x is string => x !== null);
  const share = op.actionCount > 0 ? Math.round((processed / op.actionCount) * 100) : 0;
  return (
    <div className="flex min-w-48 flex-col gap-1">
      <div
        role="progressbar"
        aria-label={`Progress of operation ${shortId(op.id)}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share}
        className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div className="h-full bg-accent-600" style={{ width: `${share}%` }} />
      </div>
      <span className="text-xs text-zinc-600">{parts.join(" · ")}</span>
    </div>
  );
}

function DecisionDialog({
  op,
  decision,
  onClose,
  onDone,
}: {
  op: TOperation;
  decision: "approve" | "reject" | "withdraw";
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [missing, setMissing] = useState(false);
  const after = async (text: string) => {
    await queryClient.invalidateQueries(trpc.deadLetters.pathFilter());
    onDone(text);
    onClose();
  };
  const approve = useMutation(
    trpc.deadLetters.approveBulk.mutationOptions({
      onSuccess: (r) =>
        after(
          r.isStarted
            ? `Approved: the ${op.kind} of ${op.actionCount} messages is running.`
            : "Approved, but the worker's job could not be queued; start it again.",
        ),
    }),
  );
  const reject = useMutation(
    trpc.deadLetters.rejectBulk.mutationOptions({
      onSuccess: () =>
        after(decision === "withdraw" ? "Withdrawn: nothing was sent." : "Rejected: nothing was sent."),
    }),
  );
  const mutation = decision === "approve" ? approve : reject;
  const error = missing ? "Give a reason." : fieldError(fieldErrorsOf(mutation.error), "reason");
  const title =
    decision === "approve"
      ? `Approve the ${op.kind} of ${op.actionCount} messages`
      : decision === "withdraw"
        ? "Withdraw your request"
        : `Reject the ${op.kind} of ${op.actionCount} messages`;
  return (
    <Dialog
      isOpen
      onClose={onClose}
      title={title}
      description={`Requested by ${actorText(op.requestedBy)}: ${op.reason ?? ""}`}
    >
      <form
        aria-label={title}
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (mutation.isPending) return;
          const text = formText(new FormData(event.currentTarget), "reason").trim();
          if (decision === "approve") {
            approve.mutate({ bulkActionId: op.id, ...(text ? { note: text } : {}) });
            return;
          }
          setMissing(text.length < 3);
          if (text.length >= 3) reject.mutate({ bulkActionId: op.id, reason: text });
        }}
      >
        {op.assessment && op.kind === "retry" && op.assessment.likelyToFail > 0 ? (
          <p className="text-sm text-warn-700">
            The dry run said {op.assessment.likelyToFail} of {op.assessment.actionable} will most likely fail
            again.
          </p>
        ) : null}
        <Field
          label={decision === "approve" ? "Note" : "Reason"}
          isOptional={decision === "approve"}
          hint="Recorded in the audit trail with your name."
          error={error}
        >
          {(control) => <Textarea {...control} name="reason" maxLength={1000} autoFocus />}
        </Field>
        <FormMessage message={mutation.isError && !error ? errorMessageOf(mutation.error) : null} />
        <FormButtons
          onCancel={onClose}
          isPending={mutation.isPending}
          submitLabel={decision === "approve" ? "Approve" : decision === "withdraw" ? "Withdraw" : "Reject"}
          pendingLabel="Saving…"
          variant={decision === "approve" ? "primary" : "danger"}
        />
      </form>
    </Dialog>
  );
}

export function BulkOperations({
  tenantId,
  onNotice,
}: {
  tenantId: string | undefined;
  onNotice: (text: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...trpc.deadLetters.listBulk.queryOptions(tenantId ? { tenantId } : {}),
    // quiet operations are still read every 30 s: the provider may accept a retried attempt and
    // report it failed a few seconds later, turning "acknowledged" into "failed again"
    refetchInterval: (q) => (q.state.data?.items.some(isLive) ? 3_000 : 30_000),
  });
  const me = useQuery(trpc.me.get.queryOptions());
  const canAct = me.data?.permissions.includes("operations.act") ?? false;
  const [decision, setDecision] = useState<{
    op: TOperation;
    kind: "approve" | "reject" | "withdraw";
  } | null>(null);
  const start = useMutation(
    trpc.deadLetters.startBulk.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries(trpc.deadLetters.pathFilter());
        onNotice(r.isStarted ? "Started again." : "The worker's job could not be queued; try again shortly.");
      },
    }),
  );

  const body = (
    <QueryState
      query={query}
      what="bulk operations"
      rows={3}
      className="p-4"
      isEmpty={(d) => d.items.length === 0}
      empty={{
        title: "No bulk operations yet",
        description: "Select dead letters above and run a dry run; confirmed operations appear here.",
      }}
    >
      {(data) => (
        <Table label="Bulk operations">
          <THead>
            <tr>
              <TH>Requested</TH>
              <TH>Operation</TH>
              <TH>Status</TH>
              <TH>Approval</TH>
              <TH>Progress</TH>
              {canAct ? <TH>Actions</TH> : null}
            </tr>
          </THead>
          <TBody>
            {data.items.map((op) => {
              const status = BULK_STATUS_LABELS[op.status];
              const isStuck = op.status === "approved" && op.startedAt === null;
              return (
                <TR
                  key={op.id}
                  id={operationAnchor(op.id)}
                  className="scroll-mt-4 align-top target:outline-2 target:-outline-offset-2 target:outline-accent-600"
                >
                  <TD className="whitespace-nowrap">
                    <TimeStamp value={op.requestedAt} format="short" />
                    <span className="block text-xs text-zinc-500">by {actorText(op.requestedBy)}</span>
                  </TD>
                  <TD className="min-w-64 max-w-md">
                    <span className="font-medium text-zinc-900">
                      {op.kind === "retry" ? "Retry" : "Discard"} {op.actionCount}{" "}
                      {op.actionCount === 1 ? "message" : "messages"}
                      {op.tenantCount > 1 ? ` in ${op.tenantCount} tenants` : ""}
                    </span>
                    <span className="block text-xs text-zinc-600">{op.reason}</span>
                    <span className="block text-xs text-zinc-500">{op.selectionText}</span>
                  </TD>
                  <TD>
                    <Badge tone={status.tone} hasDot>
                      {status.label}
                    </Badge>
                  </TD>
                  <TD className="text-xs text-zinc-600">
                    {op.needsApproval ? (
                      op.decidedBy ? (
                        <>
                          {op.isWithdrawn ? "Withdrawn" : op.status === "rejected" ? "Rejected" : "Approved"}{" "}
                          by {actorText(op.decidedBy)}
                          {op.decisionNote ? <span className="block">“{op.decisionNote}”</span> : null}
                        </>
                      ) : (
                        `Needs a second engineer (above ${op.threshold ?? "the threshold"} in 24 h by one engineer)`
                      )
                    ) : (
                      `Not needed (at most ${op.threshold ?? "the threshold"})`
                    )}
                  </TD>
                  <TD>
                    <Progress op={op} />
                  </TD>
                  {canAct ? (
                    <TD className="whitespace-nowrap">
                      <span className="flex gap-1">
                        {op.viewer.canDecide ? (
                          <>
                            <Button
                              size="sm"
                              aria-label={`Approve operation ${shortId(op.id)}`}
                              onClick={() => setDecision({ op, kind: "approve" })}
                            >
                              Approve…
                            </Button>
                            <Button
                              size="sm"
                              variant="secondary"
                              aria-label={`Reject operation ${shortId(op.id)}`}
                              onClick={() => setDecision({ op, kind: "reject" })}
                            >
                              Reject…
                            </Button>
                          </>
                        ) : null}
                        {op.viewer.canWithdraw ? (
                          <Button
                            size="sm"
                            variant="ghost"
                            onClick={() => setDecision({ op, kind: "withdraw" })}
                          >
                            Withdraw…
                          </Button>
                        ) : null}
                        {isStuck ? (
                          <Button
                            size="sm"
                            variant="secondary"
                            isPending={start.isPending}
                            onClick={() => start.mutate({ bulkActionId: op.id })}
                          >
                            Start again
                          </Button>
                        ) : null}
                        {!op.viewer.canDecide && !op.viewer.canWithdraw && !isStuck ? (
                          <span className="text-xs text-zinc-500">—</span>
                        ) : null}
                      </span>
                    </TD>
                  ) : null}
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
    </QueryState>
  );

  return (
    <Card
      title="Bulk operations"
      description="Recent bulk retries and discards: who asked, who approved, and how far each got. A retry is done when the provider acknowledges the new attempt."
      bodyClassName="p-0"
    >
      {body}
      {start.isError ? (
        <p role="alert" className="px-4 py-2 text-sm text-bad-700">
          {errorMessageOf(start.error)}
        </p>
      ) : null}
      {decision ? (
        <DecisionDialog
          op={decision.op}
          decision={decision.kind}
          onClose={() => setDecision(null)}
          onDone={onNotice}
        />
      ) : null}
    </Card>
  );
}
