// ingest.discardOrphan: an engineer gives up on an orphan status that will never match (audited; it stays visible).
import { discardOrphan as discardOrphanService } from "@/server/services/ingest/discard";
import { tenantPermissionProcedure } from "../../trpc";
import { ZDiscardOrphanInputSchema, ZDiscardOrphanOutputSchema } from "./ingest.types";

export const discardOrphan = tenantPermissionProcedure("operations.act")
  .input(ZDiscardOrphanInputSchema)
  .output(ZDiscardOrphanOutputSchema)
  .mutation(({ ctx, input }) =>
    discardOrphanService(
      ctx.db,
      ctx.actor,
      { tenantId: ctx.tenant.id, orphanId: input.orphanId, reason: input.reason },
      new Date(),
    ),
  );
