"use client";
// A tenant's sender numbers and the "Add sender number" form.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { QualityBadge, SenderStatusBadge, TierBadge } from "@/app/(dashboard)/_components/sender-badges";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { formText } from "@/components/ui/form-text";
import { QueryState } from "@/components/query/query-state";

function SenderNumbersTable({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.tenants.overview.queryOptions({ tenantId }));
  return (
    <QueryState
      query={overview}
      what="sender numbers"
      rows={3}
      isEmpty={(d) => d.senderNumbers.length === 0}
      empty={{ note: "No sender numbers yet. Add the tenant's first WhatsApp number with the form." }}
    >
      {(data) => {
        const numbers = data.senderNumbers;
        return (
          <Table label="Sender numbers" className="-mx-4">
            <THead>
              <tr>
                <TH>Number</TH>
                <TH>Label</TH>
                <TH>phone_number_id</TH>
                <TH>WABA ID</TH>
                <TH>Quality</TH>
                <TH>Limit</TH>
                <TH>Status</TH>
                <TH>Added</TH>
              </tr>
            </THead>
            <TBody>
              {numbers.map((n) => (
                <TR key={n.id}>
                  <TD className="font-mono text-xs whitespace-nowrap">{n.displayNumber}</TD>
                  <TD className="text-zinc-600">{n.label ?? "—"}</TD>
                  <TD className="font-mono text-xs text-zinc-600">{n.phoneNumberId}</TD>
                  <TD className="font-mono text-xs text-zinc-600">{n.wabaId}</TD>
                  <TD>
                    <QualityBadge rating={n.qualityRating} />
                  </TD>
                  <TD>
                    <TierBadge tier={n.messagingLimitTier} />
                  </TD>
                  <TD>
                    <SenderStatusBadge status={n.status} />
                  </TD>
                  <TD className="whitespace-nowrap text-zinc-600">
                    <TimeStamp format="short" value={n.createdAt} />
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        );
      }}
    </QueryState>
  );
}

function AddSenderNumberForm({ tenantId }: { tenantId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [added, setAdded] = useState<string | null>(null);
  const add = useMutation(
    trpc.admin.addSenderNumber.mutationOptions({
      onSuccess: async (sender) => {
        setAdded(sender.displayNumber);
        await queryClient.invalidateQueries({ queryKey: trpc.tenants.overview.queryKey({ tenantId }) });
      },
    }),
  );
  const errors = fieldErrorsOf(add.error);
  return (
    <form
      aria-label="Add sender number"
      noValidate
      className="grid gap-4 sm:grid-cols-2"
      onSubmit={(event) => {
        event.preventDefault();
        const formElement = event.currentTarget;
        if (add.isPending) return;
        const form = new FormData(formElement);
        const label = formText(form, "label").trim();
        setAdded(null);
        add.mutate(
          {
            tenantId,
            wabaId: formText(form, "wabaId").trim(),
            phoneNumberId: formText(form, "phoneNumberId").trim(),
            displayNumber: formText(form, "displayNumber").replace(/[\s()-]/g, ""),
            label: label || undefined,
            accessToken: formText(form, "accessToken").trim(),
          },
          { onSuccess: () => formElement.reset() },
        );
      }}
    >
      <Field
        label="WABA ID"
        hint="WhatsApp Business Account ID, digits only."
        error={fieldError(errors, "wabaId")}
      >
        {(control) => <Input {...control} name="wabaId" inputMode="numeric" required autoComplete="off" />}
      </Field>
      <Field
        label="Phone number ID"
        hint="The Graph API phone_number_id, digits only."
        error={fieldError(errors, "phoneNumberId")}
      >
        {(control) => (
          <Input {...control} name="phoneNumberId" inputMode="numeric" required autoComplete="off" />
        )}
      </Field>
      <Field
        label="Display number"
        hint="E.164 format, e.g. +15551234567."
        error={fieldError(errors, "displayNumber")}
      >
        {(control) => (
          <Input
            {...control}
            name="displayNumber"
            type="tel"
            required
            autoComplete="off"
            placeholder="+15551234567"
          />
        )}
      </Field>
      <Field
        label="Label"
        isOptional
        hint="A name your team recognises, e.g. “Support line”."
        error={fieldError(errors, "label")}
      >
        {(control) => <Input {...control} name="label" autoComplete="off" />}
      </Field>
      <Field
        label="Access token"
        className="sm:col-span-2"
        hint="The system-user token Waybill sends with. Encrypted at rest (AES-256-GCM) and never shown again."
        error={fieldError(errors, "accessToken")}
      >
        {(control) => (
          <Input
            {...control}
            name="accessToken"
            type="password"
            required
            autoComplete="new-password"
            spellCheck={false}
          />
        )}
      </Field>
      <div className="flex flex-col gap-3 sm:col-span-2">
        <FormMessage message={add.isError ? errorMessageOf(add.error) : null} />
        <FormMessage tone="ok" message={added ? `Added ${added}.` : null} />
        <div>
          <Button type="submit" isPending={add.isPending} pendingLabel="Adding…">
            Add sender number
          </Button>
        </div>
      </div>
    </form>
  );
}

export function SenderNumbersSection({ tenantId }: { tenantId: string }) {
  return (
    <Card
      title="Sender numbers"
      description="WhatsApp numbers this tenant sends from, with Meta's latest health report."
    >
      <div className="flex flex-col gap-6">
        <SenderNumbersTable tenantId={tenantId} />
        <div className="border-t border-zinc-200 pt-4">
          <h3 className="mb-3 text-sm font-semibold text-zinc-900">Add sender number</h3>
          <AddSenderNumberForm tenantId={tenantId} />
        </div>
      </div>
    </Card>
  );
}
