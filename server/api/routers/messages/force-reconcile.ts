// messages.forceReconcile: engineers re-derive a message's state from its ledger and repair the
// stored projection if it drifted; recorded as manual_action (+ state_recomputed when repaired).
import { z } from "zod";
import { forceReconcileMessage } from "@/server/services/message-interventions";
import { tenantPermissionProcedure } from "../../trpc";

export const forceReconcile = tenantPermissionProcedure("operations.act")
  .input(z.object({ messageId: z.uuid(), reason: z.string().trim().min(1, "give a reason").max(500) }))
  .output(
    z.object({
      isRepaired: z.boolean(),
      stateChange: z.object({ from: z.string(), to: z.string() }).nullable(),
      summary: z.string(),
    }),
  )
  .mutation(({ ctx, input }) =>
    forceReconcileMessage(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      reason: input.reason,
      now: new Date(),
    }),
  );
