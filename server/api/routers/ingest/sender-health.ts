// ingest.senderHealth: a sender number's quality, limit and account history, newest first (tenant-scoped).
import { listSenderHealthEvents } from "@/server/db/queries/ingest";
import { tenantPermissionProcedure } from "../../trpc";
import { ZSenderHealthInputSchema, ZSenderHealthOutputSchema } from "./ingest.types";

export const senderHealth = tenantPermissionProcedure("tenant.read")
  .input(ZSenderHealthInputSchema)
  .output(ZSenderHealthOutputSchema)
  .query(({ ctx, input }) =>
    listSenderHealthEvents(ctx.db, ctx.tenant.id, input.senderNumberId, input.limit),
  );
