// alerts.list: a tenant's alerts (stalled messages, stalled-share jumps, orphans, sender health), newest first.
import { listAlerts as listAlertsQuery } from "@/server/db/queries/ingest";
import { tenantPermissionProcedure } from "../../trpc";
import { ZListAlertsInputSchema, ZListAlertsOutputSchema } from "./list-alerts.types";

export const listAlerts = tenantPermissionProcedure("tenant.read")
  .input(ZListAlertsInputSchema)
  .output(ZListAlertsOutputSchema)
  .query(({ ctx, input }) => listAlertsQuery(ctx.db, ctx.tenant.id, input));
