// alerts.feed: alerts newest first (filtered by status, kind and sender number), each with its
// lifecycle history; one tenant, or every tenant for cross-tenant roles.
import { listAlertsWithHistory } from "@/server/services/monitoring/alert-console";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZAlertFeedInputSchema, ZAlertFeedOutputSchema } from "./alerts.types";

export const alertFeed = tenantScopePermissionProcedure("tenant.read")
  .input(ZAlertFeedInputSchema)
  .output(ZAlertFeedOutputSchema)
  .query(({ ctx, input }) => {
    const { cursor, ...filter } = input;
    return listAlertsWithHistory(
      ctx.db,
      ctx.tenantIds,
      { ...filter, after: cursor ?? undefined },
      new Date(),
    );
  });
