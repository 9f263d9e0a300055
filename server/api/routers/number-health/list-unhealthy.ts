// numberHealth.listUnhealthy: every number that is not healthy across the tenants the user may
// see, most held messages first (the support view). Cross-tenant roles only.
import { TRPCError } from "@trpc/server";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { listUnhealthyNumbers } from "@/server/services/number-health/number-health-view";
import { permissionProcedure } from "../../trpc";
import { ZListUnhealthyInputSchema, ZListUnhealthyOutputSchema } from "./number-health.types";

export const listUnhealthy = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "the all-tenants list is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZListUnhealthyInputSchema)
  .output(ZListUnhealthyOutputSchema)
  .query(async ({ ctx }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return listUnhealthyNumbers(
      ctx.db,
      tenants.map((t) => t.id),
      new Date(),
    );
  });
