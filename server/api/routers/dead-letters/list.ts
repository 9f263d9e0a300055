// deadLetters.list: dead letters of one tenant, or of every tenant for cross-tenant roles (the
// per-tenant query once per tenant, merged; no index spans tenants), newest first: reason in
// words, error code, sender, template, age, attempts and where each stands (open, retry awaiting
// acknowledgement, acknowledged, discarded, cancelled); filtered and keyset-paginated.
import { listDeadLetters } from "@/server/db/queries/dead-letters";
import { tenantScopePermissionProcedure } from "../../trpc";
import {
  toDeadLetterQuery,
  ZDeadLetterListInputSchema,
  ZDeadLetterListOutputSchema,
} from "./dead-letters.types";
import { forViewer } from "./view";

export const listDeadLetterPage = tenantScopePermissionProcedure("tenant.read")
  .input(ZDeadLetterListInputSchema)
  .output(ZDeadLetterListOutputSchema)
  .query(async ({ ctx, input }) => {
    const page = await listDeadLetters(ctx.db, ctx.tenantIds, {
      ...toDeadLetterQuery(input, new Date()),
      ...(input.cursor ? { after: input.cursor } : {}),
      limit: input.limit,
    });
    return { items: page.rows.map((row) => forViewer(row, ctx.user.role)), nextCursor: page.nextCursor };
  });
