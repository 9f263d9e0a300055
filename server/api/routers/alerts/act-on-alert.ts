// alerts.act: acknowledge, snooze or resolve one of a tenant's alerts, with a reason (audited).
import { actOnAlert as actOnAlertService } from "@/server/services/monitoring/alerts";
import { tenantPermissionProcedure } from "../../trpc";
import { ZActOnAlertInputSchema, ZActOnAlertOutputSchema } from "./alerts.types";

export const actOnAlert = tenantPermissionProcedure("operations.act")
  .input(ZActOnAlertInputSchema)
  .output(ZActOnAlertOutputSchema)
  .mutation(({ ctx, input }) => {
    const now = new Date();
    const action =
      input.action.kind === "snooze"
        ? {
            action: "snooze" as const,
            until: input.action.until ?? new Date(now.getTime() + (input.action.minutes ?? 0) * 60_000),
          }
        : { action: input.action.kind };
    return actOnAlertService(
      ctx.db,
      ctx.actor,
      { tenantId: ctx.tenant.id, alertId: input.alertId, reason: input.reason, ...action },
      now,
    );
  });
