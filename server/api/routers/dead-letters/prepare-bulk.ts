// deadLetters.prepareBulk: the dry run of a bulk retry or discard. Assesses the selection (ids, or
// a filter frozen into at most 5,000 ids) and records the messages it would act on as a prepared
// operation; nothing is sent until the same engineer confirms it with a reason (requestBulk).
import { DEFAULT_BULK_APPROVAL_THRESHOLD, needsApproval } from "@/server/domain/dead-letters/assess-retry";
import { prepareBulkAction } from "@/server/services/dead-letters/bulk-actions";
import { permissionProcedure } from "../../trpc";
import type { TBulkSelection } from "@/server/services/dead-letters/bulk-actions";
import {
  toDeadLetterQuery,
  ZPrepareBulkInputSchema,
  ZPrepareBulkOutputSchema,
  type TPrepareBulkInput,
} from "./dead-letters.types";
import { describeFilters, describeGroup } from "./describe";
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
      selection: toServiceSelection(input.selection, now),
      now,
    });
    const threshold = ctx.bulkApprovalThreshold ?? DEFAULT_BULK_APPROVAL_THRESHOLD;
    return { ...result, threshold, needsApproval: needsApproval(result.assessment.actionable, threshold) };
  });

/**
 * Ids as they are; a filter or a grouped issue becomes a query the service freezes into ids. An
 * issue is its open dead letters only, matched exactly: a group without an error code or template
 * matches those without one, not every code or template.
 */
function toServiceSelection(selection: TPrepareBulkInput["selection"], now: Date): TBulkSelection {
  switch (selection.kind) {
    case "ids":
      return { kind: "ids", items: selection.items };
    case "filter":
      return {
        kind: "filter",
        query: toDeadLetterQuery(selection.filters, now),
        description: describeFilters(selection.filters),
      };
    case "group":
      return {
        kind: "filter",
        query: {
          ...toDeadLetterQuery({ ...selection.filters, status: "open" }, now),
          errorCode: selection.group.errorCode,
          senderNumberId: selection.group.senderNumberId,
          templateName: selection.group.templateName,
        },
        description: describeGroup(selection.group),
      };
    default: {
      const unreachable: never = selection;
      return unreachable;
    }
  }
}
