"use client";
// The dialog every operator action on the Stalled & alerts and Operations pages goes through: a
// required reason (recorded with the actor), optional extra fields, the server's error, and
// Cancel / submit. The server checks the permission and the reason again.
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Textarea } from "@/components/ui/input";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/app/(dashboard)/_lib/trpc-errors";

type TMutationState = { isPending: boolean; isError: boolean; error: unknown; reset?: () => void };

export function ReasonDialog({
  isOpen,
  onClose,
  title,
  description,
  ...form
}: {
  isOpen: boolean;
  onClose: () => void;
  title: string;
  description: ReactNode;
  reasonHint?: string;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
  mutation: TMutationState;
  /** called with the trimmed reason and the form (for the extra fields) */
  onSubmit: (reason: string, form: FormData) => void;
  /** extra fields above the reason */
  children?: ReactNode;
}) {
  const close = () => {
    // the next opening starts without the last attempt's error
    form.mutation.reset?.();
    onClose();
  };
  return (
    <Dialog isOpen={isOpen} onClose={close} title={title} description={description}>
      {/* mounted per opening (Dialog renders children only while open): a clean form each time */}
      <ReasonForm title={title} onCancel={close} {...form} />
    </Dialog>
  );
}

function ReasonForm({
  title,
  onCancel,
  reasonHint = "Recorded with your name.",
  submitLabel,
  pendingLabel,
  variant = "primary",
  mutation,
  onSubmit,
  children,
}: {
  title: string;
  onCancel: () => void;
  reasonHint?: string;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
  mutation: TMutationState;
  onSubmit: (reason: string, form: FormData) => void;
  children?: ReactNode;
}) {
  const [missing, setMissing] = useState(false);
  const reasonError = missing
    ? "Give a reason (at least 3 characters)."
    : fieldError(fieldErrorsOf(mutation.error), "reason");
  return (
    <form
      aria-label={title}
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (mutation.isPending) return;
        const form = new FormData(event.currentTarget);
        const reason = formText(form, "reason").trim();
        const isMissing = reason.length < 3;
        setMissing(isMissing);
        if (!isMissing) onSubmit(reason, form);
      }}
    >
      {children}
      <Field label="Reason" hint={reasonHint} error={reasonError}>
        {(control) => <Textarea {...control} name="reason" maxLength={500} autoFocus required />}
      </Field>
      <FormMessage message={mutation.isError && !reasonError ? errorMessageOf(mutation.error) : null} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel} disabled={mutation.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant={variant} isPending={mutation.isPending} pendingLabel={pendingLabel}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
