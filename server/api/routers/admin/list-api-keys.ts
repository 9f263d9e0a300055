// admin.listApiKeys: a tenant's keys (hints only; secrets are never stored).
import { listApiKeys as listApiKeysQuery } from "@/server/db/queries/tenants";
import { tenantPermissionProcedure } from "../../trpc";

export const listApiKeys = tenantPermissionProcedure("admin.api_keys").query(({ ctx }) =>
  listApiKeysQuery(ctx.db, ctx.tenant.id),
);
