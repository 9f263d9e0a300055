"use client";
// Confirms revoking an API key; a reason is required (it goes to the audit trail).
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

export type TRevokeTarget = { id: string; name: string; hint: string };

function RevokeForm({
  tenantId,
  target,
  onDone,
}: {
  tenantId: string;
  target: TRevokeTarget;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [missingReason, setMissingReason] = useState(false);
  const revoke = useMutation(
    trpc.admin.revokeApiKey.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.listApiKeys.queryKey({ tenantId }) });
        onDone();
      },
    }),
  );
  const errors = fieldErrorsOf(revoke.error);
  const reasonError = missingReason
    ? "Give a reason; it is kept in the audit log."
    : fieldError(errors, "reason");
  return (
    <form
      aria-label="Revoke API key"
      noValidate
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (revoke.isPending) return;
        const reason = formText(new FormData(event.currentTarget), "reason").trim();
        setMissingReason(!reason);
        if (!reason) return;
        revoke.mutate({ tenantId, keyId: target.id, reason });
      }}
    >
      <Field label="Reason" hint="Recorded in the audit log with your name." error={reasonError}>
        {(control) => <Textarea {...control} name="reason" required autoFocus maxLength={500} />}
      </Field>
      <FormMessage message={revoke.isError && !reasonError ? errorMessageOf(revoke.error) : null} />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onDone} disabled={revoke.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" isPending={revoke.isPending} pendingLabel="Revoking…">
          Revoke key
        </Button>
      </div>
    </form>
  );
}

export function RevokeApiKeyDialog({
  tenantId,
  target,
  onClose,
}: {
  tenantId: string;
  target: TRevokeTarget | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      isOpen={target !== null}
      onClose={onClose}
      role="alertdialog"
      title="Revoke API key"
      description={
        target
          ? `Requests signed with “${target.name}” (…${target.hint}) will be refused immediately. This cannot be undone.`
          : undefined
      }
    >
      {target ? <RevokeForm tenantId={tenantId} target={target} onDone={onClose} /> : null}
    </Dialog>
  );
}
