// insights.tenantsOverview: number health of tenants side by side: every tenant for cross-tenant
// roles (the "All tenants" health page), or one. A tenant's own page reads insights.senderHealth.
import { getTenantsOverview } from "@/server/services/insights/heatmaps";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZTenantsOverviewInputSchema, ZTenantsOverviewOutputSchema } from "./insights.types";

export const tenantsOverview = tenantScopePermissionProcedure("tenant.read")
  .input(ZTenantsOverviewInputSchema)
  .output(ZTenantsOverviewOutputSchema)
  .query(({ ctx, input }) => {
    const now = new Date();
    return getTenantsOverview(ctx.db, ctx.tenants, {
      window: input.window,
      untilMs: (input.until ?? now).getTime(),
      now,
    });
  });
