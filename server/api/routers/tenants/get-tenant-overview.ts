// tenants.overview: one tenant with its sender numbers (tenant-scoped).
import { listSenderNumbers } from "@/server/db/queries/tenants";
import { tenantPermissionProcedure } from "../../trpc";

export const getTenantOverview = tenantPermissionProcedure("tenant.read").query(async ({ ctx }) => ({
  tenant: ctx.tenant,
  senderNumbers: await listSenderNumbers(ctx.db, ctx.tenant.id),
}));
