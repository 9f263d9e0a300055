// deadLetters.discard: an engineer closes one dead letter without sending it again:
// manual_action discard (actor, reason) on the message's ledger; the message stays dead-lettered.
import crypto from "node:crypto";
import { z } from "zod";
import { discardDeadLetter } from "@/server/services/dead-letters/act";
import { tenantPermissionProcedure } from "../../trpc";
import { ZMessageActionInputSchema } from "./dead-letters.types";

export const discard = tenantPermissionProcedure("operations.act")
  .input(ZMessageActionInputSchema)
  .output(z.object({ isRepeat: z.boolean() }))
  .mutation(({ ctx, input }) =>
    discardDeadLetter(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      reason: input.reason,
      operationId: input.operationId ?? crypto.randomUUID(),
      now: new Date(),
    }),
  );
