"use client";
// The message page's interventions: add a note, force re-reconcile (engineers), open a dispute,
// add a dispute note, record an outcome, resolve. Each asks for its text or reason, is checked
// again on the server, and refreshes the timeline so the new ledger event shows at once.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Input, Textarea } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { FormButtons, ReasonForm } from "@/components/ui/reason-dialog";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import type { TMessageRef } from "@/components/messages/message-ref";
import { OUTCOME_LABELS, OUTCOME_OPTIONS, type TDisputeOutcome } from "@/components/disputes/dispute-labels";

export type { TMessageRef };

/** Invalidates everything the page and the lists show about messages and disputes. */
function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries(trpc.messages.pathFilter()),
      queryClient.invalidateQueries(trpc.disputes.pathFilter()),
    ]);
  };
}

export function AnnotateDialog({
  target,
  isOpen,
  onClose,
}: {
  target: TMessageRef;
  isOpen: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const annotate = useMutation(
    trpc.messages.annotate.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Add a note"
      description="The note is appended to the message's ledger with your name; it never changes the state."
    >
      <ReasonForm
        formLabel="Add a note"
        text={{
          name: "note",
          label: "Note",
          hint: null,
          rows: 4,
          maxLength: 2000,
          minLength: 1,
          missingMessage: "Write the note.",
        }}
        mutation={annotate}
        submitLabel="Add note"
        pendingLabel="Adding…"
        onCancel={onClose}
        onSubmit={(note) => annotate.mutate({ ...target, note })}
      />
    </Dialog>
  );
}

export function ForceReconcileDialog({
  target,
  isOpen,
  onClose,
  onDone,
}: {
  target: TMessageRef;
  isOpen: boolean;
  onClose: () => void;
  onDone: (summary: string) => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const force = useMutation(
    trpc.messages.forceReconcile.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        onDone(result.summary);
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Force re-reconcile"
      description="Derives the state again from the ledger with the current rules. If the stored state drifted, it is repaired and the repair is recorded. Nothing is sent."
    >
      <ReasonForm
        formLabel="Force re-reconcile"
        text={{
          hint: "Recorded with your name on the message's ledger.",
          minLength: 1,
          missingMessage: "Give a reason; it is recorded on the ledger.",
        }}
        mutation={force}
        submitLabel="Re-reconcile"
        pendingLabel="Reconciling…"
        onCancel={onClose}
        onSubmit={(reason) => force.mutate({ ...target, reason })}
      />
    </Dialog>
  );
}

export function OpenDisputeDialog({
  target,
  isOpen,
  onClose,
}: {
  target: TMessageRef;
  isOpen: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [missing, setMissing] = useState(false);
  const open = useMutation(
    trpc.disputes.open.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  const errors = fieldErrorsOf(open.error);
  const ticketError = missing ? "Give the ticket reference." : fieldError(errors, "ticketRef");
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Open a dispute"
      description="Record the tenant's claim about this message. The dispute and everything done on it are written to the message's ledger."
    >
      <form
        aria-label="Open a dispute"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (open.isPending) return;
          const form = new FormData(event.currentTarget);
          const ticketRef = formText(form, "ticketRef").trim();
          setMissing(!ticketRef);
          if (ticketRef) open.mutate({ ...target, ticketRef, note: formText(form, "note").trim() });
        }}
      >
        <Field
          label="Ticket reference"
          hint="The helpdesk ticket the claim came in on, e.g. ZD-4821."
          error={ticketError}
        >
          {(control) => (
            <Input
              {...control}
              name="ticketRef"
              maxLength={120}
              autoFocus
              required
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="What the tenant says" isOptional error={fieldError(errors, "note")}>
          {(control) => <Textarea {...control} name="note" maxLength={2000} />}
        </Field>
        <FormMessage message={open.isError && !ticketError ? errorMessageOf(open.error) : null} />
        <FormButtons
          onCancel={onClose}
          isPending={open.isPending}
          submitLabel="Open dispute"
          pendingLabel="Opening…"
        />
      </form>
    </Dialog>
  );
}

export function DisputeNoteForm({ tenantId, disputeId }: { tenantId: string; disputeId: string }) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [missing, setMissing] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const addNote = useMutation(
    trpc.disputes.addNote.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setFormKey((k) => k + 1);
      },
    }),
  );
  const error = missing ? "Write the note." : fieldError(fieldErrorsOf(addNote.error), "note");
  return (
    <form
      key={formKey}
      aria-label="Add a dispute note"
      noValidate
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (addNote.isPending) return;
        const note = formText(new FormData(event.currentTarget), "note").trim();
        setMissing(!note);
        if (note) addNote.mutate({ tenantId, disputeId, note });
      }}
    >
      <Field label="Dispute note" error={error}>
        {(control) => <Textarea {...control} name="note" rows={2} maxLength={2000} required />}
      </Field>
      <FormMessage message={addNote.isError && !error ? errorMessageOf(addNote.error) : null} />
      <div>
        <Button
          type="submit"
          variant="secondary"
          size="sm"
          isPending={addNote.isPending}
          pendingLabel="Adding…"
        >
          Add note
        </Button>
      </div>
    </form>
  );
}

/**
 * The form both outcome dialogs share: an outcome and a required text, with the same validation,
 * error display and buttons. `text.name` is also the field the server's errors are keyed by.
 */
function OutcomeForm({
  formLabel,
  current,
  isDescribed,
  text,
  mutation,
  submitLabel,
  pendingLabel,
  onCancel,
  onSubmit,
}: {
  formLabel: string;
  current: TDisputeOutcome | null;
  /** show each outcome's description in its option */
  isDescribed: boolean;
  text: { name: string; label: string; hint: string; missingMessage: string };
  mutation: { isPending: boolean; isError: boolean; error: unknown };
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
  onSubmit: (outcome: TDisputeOutcome, text: string) => void;
}) {
  return (
    <ReasonForm
      formLabel={formLabel}
      text={{ ...text, maxLength: 2000, minLength: 1 }}
      mutation={mutation}
      submitLabel={submitLabel}
      pendingLabel={pendingLabel}
      onCancel={onCancel}
      onSubmit={(value, form) => onSubmit(formText(form, "outcome") as TDisputeOutcome, value)}
    >
      <Field label="Outcome">
        {(control) => (
          <Select {...control} name="outcome" defaultValue={current ?? "delivered"}>
            {OUTCOME_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {isDescribed
                  ? `${OUTCOME_LABELS[o].label}: ${OUTCOME_LABELS[o].description}`
                  : OUTCOME_LABELS[o].label}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </ReasonForm>
  );
}

type TOutcomeDialogProps = {
  tenantId: string;
  disputeId: string;
  current: TDisputeOutcome | null;
  isOpen: boolean;
  onClose: () => void;
};

export function RecordOutcomeDialog({ tenantId, disputeId, current, isOpen, onClose }: TOutcomeDialogProps) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const record = useMutation(
    trpc.disputes.recordOutcome.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Record the outcome"
      description="What the evidence shows. It can be changed while the dispute is open; every version is kept."
    >
      <OutcomeForm
        formLabel="Record the outcome"
        current={current}
        isDescribed
        text={{
          name: "summary",
          label: "Evidence summary",
          hint: "e.g. read webhook at 12:00:10 UTC, chain intact.",
          missingMessage: "Say what the evidence shows.",
        }}
        mutation={record}
        submitLabel="Record outcome"
        pendingLabel="Recording…"
        onCancel={onClose}
        onSubmit={(outcome, summary) => record.mutate({ tenantId, disputeId, outcome, summary })}
      />
    </Dialog>
  );
}

export function ResolveDisputeDialog({ tenantId, disputeId, current, isOpen, onClose }: TOutcomeDialogProps) {
  const trpc = useTRPC();
  const refresh = useRefresh();
  const resolve = useMutation(
    trpc.disputes.resolve.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onClose();
      },
    }),
  );
  return (
    <Dialog
      isOpen={isOpen}
      onClose={onClose}
      title="Resolve the dispute"
      description="Closes the dispute with its outcome. Notes can still be added afterwards; the outcome is final."
    >
      <OutcomeForm
        formLabel="Resolve the dispute"
        current={current}
        isDescribed={false}
        text={{
          name: "note",
          label: "Resolution note",
          hint: "How it was settled with the tenant.",
          missingMessage: "Say how it was settled.",
        }}
        mutation={resolve}
        submitLabel="Resolve dispute"
        pendingLabel="Resolving…"
        onCancel={onClose}
        onSubmit={(outcome, note) => resolve.mutate({ tenantId, disputeId, outcome, note })}
      />
    </Dialog>
  );
}
