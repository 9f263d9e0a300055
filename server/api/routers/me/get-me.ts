// me.get: the signed-in user, their permissions, display time zone and the tenants they may switch between.
import { PERMISSIONS, hasPermission, isCrossTenantRole } from "@/server/domain/access/permissions";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { getUserTimeZone } from "@/server/db/queries/users";
import { authedProcedure } from "../../trpc";

export const getMe = authedProcedure.query(async ({ ctx }) => {
  const [tenants, timeZone] = await Promise.all([
    listVisibleTenants(ctx.db, ctx.user),
    getUserTimeZone(ctx.db, ctx.user.id),
  ]);
  return {
    user: ctx.user,
    timeZone,
    isCrossTenant: isCrossTenantRole(ctx.user.role),
    permissions: PERMISSIONS.filter((p) => hasPermission(ctx.user.role, p)),
    tenants: tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name, status: t.status })),
  };
});
