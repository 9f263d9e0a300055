// alerts.counts: unresolved alerts per tenant, sender number, kind and status (the page's
// overview); one tenant, or every tenant for cross-tenant roles.
import { countUnresolvedAlerts } from "@/server/db/queries/alerts";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZAlertCountsOutputSchema } from "./alerts.types";

export const alertCounts = tenantScopePermissionProcedure("tenant.read")
  .output(ZAlertCountsOutputSchema)
  .query(({ ctx }) => countUnresolvedAlerts(ctx.db, ctx.tenantIds));
