// messages.timeline: a message's ledger events with receipts, lags and out-of-order arrivals; the
// derived state and why; the chain-of-custody check; raw payloads for message.view_raw holders.
import { findDeadLetter } from "@/server/db/queries/dead-letters";
import { hasPermission, isCrossTenantRole } from "@/server/domain/access/permissions";
import { answerFor } from "@/server/domain/reconciliation/answer";
import { getMessageTimeline as getMessageTimelineService } from "@/server/services/message-timeline";
import { tenantPermissionProcedure } from "../../trpc";
import { timelineViewer } from "./timeline-viewer";
import { ZMessageRefInputSchema, ZMessageTimelineSchema } from "./messages.types";

export const getMessageTimeline = tenantPermissionProcedure("tenant.read")
  .input(ZMessageRefInputSchema)
  .output(ZMessageTimelineSchema)
  .query(async ({ ctx, input }) => {
    const can = (permission: Parameters<typeof hasPermission>[1]) => hasPermission(ctx.user.role, permission);
    const [timeline, deadLetter] = await Promise.all([
      getMessageTimelineService(ctx.db, ctx.tenant.id, input.messageId, {
        canViewRaw: can("message.view_raw"),
      }),
      findDeadLetter(ctx.db, ctx.tenant.id, input.messageId),
    ]);
    const state = timeline.derived.state;
    return {
      ...timeline,
      answer: answerFor({
        state,
        since: timeline.derived.since,
        events: timeline.events,
        lastErrorCode: timeline.message.lastErrorCode,
      }),
      // what the page offers; every action checks again on its own procedure
      viewer: timelineViewer(ctx.user.role, state, deadLetter),
      deadLetter: deadLetter
        ? {
            status: deadLetter.status,
            reason: deadLetter.reason,
            errorCode: deadLetter.errorCode,
            deadLetteredAt: deadLetter.deadLetteredAt,
            episodes: deadLetter.episodes,
            retryAttempt: deadLetter.retryAttempt,
            acknowledgedAttempt: deadLetter.acknowledgedAttempt,
            // tenant admins see that staff discarded it, not who (the audit trail names them)
            discardedBy:
              deadLetter.discardedBy &&
              !isCrossTenantRole(ctx.user.role) &&
              deadLetter.discardedBy.startsWith("user:")
                ? "Waybill staff"
                : deadLetter.discardedBy,
            discardReason: deadLetter.discardReason,
          }
        : null,
    };
  });
