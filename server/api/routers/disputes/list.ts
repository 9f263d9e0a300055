// disputes.list: one tenant's disputes, newest first, by status, ticket or message; keyset pages.
import { listDisputes as listDisputesQuery } from "@/server/db/queries/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDisputeListInputSchema, ZDisputeListOutputSchema } from "./disputes.types";

export const listDisputes = tenantPermissionProcedure("tenant.read")
  .input(ZDisputeListInputSchema)
  .output(ZDisputeListOutputSchema)
  .query(async ({ ctx, input }) => {
    const { cursor, ...filters } = input;
    const page = await listDisputesQuery(ctx.db, [ctx.tenant.id], { ...filters, after: cursor ?? undefined });
    return { items: page.rows, nextCursor: page.nextCursor };
  });
