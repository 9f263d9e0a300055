// alerts.stalled / alerts.stalledAllTenants: messages waiting in a state past their tenant's
// threshold, oldest first, with the threshold and the open alert; one tenant, or every tenant
// for cross-tenant roles.
import { TRPCError } from "@trpc/server";
import { listStalledMessages } from "@/server/db/queries/alerts";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import type { TDb } from "@/server/db/client";
import { loadStallThresholds } from "@/server/services/monitoring/stall-thresholds";
import { permissionProcedure, tenantPermissionProcedure } from "../../trpc";
import { ZStalledInputSchema, ZStalledOutputSchema } from "./alert-console.types";
import type { z } from "zod";

async function stalled(db: TDb, tenantIds: string[], input: z.output<typeof ZStalledInputSchema>) {
  const now = new Date();
  const thresholds = await loadStallThresholds(db, tenantIds);
  const { cursor, ...filter } = input;
  const page = await listStalledMessages(
    db,
    tenantIds,
    thresholds,
    { ...filter, after: cursor ?? undefined },
    now,
  );
  return { items: page.rows, nextCursor: page.nextCursor, counts: page.counts, checkedAt: now };
}

export const stalledMessages = tenantPermissionProcedure("tenant.read")
  .input(ZStalledInputSchema)
  .output(ZStalledOutputSchema)
  .query(({ ctx, input }) => stalled(ctx.db, [ctx.tenant.id], input));

export const stalledMessagesAllTenants = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "listing all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZStalledInputSchema)
  .output(ZStalledOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    return stalled(
      ctx.db,
      tenants.map((t) => t.id),
      input,
    );
  });
