// messages.search: one tenant's messages by id, wamid, recipient, sender, template, state, error
// code and time range; keyset-paginated, newest or oldest first; recipients masked.
import { searchMessages as searchMessagesQuery } from "@/server/db/queries/messages";
import { tenantPermissionProcedure } from "../../trpc";
import { toSearchQuery, ZMessageSearchInputSchema, ZMessageSearchOutputSchema } from "./search.types";

export const searchMessages = tenantPermissionProcedure("tenant.read")
  .input(ZMessageSearchInputSchema)
  .output(ZMessageSearchOutputSchema)
  .query(async ({ ctx, input }) => {
    const page = await searchMessagesQuery(ctx.db, [ctx.tenant.id], toSearchQuery(input));
    return { items: page.rows, nextCursor: page.nextCursor, prevCursor: page.prevCursor };
  });
