// sending.resolveInDoubt: an engineer settles an in-doubt attempt (accepted with a wamid, send
// again, or give up); the ledger records a manual_action with actor and reason, then the event
// the decision causes.
import crypto from "node:crypto";
import { resolveInDoubt as resolveInDoubtService } from "@/server/services/sending/in-doubt";
import { tenantPermissionProcedure } from "../../trpc";
import { ZResolveInDoubtInputSchema, ZResolveInDoubtOutputSchema } from "./sending.types";

export const resolveInDoubt = tenantPermissionProcedure("operations.act")
  .input(ZResolveInDoubtInputSchema)
  .output(ZResolveInDoubtOutputSchema)
  .mutation(({ ctx, input }) =>
    resolveInDoubtService(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      resolution: input.resolution,
      reason: input.reason,
      operationId: input.operationId ?? crypto.randomUUID(),
      now: new Date(),
    }),
  );
