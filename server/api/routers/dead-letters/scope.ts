// The tenants a bulk action may read: one named tenant (the wall applies: a tenant admin only its
// own, and it must exist), or every tenant a cross-tenant role sees.
import { TRPCError } from "@trpc/server";
import type { TDb } from "@/server/db/client";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { canAccessTenant, isCrossTenantRole } from "@/server/domain/access/permissions";
import type { TAuthedUser } from "../../trpc";

export async function bulkScope(db: TDb, user: TAuthedUser, tenantId: string | undefined) {
  if (tenantId !== undefined && !canAccessTenant(user, tenantId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "this tenant is outside your access" });
  }
  if (tenantId === undefined && !isCrossTenantRole(user.role)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "all tenants at once is for cross-tenant roles" });
  }
  const visible = await listVisibleTenants(db, user);
  if (tenantId !== undefined && !visible.some((t) => t.id === tenantId)) {
    throw new TRPCError({ code: "NOT_FOUND", message: "no such tenant" });
  }
  return {
    scopeTenantId: tenantId ?? null,
    visibleTenants: visible.map((t) => ({ id: t.id, name: t.name })),
  };
}
