// disputes.recordOutcome: what the evidence shows (delivered, not delivered, inconclusive, withdrawn).
import { z } from "zod";
import { recordDisputeOutcome } from "@/server/services/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDisputeNoteTextSchema, ZDisputeOutcomeSchema } from "./disputes.types";

export const recordOutcome = tenantPermissionProcedure("dispute.manage")
  .input(
    z.object({
      disputeId: z.uuid(),
      outcome: ZDisputeOutcomeSchema,
      summary: ZDisputeNoteTextSchema.pipe(z.string().min(1, "say what the evidence shows")),
    }),
  )
  .output(z.object({ id: z.string(), outcome: ZDisputeOutcomeSchema }))
  .mutation(({ ctx, input }) =>
    recordDisputeOutcome(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      disputeId: input.disputeId,
      outcome: input.outcome,
      summary: input.summary,
      now: new Date(),
    }),
  );
