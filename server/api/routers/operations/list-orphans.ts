// operations.orphans: statuses waiting for their message across every tenant, oldest first.
import { listWaitingOrphans } from "@/server/db/queries/operations";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { permissionProcedure } from "../../trpc";
import { ZOrphansInputSchema, ZOrphansOutputSchema } from "./operations.types";

export const listOrphansAllTenants = permissionProcedure("operations.read")
  .input(ZOrphansInputSchema)
  .output(ZOrphansOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const page = await listWaitingOrphans(
      ctx.db,
      tenants.map((t) => t.id),
      { after: input.cursor ?? undefined, limit: input.limit },
    );
    return { items: page.rows, nextCursor: page.nextCursor };
  });
