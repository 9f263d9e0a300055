// tenants.*: the tenants a user may see, and one tenant's overview.
import { createTRPCRouter } from "../../trpc";
import { getTenantOverview } from "./get-tenant-overview";
import { listTenants } from "./list-tenants";

export const tenantsRouter = createTRPCRouter({
  list: listTenants,
  overview: getTenantOverview,
});
