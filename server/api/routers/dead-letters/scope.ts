// The tenants a bulk action may read: one named tenant, or every tenant a cross-tenant role sees
// (an omitted tenant). The wall itself is the ladder's (resolveTenantScope).
import type { TDb } from "@/server/db/client";
import { resolveTenantScope, type TAuthedUser } from "../../trpc";

export async function bulkScope(db: TDb, user: TAuthedUser, tenantId: string | undefined) {
  const tenants = await resolveTenantScope(db, user, tenantId === undefined ? "all" : { tenantId });
  return {
    scopeTenantId: tenantId ?? null,
    visibleTenants: tenants.map((t) => ({ id: t.id, name: t.name })),
  };
}
