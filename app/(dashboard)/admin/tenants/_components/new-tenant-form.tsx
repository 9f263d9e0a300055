"use client";
// "New tenant": slug + name. Server field errors show under their fields; a taken slug
// (CONFLICT) shows as the form's message.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { formText } from "@/components/ui/form-text";

export function NewTenantForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);

  const create = useMutation(
    trpc.admin.createTenant.mutationOptions({
      onSuccess: async (tenant) => {
        setCreated({ id: tenant.id, name: tenant.name });
        // the switcher reads me.get's tenant list, the table reads tenants.list
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.tenants.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.me.get.queryKey() }),
        ]);
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);

  return (
    <Card title="New tenant" headingLevel={2}>
      <form
        aria-label="New tenant"
        noValidate
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          const formElement = event.currentTarget;
          if (create.isPending) return;
          const form = new FormData(formElement);
          setCreated(null);
          create.mutate(
            {
              slug: formText(form, "slug").trim(),
              name: formText(form, "name").trim(),
            },
            { onSuccess: () => formElement.reset() },
          );
        }}
      >
        <Field label="Name" error={fieldError(errors, "name")}>
          {(control) => <Input {...control} name="name" required autoComplete="off" placeholder="Acme Ltd" />}
        </Field>
        <Field
          label="Slug"
          hint="Lowercase letters, digits and dashes; it appears in console URLs such as /t/acme/messages."
          error={fieldError(errors, "slug")}
        >
          {(control) => (
            <Input
              {...control}
              name="slug"
              required
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              placeholder="acme"
              className="font-mono"
            />
          )}
        </Field>
        <FormMessage message={create.isError ? errorMessageOf(create.error) : null} />
        <FormMessage
          tone="ok"
          message={
            created ? (
              <>
                Created {created.name}.{" "}
                <Link href={`/admin/tenants/${created.id}`} className="font-medium underline">
                  Add sender numbers and API keys
                </Link>
              </>
            ) : null
          }
        />
        <Button type="submit" isPending={create.isPending} pendingLabel="Creating…">
          Create tenant
        </Button>
      </form>
    </Card>
  );
}
