// alerts.stalled: messages waiting in a state past their tenant's threshold, oldest first, with
// the threshold and the open alert; one tenant, or every tenant for cross-tenant roles.
import { listStalledMessages } from "@/server/db/queries/alerts";
import { loadStallThresholds } from "@/server/services/monitoring/stall-thresholds";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZStalledInputSchema, ZStalledOutputSchema } from "./alerts.types";

export const stalledMessages = tenantScopePermissionProcedure("tenant.read")
  .input(ZStalledInputSchema)
  .output(ZStalledOutputSchema)
  .query(async ({ ctx, input }) => {
    const now = new Date();
    const thresholds = await loadStallThresholds(ctx.db, ctx.tenantIds);
    const { cursor, ...filter } = input;
    const page = await listStalledMessages(
      ctx.db,
      ctx.tenantIds,
      thresholds,
      { ...filter, after: cursor ?? undefined },
      now,
    );
    return { items: page.rows, nextCursor: page.nextCursor, counts: page.counts, checkedAt: now };
  });
