// insights.*: number health and failure heatmaps, served from the rollups (migration 006).
import { createTRPCRouter } from "../../trpc";
import { crossTenantHeatmap } from "./cross-tenant-heatmap";
import { senderHealth } from "./sender-health";
import { tenantHeatmap } from "./tenant-heatmap";
import { tenantsOverview } from "./tenants-overview";

export const insightsRouter = createTRPCRouter({
  senderHealth,
  tenantHeatmap,
  crossTenantHeatmap,
  tenantsOverview,
});
