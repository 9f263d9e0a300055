// insights.tenantHeatmap: a tenant's failures by sender number, error code and template x time,
// with quality/limit changes as markers (tenant-scoped, tenant.read).
import { getTenantHeatmap } from "@/server/services/insights/heatmaps";
import { tenantPermissionProcedure } from "../../trpc";
import { ZTenantHeatmapInputSchema, ZTenantHeatmapOutputSchema } from "./insights.types";

export const tenantHeatmap = tenantPermissionProcedure("tenant.read")
  .input(ZTenantHeatmapInputSchema)
  .output(ZTenantHeatmapOutputSchema)
  .query(({ ctx, input }) => {
    const now = new Date();
    return getTenantHeatmap(ctx.db, ctx.tenant.id, {
      window: input.window,
      untilMs: (input.until ?? now).getTime(),
      now,
    });
  });
