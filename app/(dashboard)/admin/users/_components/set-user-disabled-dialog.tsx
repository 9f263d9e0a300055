"use client";
// Confirms disabling or re-enabling an account; a reason is required (it goes to the audit trail).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Textarea } from "@/components/ui/input";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { formText } from "@/components/ui/form-text";

/** `isDisabled` is the account's current state; the dialog flips it. */
export type TUserTarget = { id: string; email: string; isDisabled: boolean };

function SetDisabledForm({ target, onDone }: { target: TUserTarget; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [missingReason, setMissingReason] = useState(false);
  const willDisable = !target.isDisabled;
  const mutation = useMutation(
    trpc.admin.setUserDisabled.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.listUsers.queryKey() });
        onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(mutation.error);
  const reasonError = missingReason
    ? "Give a reason; it is kept in the audit log."
    : fieldError(errors, "reason");
  return (
    <form
      aria-label={willDisable ? "Disable account" : "Enable account"}
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (mutation.isPending) return;
        const reason = formText(new FormData(event.currentTarget), "reason").trim();
        setMissingReason(!reason);
        if (!reason) return;
        mutation.mutate({ userId: target.id, isDisabled: willDisable, reason });
      }}
    >
      <Field label="Reason" hint="Recorded in the audit log with your name." error={reasonError}>
        {(control) => <Textarea {...control} name="reason" required autoFocus maxLength={500} />}
      </Field>
      <FormMessage message={mutation.isError && !reasonError ? errorMessageOf(mutation.error) : null} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onDone} disabled={mutation.isPending}>
          Cancel
        </Button>
        <Button
          type="submit"
          variant={willDisable ? "danger" : "primary"}
          isPending={mutation.isPending}
          pendingLabel={willDisable ? "Disabling…" : "Enabling…"}
        >
          {willDisable ? "Disable account" : "Enable account"}
        </Button>
      </div>
    </form>
  );
}

export function SetUserDisabledDialog({
  target,
  onClose,
}: {
  target: TUserTarget | null;
  onClose: () => void;
}) {
  const willDisable = target ? !target.isDisabled : true;
  return (
    <Dialog
      isOpen={target !== null}
      onClose={onClose}
      role={willDisable ? "alertdialog" : "dialog"}
      title={willDisable ? "Disable user" : "Enable user"}
      description={
        target
          ? willDisable
            ? `${target.email} will be signed out on their next request and cannot sign in until re-enabled.`
            : `${target.email} will be able to sign in again with their existing password.`
          : undefined
      }
    >
      {target ? <SetDisabledForm target={target} onDone={onClose} /> : null}
    </Dialog>
  );
}
