// disputes.list: disputes of one tenant, or of every tenant for cross-tenant roles ("All
// tenants"), newest first, by status, ticket or message; keyset pages.
import { listDisputes as listDisputesQuery } from "@/server/db/queries/disputes";
import { tenantScopePermissionProcedure } from "../../trpc";
import { ZDisputeListInputSchema, ZDisputeListOutputSchema } from "./disputes.types";

export const listDisputes = tenantScopePermissionProcedure("tenant.read")
  .input(ZDisputeListInputSchema)
  .output(ZDisputeListOutputSchema)
  .query(async ({ ctx, input }) => {
    const { cursor, ...filters } = input;
    const page = await listDisputesQuery(ctx.db, ctx.tenantIds, { ...filters, after: cursor ?? undefined });
    return { items: page.rows, nextCursor: page.nextCursor };
  });
