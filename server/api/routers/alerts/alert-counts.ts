// alerts.counts / alerts.countsAllTenants: unresolved alerts per tenant, sender number, kind and
// status (the page's overview); one tenant, or every tenant for cross-tenant roles.
import { TRPCError } from "@trpc/server";
import { countUnresolvedAlerts } from "@/server/db/queries/alerts";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { permissionProcedure, tenantPermissionProcedure } from "../../trpc";
import { ZAlertCountsOutputSchema } from "./alert-console.types";

export const alertCounts = tenantPermissionProcedure("tenant.read")
  .output(ZAlertCountsOutputSchema)
  .query(({ ctx }) => countUnresolvedAlerts(ctx.db, [ctx.tenant.id]));

export const alertCountsAllTenants = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "listing all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .output(ZAlertCountsOutputSchema)
  .query(async ({ ctx }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return countUnresolvedAlerts(
      ctx.db,
      tenants.map((t) => t.id),
    );
  });
