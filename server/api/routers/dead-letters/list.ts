// deadLetters.list: one tenant's dead letters, newest first: reason in words, error code, sender,
// template, age, attempts and where each stands (open, retry awaiting acknowledgement,
// acknowledged, discarded, cancelled); filtered and keyset-paginated.
import { listDeadLetters } from "@/server/db/queries/dead-letters";
import { tenantPermissionProcedure } from "../../trpc";
import {
  toDeadLetterQuery,
  ZDeadLetterListInputSchema,
  ZDeadLetterListOutputSchema,
} from "./dead-letters.types";
import { forViewer } from "./view";

export const listTenantDeadLetters = tenantPermissionProcedure("tenant.read")
  .input(ZDeadLetterListInputSchema)
  .output(ZDeadLetterListOutputSchema)
  .query(async ({ ctx, input }) => {
    const page = await listDeadLetters(ctx.db, [ctx.tenant.id], {
      ...toDeadLetterQuery(input, new Date()),
      ...(input.cursor ? { after: input.cursor } : {}),
      limit: input.limit,
    });
    return { items: page.rows.map((row) => forViewer(row, ctx.user.role)), nextCursor: page.nextCursor };
  });
