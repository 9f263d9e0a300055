// messages.annotate: appends a note (annotation: actor, note) to a message's ledger.
import { z } from "zod";
import { annotateMessage } from "@/server/services/message-interventions";
import { tenantPermissionProcedure } from "../../trpc";

export const annotate = tenantPermissionProcedure("message.annotate")
  .input(z.object({ messageId: z.uuid(), note: z.string().trim().min(1, "write the note").max(2000) }))
  .output(z.object({ eventId: z.string(), state: z.string() }))
  .mutation(({ ctx, input }) =>
    annotateMessage(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      note: input.note,
      now: new Date(),
    }),
  );
