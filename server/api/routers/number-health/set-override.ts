// numberHealth.setOverride: hold a number, or send despite its health, until an expiry, with a
// reason; or clear the override. Engineers and admins; audited.
import { setHealthOverride } from "@/server/services/number-health/set-override";
import { tenantPermissionProcedure } from "../../trpc";
import { ZSetOverrideInputSchema, ZSetOverrideOutputSchema } from "./number-health.types";

export const setOverride = tenantPermissionProcedure("sender.override")
  .input(ZSetOverrideInputSchema)
  .output(ZSetOverrideOutputSchema)
  .mutation(({ ctx, input }) =>
    setHealthOverride(
      ctx.db,
      ctx.actor,
      {
        tenantId: ctx.tenant.id,
        senderNumberId: input.senderNumberId,
        mode: input.mode,
        reason: input.reason,
        expiresAt: input.expiresAt,
      },
      new Date(),
    ),
  );
