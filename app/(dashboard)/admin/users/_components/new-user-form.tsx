"use client";
// "New user": email, name, role, tenant (tenant admins only) and an initial password.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { TRole } from "@/server/domain/access/permissions";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { ROLE_LABELS, ROLE_OPTIONS } from "@/app/(dashboard)/_lib/labels";
import { errorMessageOf, fieldError, fieldErrorsOf } from "@/components/query/trpc-errors";
import { useTRPC } from "@/trpc/client";
import { formText } from "@/components/ui/form-text";

// mirrors the server's rule (MIN_PASSWORD_LENGTH); the server still decides
const MIN_PASSWORD_LENGTH = 12;

const ROLE_HINTS: Record<TRole, string> = {
  support_agent: "Reads every tenant's messages; annotates and raises disputes.",
  tenant_admin: "Sees one tenant only: its messages, numbers and alerts.",
  engineer: "Every tenant, plus operations: retries, dead letters, replays.",
  admin: "Every tenant, plus users, tenants, sender numbers and API keys.",
};

export function NewUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tenants = useQuery(trpc.tenants.list.queryOptions());
  const [role, setRole] = useState<TRole>("support_agent");
  const [created, setCreated] = useState<string | null>(null);

  const create = useMutation(
    trpc.admin.createUser.mutationOptions({
      onSuccess: async (user) => {
        setRole("support_agent");
        setCreated(user.email);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.listUsers.queryKey() });
      },
    }),
  );
  const errors = fieldErrorsOf(create.error);
  const needsTenant = role === "tenant_admin";

  return (
    <Card title="New user" id="new-user" className="scroll-mt-16">
      <form
        aria-label="New user"
        noValidate
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          const formElement = event.currentTarget;
          if (create.isPending) return;
          const form = new FormData(formElement);
          const tenantId = formText(form, "tenantId");
          setCreated(null);
          create.mutate(
            {
              email: formText(form, "email").trim(),
              name: formText(form, "name").trim(),
              role,
              tenantId: needsTenant && tenantId ? tenantId : null,
              password: formText(form, "password"),
            },
            { onSuccess: () => formElement.reset() },
          );
        }}
      >
        <Field label="Email" error={fieldError(errors, "email")}>
          {(control) => <Input {...control} name="email" type="email" required autoComplete="off" />}
        </Field>
        <Field label="Name" error={fieldError(errors, "name")}>
          {(control) => <Input {...control} name="name" required autoComplete="off" />}
        </Field>
        <Field label="Role" hint={ROLE_HINTS[role]} error={fieldError(errors, "role")}>
          {(control) => (
            <Select
              {...control}
              name="role"
              value={role}
              onChange={(event) => setRole(event.target.value as TRole)}
            >
              {ROLE_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {needsTenant ? (
          <Field
            label="Tenant to administer"
            hint={
              tenants.isError
                ? "Could not load tenants; reload the page."
                : "The one tenant this admin can see."
            }
            error={fieldError(errors, "tenantId")}
          >
            {(control) => (
              <Select {...control} name="tenantId" required defaultValue="" disabled={tenants.isPending}>
                <option value="" disabled>
                  {tenants.isPending ? "Loading tenants…" : "Choose a tenant"}
                </option>
                {(tenants.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        ) : null}
        <Field
          label="Password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. Share it through a secure channel.`}
          error={fieldError(errors, "password")}
        >
          {(control) => (
            <Input
              {...control}
              name="password"
              type="password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              autoComplete="new-password"
            />
          )}
        </Field>
        <div className="flex flex-col gap-3 sm:col-span-2">
          <FormMessage message={create.isError ? errorMessageOf(create.error) : null} />
          <FormMessage tone="ok" message={created ? `Created ${created}. They can sign in now.` : null} />
          <div>
            <Button type="submit" isPending={create.isPending} pendingLabel="Creating…">
              Create user
            </Button>
          </div>
        </div>
      </form>
    </Card>
  );
}
