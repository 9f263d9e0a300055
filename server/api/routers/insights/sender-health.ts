// insights.senderHealth: a tenant's number health over a window (tenant-scoped, tenant.read).
import { getNumberHealth } from "@/server/services/insights/number-health";
import { tenantPermissionProcedure } from "../../trpc";
import { ZSenderHealthInputSchema, ZSenderHealthOutputSchema } from "./insights.types";

export const senderHealth = tenantPermissionProcedure("tenant.read")
  .input(ZSenderHealthInputSchema)
  .output(ZSenderHealthOutputSchema)
  .query(({ ctx, input }) => {
    const now = new Date();
    return getNumberHealth(ctx.db, ctx.tenant.id, {
      window: input.window,
      untilMs: (input.until ?? now).getTime(),
      now,
    });
  });
