// usage.tenant / usage.allTenants: usage metered from Meta's pricing objects (docs/usage.md); a
// tenant admin reads its own tenant, admins every tenant.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { readUsage } from "@/server/db/queries/usage";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { lastDays } from "@/components/charts/prepare/usage";
import { createTRPCRouter, permissionProcedure, tenantPermissionProcedure } from "../../trpc";

const ZUsageInputSchema = z.object({
  /** the last N UTC days up to today */
  days: z.number().int().min(1).max(366).default(30),
});

const ZUsageOutputSchema = z.object({
  range: z.object({ from: z.string(), to: z.string() }),
  rows: z.array(
    z.object({
      tenantId: z.string(),
      tenantSlug: z.string(),
      day: z.string(),
      senderNumberId: z.string(),
      displayNumber: z.string().nullable(),
      category: z.string(),
      pricingType: z.string(),
      billable: z.boolean(),
      messages: z.number(),
    }),
  ),
});

const tenantUsage = tenantPermissionProcedure("usage.read")
  .input(ZUsageInputSchema)
  .output(ZUsageOutputSchema)
  .query(async ({ ctx, input }) => {
    const range = lastDays(Date.now(), input.days);
    return { range, rows: await readUsage(ctx.db, [ctx.tenant.id], range) };
  });

const allTenantsUsage = permissionProcedure("usage.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role))
      throw new TRPCError({ code: "FORBIDDEN", message: "usage of all tenants is for admins" });
    return next();
  })
  .input(ZUsageInputSchema)
  .output(ZUsageOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const range = lastDays(Date.now(), input.days);
    return {
      range,
      rows: await readUsage(
        ctx.db,
        tenants.map((t) => t.id),
        range,
      ),
    };
  });

export const usageRouter = createTRPCRouter({ tenant: tenantUsage, allTenants: allTenantsUsage });
