// disputes.resolve: closes an open dispute; needs an outcome (recorded before, or given here).
import { z } from "zod";
import { resolveDispute as resolveDisputeService } from "@/server/services/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDisputeNoteTextSchema, ZDisputeOutcomeSchema } from "./disputes.types";

export const resolveDispute = tenantPermissionProcedure("dispute.manage")
  .input(
    z.object({
      disputeId: z.uuid(),
      outcome: ZDisputeOutcomeSchema.optional(),
      note: ZDisputeNoteTextSchema.pipe(z.string().min(1, "give a reason for closing it")),
    }),
  )
  .output(z.object({ id: z.string(), status: z.literal("resolved"), outcome: ZDisputeOutcomeSchema }))
  .mutation(({ ctx, input }) =>
    resolveDisputeService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      disputeId: input.disputeId,
      outcome: input.outcome,
      note: input.note,
      now: new Date(),
    }),
  );
