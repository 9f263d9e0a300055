// sending.retryMessage: an engineer sends a dead-lettered (or failed) message again, as a new
// attempt; the ledger records who and why.
import crypto from "node:crypto";
import { retryMessage as retryMessageService } from "@/server/services/sending/retry-message";
import { tenantPermissionProcedure } from "../../trpc";
import { ZRetryMessageInputSchema, ZRetryMessageOutputSchema } from "./sending.types";

export const retryMessage = tenantPermissionProcedure("operations.act")
  .input(ZRetryMessageInputSchema)
  .output(ZRetryMessageOutputSchema)
  .mutation(({ ctx, input }) =>
    retryMessageService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      reason: input.reason,
      operationId: input.operationId ?? crypto.randomUUID(),
      now: new Date(),
    }),
  );
