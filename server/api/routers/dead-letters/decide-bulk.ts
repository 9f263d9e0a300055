// deadLetters.approveBulk / rejectBulk / startBulk: a second engineer approves (never the
// requester) or rejects (with a reason) an operation above the threshold; startBulk queues an
// approved operation again when its job could not be queued. Audited.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { approveBulkAction, rejectBulkAction } from "@/server/services/dead-letters/bulk-actions";
import { permissionProcedure } from "../../trpc";
import { ZApproveBulkInputSchema, ZRejectBulkInputSchema } from "./dead-letters.types";
import { startBulkJob } from "./start-job";

export const approveBulk = permissionProcedure("operations.act")
  .input(ZApproveBulkInputSchema)
  .output(z.object({ isStarted: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await approveBulkAction(ctx.db, ctx.actor, {
      bulkActionId: input.bulkActionId,
      note: input.note ? input.note : null,
      now: new Date(),
    });
    return { isStarted: await startBulkJob(ctx.queue, input.bulkActionId) };
  });

export const rejectBulk = permissionProcedure("operations.act")
  .input(ZRejectBulkInputSchema)
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx, input }) => {
    await rejectBulkAction(ctx.db, ctx.actor, {
      bulkActionId: input.bulkActionId,
      reason: input.reason,
      now: new Date(),
    });
    return { ok: true as const };
  });

export const startBulk = permissionProcedure("operations.act")
  .input(z.object({ bulkActionId: z.uuid() }))
  .output(z.object({ isStarted: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const action = await ctx.db.bulkAction.findUnique({
      where: { id: input.bulkActionId },
      select: { status: true },
    });
    if (!action) throw new TRPCError({ code: "NOT_FOUND", message: "no such bulk operation" });
    if (action.status !== "approved" && action.status !== "running") {
      throw new TRPCError({
        code: "CONFLICT",
        message: `only an approved operation can be started; this one is ${action.status}`,
      });
    }
    return { isStarted: await startBulkJob(ctx.queue, input.bulkActionId) };
  });
