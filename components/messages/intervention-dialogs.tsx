"use client";
// Engineers' interventions on one message, from its timeline and from the dead-letter list:
// retry (with its dry run: what WhatsApp's rules say before it is sent again), discard a dead
// letter, cancel a message the provider does not have yet. Each asks for a reason, is checked
// again on the server, is idempotent per dialog (one operation id per opening), and refreshes the
// timeline and the lists so the new ledger events show at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Dialog } from "@/components/ui/dialog";
import { ReasonForm, type TReasonText } from "@/components/ui/reason-dialog";
import { useTRPC } from "@/trpc/client";
import { SEVERITY_LABELS } from "@/components/dead-letters/labels";
import type { TMessageRef } from "./message-ref";
import { QueryState } from "@/components/query/query-state";

/** Refreshes the timeline, the message lists and the dead-letter lists. */
export function useInterventionRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries(trpc.messages.pathFilter()),
      queryClient.invalidateQueries(trpc.deadLetters.pathFilter()),
    ]);
  };
}

type TDialogProps = {
  target: TMessageRef;
  isOpen: boolean;
  onClose: () => void;
  /** a sentence for the page's notice */
  onDone?: (summary: string) => void;
  /** names the message in the dialog, e.g. its template */
  label?: string;
};

/** The reason every intervention asks for: at least 3 characters, recorded on the ledger. */
function interventionReason(hint: string): TReasonText {
  return {
    hint,
    maxLength: 1000,
    missingMessage: "Give a reason; it is recorded on the ledger with your name.",
  };
}

/** What the dry run says about retrying this one message (dead letters only). */
function RetryAssessment({ target }: { target: TMessageRef }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.deadLetters.assess.queryOptions({
      tenantId: target.tenantId,
      kind: "retry",
      messageIds: [target.messageId],
    }),
  );
  return (
    <QueryState query={query} what="the dry run" errorTitle="Could not run the dry run" rows={2}>
      {(data) => {
        const item = data.items[0];
        if (!item) return null;
        if (item.verdict === "skip") {
          return (
            <Alert tone="info">
              Not an open dead letter ({item.skipText}). A retry still sends it again as a new attempt.
            </Alert>
          );
        }
        if (item.warnings.length === 0) {
          return (
            <Alert tone="ok">
              Dry run: nothing in WhatsApp&apos;s rules stands in the way (window, template, recipient,
              sender).
            </Alert>
          );
        }
        return (
          <ul aria-label="Dry run warnings" className="flex flex-col gap-2">
            {item.warnings.map((w) => (
              <li key={w.key} className="rounded-md border border-amber-200 bg-warn-50 px-3 py-2 text-sm">
                <p className="flex flex-wrap items-center gap-2 font-medium text-zinc-900">
                  {w.title}{" "}
                  <Badge tone={SEVERITY_LABELS[w.severity].tone}>{SEVERITY_LABELS[w.severity].label}</Badge>
                </p>
                <p className="mt-0.5 text-zinc-700">{w.detail}</p>
              </li>
            ))}
          </ul>
        );
      }}
    </QueryState>
  );
}

export function RetryMessageDialog({ target, isOpen, onClose, onDone, label }: TDialogProps) {
  const trpc = useTRPC();
  const refresh = useInterventionRefresh();
  // one operation per opening: a double submit retries once
  const [operationId] = useState(() => crypto.randomUUID());
  const retry = useMutation(
    trpc.sending.retryMessage.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        onDone?.(
          `Retry scheduled as attempt ${result.attempt}. It counts as done when the provider acknowledges it.`,
        );
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={label ? `Retry ${label}` : "Retry this message"}
      description="Sends the same request again as a new attempt. The ledger records who retried it and why; earlier errors stay in the timeline."
    >
      <div className="flex flex-col gap-4">
        <RetryAssessment target={target} />
        <ReasonForm
          formLabel="Retry the message"
          text={interventionReason("e.g. the ticket or incident: INC-77, provider outage over.")}
          mutation={retry}
          submitLabel="Retry"
          pendingLabel="Retrying…"
          onCancel={onClose}
          onSubmit={(reason) => retry.mutate({ ...target, reason, operationId })}
        />
      </div>
    </Dialog>
  );
}

export function DiscardDeadLetterDialog({ target, isOpen, onClose, onDone, label }: TDialogProps) {
  const trpc = useTRPC();
  const refresh = useInterventionRefresh();
  const [operationId] = useState(() => crypto.randomUUID());
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone?.("Dead letter discarded. The ledger records who discarded it and why.");
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title={label ? `Discard ${label}` : "Discard this dead letter"}
      description="Closes the dead letter without sending the message again. The message stays dead-lettered; the discard is recorded on its ledger."
    >
      <ReasonForm
        formLabel="Discard the dead letter"
        text={interventionReason("Why it should not be sent again, e.g. the recipient is not on WhatsApp.")}
        mutation={discard}
        submitLabel="Discard"
        pendingLabel="Discarding…"
        variant="danger"
        onCancel={onClose}
        onSubmit={(reason) => discard.mutate({ ...target, reason, operationId })}
      />
    </Dialog>
  );
}

export function CancelMessageDialog({ target, isOpen, onClose, onDone }: TDialogProps) {
  const trpc = useTRPC();
  const refresh = useInterventionRefresh();
  const [operationId] = useState(() => crypto.randomUUID());
  const cancel = useMutation(
    trpc.messages.cancel.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone?.("Cancelled: it will not be sent.");
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Cancel this message"
      description="Stops a message the provider does not have yet (queued, or waiting to retry). A message the provider may already have cannot be unsent; the server refuses it."
    >
      <ReasonForm
        formLabel="Cancel the message"
        text={interventionReason(
          "Recorded on the ledger with your name, e.g. the tenant asked to stop the campaign.",
        )}
        mutation={cancel}
        submitLabel="Cancel message"
        pendingLabel="Cancelling…"
        variant="danger"
        onCancel={onClose}
        onSubmit={(reason) => cancel.mutate({ ...target, reason, operationId })}
      />
    </Dialog>
  );
}
