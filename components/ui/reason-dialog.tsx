"use client";
// The reason form every operator action goes through (Stalled & alerts, Operations, and the
// message page's interventions and dispute forms): a required reason or note (recorded with the
// actor), optional extra fields, the server's error, and Cancel / submit. The server checks the
// permission and the reason again. `ReasonDialog` puts it in a dialog, fresh per opening.
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Textarea } from "@/components/ui/input";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";

type TMutationState = { isPending: boolean; isError: boolean; error: unknown; reset?: () => void };

export function ReasonDialog({
  isOpen,
  onClose,
  title,
  description,
  reasonHint,
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
      <ReasonForm formLabel={title} onCancel={close} text={{ hint: reasonHint }} {...form} />
    </Dialog>
  );
}

/** The required text a reason form asks for; defaults describe an operator's reason. */
export type TReasonText = {
  /** the form field, and the key the server's field errors come under */
  name?: string;
  label?: string;
  /** null for none */
  hint?: string | null;
  rows?: number;
  maxLength?: number;
  /** shorter (after trimming) is refused before it reaches the server */
  minLength?: number;
  missingMessage?: string;
};

/** Cancel, and the submit button (with its pending label). */
export function FormButtons({
  onCancel,
  isPending,
  submitLabel,
  pendingLabel,
  variant = "primary",
}: {
  onCancel: () => void;
  isPending: boolean;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
}) {
  return (
    <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
      <Button variant="secondary" onClick={onCancel} disabled={isPending}>
        Cancel
      </Button>
      <Button type="submit" variant={variant} isPending={isPending} pendingLabel={pendingLabel}>
        {submitLabel}
      </Button>
    </div>
  );
}

/**
 * A form around one required text (a reason unless `text` says otherwise): optional extra fields
 * above it, the check for a missing text, the server's field or general error, and the buttons.
 */
export function ReasonForm({
  formLabel,
  onCancel,
  text = {},
  submitLabel,
  pendingLabel,
  variant = "primary",
  mutation,
  onSubmit,
  children,
}: {
  formLabel: string;
  onCancel: () => void;
  text?: TReasonText;
  submitLabel: string;
  pendingLabel: string;
  variant?: "primary" | "danger";
  mutation: TMutationState;
  /** called with the trimmed text and the form (for the extra fields) */
  onSubmit: (text: string, form: FormData) => void;
  children?: ReactNode;
}) {
  const {
    name = "reason",
    label = "Reason",
    hint = "Recorded with your name.",
    rows,
    maxLength = 500,
    minLength = 3,
    missingMessage = "Give a reason (at least 3 characters).",
  } = text;
  const [missing, setMissing] = useState(false);
  const textError = missing ? missingMessage : fieldError(fieldErrorsOf(mutation.error), name);
  return (
    <form
      aria-label={formLabel}
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (mutation.isPending) return;
        const form = new FormData(event.currentTarget);
        const value = formText(form, name).trim();
        const isMissing = value.length < minLength;
        setMissing(isMissing);
        if (!isMissing) onSubmit(value, form);
      }}
    >
      {children}
      <Field label={label} hint={hint} error={textError}>
        {(control) => (
          <Textarea {...control} name={name} rows={rows} maxLength={maxLength} autoFocus required />
        )}
      </Field>
      <FormMessage message={mutation.isError && !textError ? errorMessageOf(mutation.error) : null} />
      <FormButtons
        onCancel={onCancel}
        isPending={mutation.isPending}
        submitLabel={submitLabel}
        pendingLabel={pendingLabel}
        variant={variant}
      />
    </form>
  );
}
