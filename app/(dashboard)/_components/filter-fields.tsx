"use client";
// Filter fields the console's list pages share (messages, dead letters, stalled & alerts): the
// scope (tenant) choice for cross-tenant users, the tenant's sender numbers, template, error code,
// and the apply / clear buttons. Each page keeps its own form, parsing and URL handling.
import { useQuery } from "@tanstack/react-query";
import { Button, type TButtonVariant } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/client";

const NO_TENANT = "00000000-0000-0000-0000-000000000000";

export type TSenderOption = { id: string; label: string };

/** The tenant's sender numbers as options ("+1555… · Support"); none without a tenant. */
export function useTenantSenderOptions(tenantId: string | null): TSenderOption[] {
  const trpc = useTRPC();
  const overview = useQuery({
    ...trpc.tenants.overview.queryOptions({ tenantId: tenantId ?? NO_TENANT }),
    enabled: tenantId !== null,
  });
  return (overview.data?.senderNumbers ?? []).map((s) => ({
    id: s.id,
    label: s.label ? `${s.displayNumber} · ${s.label}` : s.displayNumber,
  }));
}

/** One tenant or all of them (name "tenant", value the slug or "all"). */
export function ScopeField({
  label,
  defaultValue,
  tenants,
}: {
  label: string;
  defaultValue: string;
  tenants: readonly { id: string; slug: string; name: string }[];
}) {
  return (
    <Field label={label} hint="One tenant, or all of them; filters are kept.">
      {(control) => (
        <Select {...control} name="tenant" defaultValue={defaultValue}>
          <option value="all">All tenants</option>
          {tenants.map((t) => (
            <option key={t.id} value={t.slug}>
              {t.name}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

export function SenderNumberField({
  defaultValue,
  senders,
  anyLabel = "Any sender",
}: {
  defaultValue: string;
  senders: readonly TSenderOption[];
  anyLabel?: string;
}) {
  return (
    <Field label="Sender number">
      {(control) => (
        <Select {...control} name="sender" defaultValue={defaultValue}>
          <option value="">{anyLabel}</option>
          {senders.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}

export function TemplateField({ defaultValue }: { defaultValue: string }) {
  return (
    <Field label="Template">
      {(control) => (
        <Input
          {...control}
          name="template"
          defaultValue={defaultValue}
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. order_update"
        />
      )}
    </Field>
  );
}

export function ErrorCodeField({
  defaultValue,
  hint,
  inputMode,
}: {
  defaultValue: string;
  hint: string;
  inputMode?: "numeric";
}) {
  return (
    <Field label="Error code" hint={hint}>
      {(control) => (
        <Input
          {...control}
          name="error"
          defaultValue={defaultValue}
          autoComplete="off"
          inputMode={inputMode}
          spellCheck={false}
          className="font-mono"
        />
      )}
    </Field>
  );
}

/** Submit, and a clear button while any filter is set. */
export function FilterActions({
  isPending,
  canClear,
  onClear,
  submitLabel = "Apply filters",
  pendingLabel = "Applying…",
  submitVariant = "secondary",
  clearLabel = "Clear filters",
  className,
}: {
  isPending: boolean;
  canClear: boolean;
  onClear: () => void;
  submitLabel?: string;
  pendingLabel?: string;
  submitVariant?: TButtonVariant;
  clearLabel?: string;
  className?: string;
}) {
  return (
    <div className={cn("flex gap-2", className)}>
      <Button type="submit" variant={submitVariant} isPending={isPending} pendingLabel={pendingLabel}>
        {submitLabel}
      </Button>
      {canClear ? (
        <Button variant="ghost" disabled={isPending} onClick={onClear}>
          {clearLabel}
        </Button>
      ) : null}
    </div>
  );
}
