// messages.replayWebhook: engineers re-run ingestion of one raw webhook request linked to this
// message; one transaction records the replay and a manual_action{replay_webhook} on the ledger.
import { replayWebhookForMessage } from "@/server/services/message-replay-webhook";
import { tenantPermissionProcedure } from "../../trpc";
import { ZReplayWebhookInputSchema, ZReplayWebhookOutputSchema } from "./messages.types";

export const replayWebhook = tenantPermissionProcedure("operations.act")
  .input(ZReplayWebhookInputSchema)
  .output(ZReplayWebhookOutputSchema)
  .mutation(({ ctx, input }) =>
    replayWebhookForMessage(ctx.db, ctx.actor, {
      tenantId: ctx.tenant.id,
      messageId: input.messageId,
      rawWebhookId: input.rawWebhookId,
      reason: input.reason,
      now: new Date(),
    }),
  );
