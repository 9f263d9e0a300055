"use client";
// "Send a test message" (in the Operations page's drawer): engineers and admins send through the
// same use case and validation as the tenant REST API, then follow the message on its timeline. Acceptance is not delivery, so
// the result links to the ledger rather than claiming success.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { formText } from "@/components/ui/form-text";
import { Input, Textarea } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { shortId } from "@/components/ui/short-id";

type TTenantOption = { id: string; slug: string; name: string };

export function SendTestMessageForm({ tenants }: { tenants: readonly TTenantOption[] }) {
  const trpc = useTRPC();
  const [tenantId, setTenantId] = useState(tenants[0]?.id ?? "");
  const [kind, setKind] = useState<"text" | "template">("text");
  const [sent, setSent] = useState<{ id: string; slug: string } | null>(null);
  const overview = useQuery({
    ...trpc.tenants.overview.queryOptions({ tenantId }),
    enabled: Boolean(tenantId),
  });
  const send = useMutation(trpc.sending.sendTestMessage.mutationOptions());
  const errors = fieldErrorsOf(send.error);
  const tenant = tenants.find((t) => t.id === tenantId);

  return (
    <>
      <form
        aria-label="Send a test message"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          if (send.isPending || !tenant) return;
          const form = new FormData(event.currentTarget);
          const base = { from: formText(form, "from"), to: formText(form, "to").trim() };
          setSent(null);
          send.mutate(
            {
              tenantId,
              // one key per submission: a double click sends once
              idempotencyKey: `console-${crypto.randomUUID()}`,
              request:
                kind === "text"
                  ? { ...base, type: "text", text: { body: formText(form, "body") } }
                  : {
                      ...base,
                      type: "template",
                      template: {
                        name: formText(form, "templateName").trim(),
                        language: formText(form, "templateLanguage").trim(),
                      },
                    },
            },
            { onSuccess: (result) => setSent({ id: result.message.id, slug: tenant.slug }) },
          );
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Tenant">
            {(control) => (
              <Select
                {...control}
                name="tenant"
                value={tenantId}
                onChange={(e) => setTenantId(e.target.value)}
              >
                {tenants.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="From" error={fieldError(errors, "request.from")}>
            {(control) => (
              <Select {...control} name="from" disabled={!overview.data}>
                {(overview.data?.senderNumbers ?? []).map((s) => (
                  <option key={s.id} value={s.displayNumber}>
                    {s.displayNumber}
                    {s.label ? ` (${s.label})` : ""}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field label="To" hint="E.164, e.g. +15551234567" error={fieldError(errors, "request.to")}>
            {(control) => <Input {...control} name="to" required inputMode="tel" autoComplete="off" />}
          </Field>
          <Field label="Content">
            {(control) => (
              <Select
                {...control}
                name="kind"
                value={kind}
                onChange={(e) => setKind(e.target.value as "text" | "template")}
              >
                <option value="text">Text (needs an open 24-hour window)</option>
                <option value="template">Template</option>
              </Select>
            )}
          </Field>
        </div>
        {kind === "text" ? (
          <Field label="Text" error={fieldError(errors, "request.text.body")}>
            {(control) => <Textarea {...control} name="body" required maxLength={4096} />}
          </Field>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Template name" error={fieldError(errors, "request.template.name")}>
              {(control) => <Input {...control} name="templateName" required autoComplete="off" />}
            </Field>
            <Field label="Language" error={fieldError(errors, "request.template.language")}>
              {(control) => <Input {...control} name="templateLanguage" required defaultValue="en_US" />}
            </Field>
          </div>
        )}
        <FormMessage message={send.isError ? errorMessageOf(send.error) : null} />
        {sent ? (
          <p role="status" className="text-sm text-zinc-700">
            Queued, not yet delivered.{" "}
            <Link
              className="font-medium text-accent-700 underline"
              href={`/t/${sent.slug}/messages/${sent.id}`}
            >
              Follow message {shortId(sent.id)} on its timeline
            </Link>
          </p>
        ) : null}
        <div>
          <Button type="submit" disabled={send.isPending || !overview.data}>
            {send.isPending ? "Sending…" : "Send test message"}
          </Button>
        </div>
      </form>
    </>
  );
}
