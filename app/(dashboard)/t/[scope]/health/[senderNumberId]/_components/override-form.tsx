"use client";
// Setting or clearing the operator override of a number (engineers and admins): hold it, or
// send despite its state, for a chosen time, with a reason. Audited by the server.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/client";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";

// the server refuses more than 30 days
const DURATIONS = [
  { hours: 1, label: "1 hour" },
  { hours: 4, label: "4 hours" },
  { hours: 24, label: "1 day" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
  { hours: 720, label: "30 days" },
];

export function OverrideForm({
  tenantId,
  senderNumberId,
  hasOverride,
}: {
  tenantId: string;
  senderNumberId: string;
  hasOverride: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const set = useMutation(
    trpc.numberHealth.setOverride.mutationOptions({
      onSuccess: async (_result, input) => {
        setDone(input.mode === "clear" ? "Override cleared." : "Override set.");
        await queryClient.invalidateQueries({
          queryKey: trpc.numberHealth.get.queryKey({ tenantId, senderNumberId }),
        });
      },
    }),
  );
  const errors = fieldErrorsOf(set.error);

  return (
    <form
      aria-label="Set the override"
      noValidate
      className="grid gap-4 sm:grid-cols-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (set.isPending) return;
        const formElement = event.currentTarget;
        const form = new FormData(formElement);
        const submitter = event.nativeEvent.submitter as HTMLButtonElement | null;
        const isClear = submitter?.value === "clear";
        const mode = isClear ? "clear" : (formText(form, "mode") as "hold" | "send");
        const hours = Number(formText(form, "hours"));
        setDone(null);
        set.mutate(
          {
            tenantId,
            senderNumberId,
            mode,
            reason: formText(form, "reason").trim(),
            expiresAt: isClear ? null : new Date(Date.now() + hours * 3_600_000),
          },
          { onSuccess: () => formElement.reset() },
        );
      }}
    >
      <Field label="Decision" error={fieldError(errors, "mode")}>
        {(control) => (
          <Select {...control} name="mode" defaultValue="hold">
            <option value="hold">Hold: send nothing</option>
            <option value="send">Send despite its state</option>
          </Select>
        )}
      </Field>
      <Field label="For" error={fieldError(errors, "expiresAt")}>
        {(control) => (
          <Select {...control} name="hours" defaultValue="4">
            {DURATIONS.map((d) => (
              <option key={d.hours} value={d.hours}>
                {d.label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field
        label="Reason"
        hint="Recorded in the audit trail and shown on this page"
        error={fieldError(errors, "reason")}
      >
        {(control) => (
          <Input {...control} name="reason" required minLength={3} maxLength={500} autoComplete="off" />
        )}
      </Field>
      <div className="flex flex-col gap-3 sm:col-span-3">
        <FormMessage message={set.isError ? errorMessageOf(set.error) : null} />
        <FormMessage tone="ok" message={done} />
        <div className="flex flex-wrap gap-2">
          <Button type="submit" value="set" isPending={set.isPending} pendingLabel="Saving…">
            Set override
          </Button>
          {hasOverride ? (
            <Button type="submit" value="clear" variant="secondary" disabled={set.isPending}>
              Clear override
            </Button>
          ) : null}
        </div>
      </div>
    </form>
  );
}
