// numberHealth.listUnhealthy: every number that is not healthy in the scope (one tenant, or every
// tenant for cross-tenant roles: the support view), most held messages first.
import { listUnhealthyNumbers } from "@/server/services/number-health/number-health-view";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZListUnhealthyOutputSchema } from "./number-health.types";

export const listUnhealthy = tenantScopePermissionProcedure("tenant.read")
  .output(ZListUnhealthyOutputSchema)
  .query(({ ctx }) => listUnhealthyNumbers(ctx.db, ctx.tenantIds, new Date()));
