// disputes.addNote: a note on a dispute (also an annotation on the message's ledger).
import { z } from "zod";
import { addDisputeNote } from "@/server/services/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDisputeNoteTextSchema } from "./disputes.types";

export const addNote = tenantPermissionProcedure("dispute.manage")
  .input(
    z.object({ disputeId: z.uuid(), note: ZDisputeNoteTextSchema.pipe(z.string().min(1, "write the note")) }),
  )
  .output(z.object({ id: z.string(), noteId: z.string() }))
  .mutation(({ ctx, input }) =>
    addDisputeNote(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      disputeId: input.disputeId,
      note: input.note,
      now: new Date(),
    }),
  );
