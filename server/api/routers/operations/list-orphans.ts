// operations.orphans: statuses waiting for their message across every tenant, oldest first, and
// (first page) the foreign ones per number.
import { listWaitingOrphans } from "@/server/db/queries/operations";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { countForeignStatuses } from "@/server/services/ingest/orphans";

/** How far back foreign statuses are counted (as long as an orphan would otherwise have waited). */
const FOREIGN_WINDOW_MS = 30 * 24 * 60 * 60_000;
import { permissionProcedure } from "../../trpc";
import { ZOrphansInputSchema, ZOrphansOutputSchema } from "./operations.types";

export const listOrphansAllTenants = permissionProcedure("operations.read")
  .input(ZOrphansInputSchema)
  .output(ZOrphansOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const tenantIds = tenants.map((t) => t.id);
    const [page, foreign] = await Promise.all([
      listWaitingOrphans(ctx.db, tenantIds, { after: input.cursor ?? undefined, limit: input.limit }),
      input.cursor ? null : countForeignStatuses(ctx.db, tenantIds, new Date(Date.now() - FOREIGN_WINDOW_MS)),
    ]);
    return { items: page.rows, nextCursor: page.nextCursor, foreign };
  });
