// messages.revealRecipient: a message's full recipient number; audited (message.recipient_revealed).
import { z } from "zod";
import { revealRecipient as revealRecipientService } from "@/server/services/message-interventions";
import { tenantPermissionProcedure } from "../../trpc";
import { ZMessageRefInputSchema } from "./messages.types";

export const revealRecipient = tenantPermissionProcedure("message.reveal_recipient")
  .input(ZMessageRefInputSchema)
  .output(z.object({ recipient: z.string() }))
  .mutation(({ ctx, input }) =>
    revealRecipientService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      ip: ctx.ip,
    }),
  );
