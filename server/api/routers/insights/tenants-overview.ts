// insights.tenantsOverview: number health of every tenant side by side, for cross-tenant roles
// (the "All tenants" health page). A tenant admin is refused: its view is insights.senderHealth.
import { TRPCError } from "@trpc/server";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { getTenantsOverview } from "@/server/services/insights/heatmaps";
import { permissionProcedure } from "../../trpc";
import { ZTenantsOverviewInputSchema, ZTenantsOverviewOutputSchema } from "./tenants-overview.types";

export const tenantsOverview = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "the all-tenants overview is for cross-tenant roles",
      });
    }
    return next();
  })
  .input(ZTenantsOverviewInputSchema)
  .output(ZTenantsOverviewOutputSchema)
  .query(async ({ ctx, input }) => {
    const now = new Date();
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return getTenantsOverview(ctx.db, tenants, {
      window: input.window,
      untilMs: (input.until ?? now).getTime(),
      now,
    });
  });
