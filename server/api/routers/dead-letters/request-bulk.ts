// deadLetters.requestBulk: the engineer who ran the dry run confirms it with a reason. At or below
// WAYBILL_BULK_APPROVAL_THRESHOLD messages it runs at once (the worker's job); above, it waits for
// another engineer's approval. Audited.
import { DEFAULT_BULK_APPROVAL_THRESHOLD } from "@/server/domain/dead-letters/assess-retry";
import { requestBulkAction } from "@/server/services/dead-letters/bulk-actions";
import { permissionProcedure } from "../../trpc";
import { ZRequestBulkInputSchema, ZRequestBulkOutputSchema } from "./dead-letters.types";
import { startBulkJob } from "./start-job";

export const requestBulk = permissionProcedure("operations.act")
  .input(ZRequestBulkInputSchema)
  .output(ZRequestBulkOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const result = await requestBulkAction(ctx.db, ctx.actor, {
      bulkActionId: input.bulkActionId,
      reason: input.reason,
      leaveOutLikelyToFail: input.leaveOutLikelyToFail,
      threshold: ctx.bulkApprovalThreshold ?? DEFAULT_BULK_APPROVAL_THRESHOLD,
      now: new Date(),
    });
    const isStarted =
      result.status === "approved" ? await startBulkJob(ctx.queue, input.bulkActionId) : false;
    return { ...result, isStarted };
  });
