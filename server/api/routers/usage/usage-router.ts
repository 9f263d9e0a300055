// usage.get: usage metered from Meta's pricing objects (docs/usage.md) of one tenant, or of every
// tenant; a tenant admin reads its own tenant, admins any tenant or all of them.
import { z } from "zod";
import { readUsage } from "@/server/db/queries/usage";
import { lastDays } from "@/components/charts/prepare/usage";
import { createTRPCRouter, tenantScopePermissionProcedure } from "../../trpc";

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

const getUsage = tenantScopePermissionProcedure("usage.read")
  .input(ZUsageInputSchema)
  .output(ZUsageOutputSchema)
  .query(async ({ ctx, input }) => {
    const range = lastDays(Date.now(), input.days);
    return { range, rows: await readUsage(ctx.db, ctx.tenantIds, range) };
  });

export const usageRouter = createTRPCRouter({ get: getUsage });
