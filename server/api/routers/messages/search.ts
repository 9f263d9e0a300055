// messages.search: messages of one tenant, or of every tenant for cross-tenant roles (the
// console's "All tenants" scope), by id, wamid, recipient, sender, template, state, error code and
// time range; keyset-paginated, newest or oldest first; recipients masked.
import { searchMessages as searchMessagesQuery } from "@/server/db/queries/messages";
import { tenantScopePermissionProcedure } from "../../trpc";
import { toSearchQuery, ZMessageSearchInputSchema, ZMessageSearchOutputSchema } from "./messages.types";

export const searchMessages = tenantScopePermissionProcedure("tenant.read")
  .input(ZMessageSearchInputSchema)
  .output(ZMessageSearchOutputSchema)
  .query(async ({ ctx, input }) => {
    const page = await searchMessagesQuery(ctx.db, ctx.tenantIds, toSearchQuery(input));
    return { items: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  });
