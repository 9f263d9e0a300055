// deadLetters.prepareBulk: the dry run of a bulk retry or discard. Assesses the selection (ids, or
// a filter frozen into at most 5,000 ids) and records the messages it would act on as a prepared
// operation; nothing is sent until the same engineer confirms it with a reason (requestBulk).
import { DEFAULT_BULK_APPROVAL_THRESHOLD, needsApproval } from "@/server/domain/dead-letters/assess-retry";
import { prepareBulkAction } from "@/server/services/dead-letters/bulk-actions";
import { permissionProcedure } from "../../trpc";
import { toDeadLetterQuery, ZPrepareBulkInputSchema, ZPrepareBulkOutputSchema } from "./dead-letters.types";
import { describeFilters } from "./describe";
import { bulkScope } from "./scope";

export const prepareBulk = permissionProcedure("operations.act")
  .input(ZPrepareBulkInputSchema)
  .output(ZPrepareBulkOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const scope = await bulkScope(ctx.db, ctx.user, input.tenantId);
    const now = new Date();
    const result = await prepareBulkAction(ctx.db, ctx.actor, {
      kind: input.kind,
      ...scope,
      selection:
        input.selection.kind === "ids"
          ? { kind: "ids", items: input.selection.items }
          : {
              kind: "filter",
              query: toDeadLetterQuery(input.selection.filters, now),
              description: describeFilters(input.selection.filters),
            },
      now,
    });
    const threshold = ctx.bulkApprovalThreshold ?? DEFAULT_BULK_APPROVAL_THRESHOLD;
    return { ...result, threshold, needsApproval: needsApproval(result.assessment.actionable, threshold) };
  });
