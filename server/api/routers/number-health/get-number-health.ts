// numberHealth.get: one number's health (view, decision now, held messages, override, timeline of
// facts with their source), for everyone who reads the tenant.
import { hasPermission } from "@/server/domain/access/permissions";
import { getNumberHealthView } from "@/server/services/number-health/number-health-view";
import { tenantPermissionProcedure } from "../../trpc";
import { ZGetNumberHealthInputSchema, ZGetNumberHealthOutputSchema } from "./number-health.types";

export const get = tenantPermissionProcedure("tenant.read")
  .input(ZGetNumberHealthInputSchema)
  .output(ZGetNumberHealthOutputSchema)
  .query(async ({ ctx, input }) => {
    const view = await getNumberHealthView(ctx.db, ctx.tenant.id, input.senderNumberId, new Date(), {
      isActorShown: hasPermission(ctx.user.role, "operations.read"),
    });
    return { ...view, health: view.health as unknown as Record<string, unknown> };
  });
