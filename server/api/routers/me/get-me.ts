// me.get: the signed-in user, their permissions and the tenants they may switch between.
import { PERMISSIONS, hasPermission, isCrossTenantRole } from "@/server/domain/access/permissions";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { authedProcedure } from "../../trpc";

export const getMe = authedProcedure.query(async ({ ctx }) => {
  const tenants = await listVisibleTenants(ctx.db, ctx.user);
  return {
    user: ctx.user,
    isCrossTenant: isCrossTenantRole(ctx.user.role),
    permissions: PERMISSIONS.filter((p) => hasPermission(ctx.user.role, p)),
    tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, status: t.status })),
  };
});
