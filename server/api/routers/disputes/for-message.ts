// disputes.forMessage: a message's disputes, newest first, each with its notes.
import { z } from "zod";
import { listMessageDisputes } from "@/server/db/queries/disputes";
import { tenantPermissionProcedure } from "../../trpc";
import { ZMessageDisputesOutputSchema } from "./disputes.types";

export const listDisputesForMessage = tenantPermissionProcedure("tenant.read")
  .input(z.object({ messageId: z.uuid() }))
  .output(ZMessageDisputesOutputSchema)
  .query(({ ctx, input }) => listMessageDisputes(ctx.db, ctx.tenant.id, input.messageId));
