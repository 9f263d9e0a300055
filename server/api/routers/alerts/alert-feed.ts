// alerts.feed / alerts.feedAllTenants: alerts newest first (filtered by status, kind and sender
// number), each with its lifecycle history; one tenant, or every tenant for cross-tenant roles.
import { TRPCError } from "@trpc/server";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { listAlertsWithHistory } from "@/server/services/monitoring/alert-console";
import { permissionProcedure, tenantPermissionProcedure } from "../../trpc";
import { ZAlertFeedInputSchema, ZAlertFeedOutputSchema } from "./alert-console.types";

export const alertFeed = tenantPermissionProcedure("tenant.read")
  .input(ZAlertFeedInputSchema)
  .output(ZAlertFeedOutputSchema)
  .query(({ ctx, input }) => {
    const { cursor, ...filter } = input;
    return listAlertsWithHistory(
      ctx.db,
      [ctx.tenant.id],
      { ...filter, after: cursor ?? undefined },
      new Date(),
    );
  });

export const alertFeedAllTenants = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "listing all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZAlertFeedInputSchema)
  .output(ZAlertFeedOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const { cursor, ...filter } = input;
    return listAlertsWithHistory(
      ctx.db,
      tenants.map((t) => t.id),
      { ...filter, after: cursor ?? undefined },
      new Date(),
    );
  });
