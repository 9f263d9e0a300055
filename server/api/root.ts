// The application router: one sub-router per console area.
import { createCallerFactory, createTRPCRouter } from "./trpc";
import { addSenderNumber } from "./routers/admin/add-sender-number";
import { createApiKey } from "./routers/admin/create-api-key";
import { createTenant } from "./routers/admin/create-tenant";
import { createUser } from "./routers/admin/create-user";
import { listApiKeys } from "./routers/admin/list-api-keys";
import { listAuditEvents } from "./routers/admin/list-audit-events";
import { listUsers } from "./routers/admin/list-users";
import { revokeApiKey } from "./routers/admin/revoke-api-key";
import { setUserDisabled } from "./routers/admin/set-user-disabled";
import { getMe } from "./routers/me/get-me";
import { getHealth } from "./routers/system/get-health";
import { getProbe, runProbe } from "./routers/system/run-probe";
import { getTenantOverview } from "./routers/tenants/get-tenant-overview";
import { listTenants } from "./routers/tenants/list-tenants";

export const appRouter = createTRPCRouter({
  me: createTRPCRouter({ get: getMe }),
  tenants: createTRPCRouter({ list: listTenants, overview: getTenantOverview }),
  admin: createTRPCRouter({
    createTenant,
    addSenderNumber,
    listUsers,
    createUser,
    setUserDisabled,
    listApiKeys,
    createApiKey,
    revokeApiKey,
    listAuditEvents,
  }),
  system: createTRPCRouter({ health: getHealth, runProbe, probe: getProbe }),
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
