"use client";
// "New channel": the kind, its target (webhook URL or address), the minimum severity, a description.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { formText } from "@/components/ui/form-text";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";

type TKind = "slack" | "email";
type TSeverity = "info" | "warning" | "critical";

const SEVERITY_HINTS: Record<TSeverity, string> = {
  info: "Everything, including informational alerts.",
  warning: "Warnings and critical alerts (stalled messages, quality flags, paused senders...).",
  critical: "Only critical alerts (a number that cannot send, a disabled endpoint...).",
};

export function NewChannelForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<TKind>("slack");
  const [severity, setSeverity] = useState<TSeverity>("warning");
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.channels.create.mutationOptions({
      onSuccess: async (channel) => {
        setCreated(`${channel.kind === "slack" ? "Webhook" : "Email"} channel ${channel.target} added.`);
        await queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  return (
    <Card title="New channel" id="new-channel" className="scroll-mt-16">
      <form
        aria-label="New channel"
        noValidate
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (create.isPending) return;
          const formElement = event.currentTarget;
          const form = new FormData(formElement);
          setCreated(null);
          create.mutate(
            {
              kind,
              target: formText(form, "target").trim(),
              description: formText(form, "description").trim(),
              minSeverity: severity,
            },
            { onSuccess: () => formElement.reset() },
          );
        }}
      >
        <Field label="Kind">
          {(control) => (
            <Select {...control} name="kind" value={kind} onChange={(e) => setKind(e.target.value as TKind)}>
              <option value="slack">Slack-compatible incoming webhook</option>
              <option value="email">Email (SMTP)</option>
            </Select>
          )}
        </Field>
        <Field
          label={kind === "slack" ? "Incoming webhook URL" : "Email address"}
          hint={
            kind === "slack"
              ? "https://hooks.slack.com/services/… (Mattermost and Rocket.Chat take the same format). Stored encrypted; shown masked."
              : "The worker sends with its SMTP settings (WAYBILL_SMTP_URL)."
          }
          error={fieldError(errors, "target")}
        >
          {(control) => (
            <Input
              {...control}
              name="target"
              type={kind === "slack" ? "url" : "email"}
              required
              autoComplete="off"
            />
          )}
        </Field>
        <Field
          label="Minimum severity"
          hint={SEVERITY_HINTS[severity]}
          error={fieldError(errors, "minSeverity")}
        >
          {(control) => (
            <Select
              {...control}
              name="minSeverity"
              value={severity}
              onChange={(e) => setSeverity(e.target.value as TSeverity)}
            >
              <option value="info">Info and above</option>
              <option value="warning">Warning and above</option>
              <option value="critical">Critical only</option>
            </Select>
          )}
        </Field>
        <Field
          label="Description"
          hint="Optional: who reads it, e.g. “#ops-alerts”."
          error={fieldError(errors, "description")}
        >
          {(control) => <Input {...control} name="description" maxLength={200} autoComplete="off" />}
        </Field>
        <div className="flex flex-col gap-3 sm:col-span-2">
          <FormMessage message={create.isError ? errorMessageOf(create.error) : null} />
          <FormMessage tone="ok" message={created} />
          <div>
            <Button type="submit" isPending={create.isPending} pendingLabel="Adding…">
              Add channel
            </Button>
          </div>
        </div>
      </form>
    </Card>
  );
}
