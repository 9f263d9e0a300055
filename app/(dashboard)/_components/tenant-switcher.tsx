"use client";
// Tenant switcher for cross-tenant roles: a native select, so it is keyboard- and
// screen-reader-usable everywhere. Changing it keeps the current area (messages stay messages).
import { usePathname, useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { pathForScope } from "./nav-items";

export type TSwitcherTenant = { id: string; slug: string; name: string; status: string };

export function TenantSwitcher({ tenants, scope }: { tenants: TSwitcherTenant[]; scope: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const id = useId();
  const [isPending, startTransition] = useTransition();
  const isKnown = scope === "all" || tenants.some((t) => t.slug === scope);
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="flex items-center gap-1.5 text-xs font-medium text-zinc-500">
        Tenant
        {isPending ? <Spinner className="text-zinc-400" /> : null}
      </label>
      <Select
        id={id}
        value={isKnown ? scope : "all"}
        onChange={(event) => {
          const next = event.target.value;
          startTransition(() => router.push(pathForScope(pathname, next)));
        }}
      >
        <option value="all">All tenants</option>
        {tenants.map((t) => (
          <option key={t.id} value={t.slug}>
            {t.status === "active" ? t.name : `${t.name} (${t.status})`}
          </option>
        ))}
      </Select>
    </div>
  );
}

/** What a tenant admin sees instead: their tenant's name, nothing to switch. */
export function TenantName({ name }: { name: string }) {
  return (
    <div className="flex flex-col gap-1">
      <span className="text-xs font-medium text-zinc-500">Tenant</span>
      <span
        className="truncate rounded-md bg-zinc-100 px-3 py-2 text-sm font-medium text-zinc-900"
        title={name}
      >
        {name}
      </span>
    </div>
  );
}
