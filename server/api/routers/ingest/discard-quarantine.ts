// ingest.discardQuarantine: an engineer closes a quarantine item as irrelevant (audited; it stays visible).
import { discardQuarantineItem } from "@/server/services/ingest/discard";
import { permissionProcedure } from "../../trpc";
import { ZDiscardQuarantineInputSchema, ZDiscardQuarantineOutputSchema } from "./ingest.types";

export const discardQuarantine = permissionProcedure("operations.act")
  .input(ZDiscardQuarantineInputSchema)
  .output(ZDiscardQuarantineOutputSchema)
  .mutation(({ ctx, input }) =>
    discardQuarantineItem(ctx.db, ctx.actor, { id: input.quarantineId, reason: input.reason }, new Date()),
  );
