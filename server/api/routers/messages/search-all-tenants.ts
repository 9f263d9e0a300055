// messages.searchAllTenants: the same search across every tenant, for cross-tenant roles (the
// console's "All tenants" scope). A tenant admin is refused: its search is messages.search.
import { TRPCError } from "@trpc/server";
import { searchMessages as searchMessagesQuery } from "@/server/db/queries/messages";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { isCrossTenantRole } from "@/server/domain/access/permissions";
import { permissionProcedure } from "../../trpc";
import { toSearchQuery, ZMessageSearchInputSchema, ZMessageSearchOutputSchema } from "./search.types";

export const searchAllTenantMessages = permissionProcedure("tenant.read")
  .use(({ ctx, next }) => {
    if (!isCrossTenantRole(ctx.user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "searching all tenants is for cross-tenant roles" });
    }
    return next();
  })
  .input(ZMessageSearchInputSchema)
  .output(ZMessageSearchOutputSchema)
  .query(async ({ ctx, input }) => {
    const tenants = await listVisibleTenants(ctx.db, ctx.user);
    const page = await searchMessagesQuery(
      ctx.db,
      tenants.map((t) => t.id),
      toSearchQuery(input),
    );
    return { items: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  });
