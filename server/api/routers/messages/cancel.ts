// messages.cancel: an engineer cancels a message the provider does not have yet (queued or
// waiting to retry): manual_action cancel + cancelled, its send_queue row removed. A message a
// provider may already have is a CONFLICT: a WhatsApp message cannot be unsent.
import crypto from "node:crypto";
import { z } from "zod";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";
import { cancelMessage } from "@/server/services/sending/cancel-message";
import { tenantPermissionProcedure } from "../../trpc";

export const cancel = tenantPermissionProcedure("operations.act")
  .input(
    z.object({
      messageId: z.uuid(),
      reason: z.string().trim().min(3, "give a reason (at least 3 characters)").max(1000),
      operationId: z.uuid().optional(),
    }),
  )
  .output(z.object({ state: z.enum(MESSAGE_STATES), isRepeat: z.boolean() }))
  .mutation(({ ctx, input }) =>
    cancelMessage(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      reason: input.reason,
      operationId: input.operationId ?? crypto.randomUUID(),
      now: new Date(),
    }),
  );
