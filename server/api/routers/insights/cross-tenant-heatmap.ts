// insights.crossTenantHeatmap: failures of every tenant x time, for engineers and admins
// (operations.read): a spike in one row is one tenant's, a column lit across rows is systemic.
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { getCrossTenantHeatmap } from "@/server/services/insights/heatmaps";
import { permissionProcedure } from "../../trpc";
import { ZCrossTenantHeatmapInputSchema, ZCrossTenantHeatmapOutputSchema } from "./insights.types";

export const crossTenantHeatmap = permissionProcedure("operations.read")
  .input(ZCrossTenantHeatmapInputSchema)
  .output(ZCrossTenantHeatmapOutputSchema)
  .query(async ({ ctx, input }) => {
    const now = new Date();
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return getCrossTenantHeatmap(ctx.db, tenants, {
      window: input.window,
      untilMs: (input.until ?? now).getTime(),
      now,
    });
  });
