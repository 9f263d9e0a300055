// messages.timeline: a message's ledger events with receipts, lags and out-of-order arrivals; the
// derived state and why; the chain-of-custody check; raw payloads for message.view_raw holders.
import { hasPermission } from "@/server/domain/access/permissions";
import { getMessageTimeline as getMessageTimelineService } from "@/server/services/message-timeline";
import { tenantPermissionProcedure } from "../../trpc";
import { ZMessageRefInputSchema, ZMessageTimelineSchema } from "./get-timeline.types";

export const getMessageTimeline = tenantPermissionProcedure("tenant.read")
  .input(ZMessageRefInputSchema)
  .output(ZMessageTimelineSchema)
  .query(async ({ ctx, input }) => {
    const can = (permission: Parameters<typeof hasPermission>[1]) => hasPermission(ctx.user.role, permission);
    const timeline = await getMessageTimelineService(ctx.db, ctx.tenant.id, input.messageId, {
      canViewRaw: can("message.view_raw"),
    });
    return {
      ...timeline,
      // what the page offers; every action checks again on its own procedure
      viewer: {
        canRevealRecipient: can("message.reveal_recipient"),
        canAnnotate: can("message.annotate"),
        canForceReconcile: can("operations.act"),
        canReplayWebhooks: can("operations.act"),
        canManageDisputes: can("dispute.manage"),
        canExportEvidence: can("message.reveal_recipient"),
      },
    };
  });
