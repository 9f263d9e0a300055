// disputes.open: opens a dispute on a message with the ticket it came in on (one open at a time).
import { z } from "zod";
import { openDispute as openDisputeService } from "@/server/services/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDisputeNoteTextSchema, ZTicketRefSchema } from "./disputes.types";

export const openDispute = tenantPermissionProcedure("dispute.manage")
  .input(
    z.object({ messageId: z.uuid(), ticketRef: ZTicketRefSchema, note: ZDisputeNoteTextSchema.default("") }),
  )
  .output(z.object({ id: z.string(), ticketRef: z.string(), status: z.literal("open") }))
  .mutation(({ ctx, input }) =>
    openDisputeService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      ticketRef: input.ticketRef,
      note: input.note,
      now: new Date(),
    }),
  );
