// webhooks.deliveries / redeliver / sendTest / forMessage: recent deliveries with every attempt
// (like an event-deliveries view), redelivery (one, or every dead delivery of an endpoint), a
// sample event, and the triggers a message fired (its timeline).
import { webhookId } from "@/server/domain/triggers/render-payload";
import {
  listAttempts,
  listDeliveries,
  redeliver,
  redeliverFailed,
  sendTestEvent,
  triggersOfMessage,
} from "@/server/services/triggers/deliveries";
import { z } from "zod";
import { tenantPermissionProcedure } from "../../trpc";
import {
  ZDeliveriesInputSchema,
  ZDeliveriesOutputSchema,
  ZMessageTriggersOutputSchema,
  ZRedeliverInputSchema,
  ZSendTestInputSchema,
} from "./webhooks.types";

export const listWebhookDeliveries = tenantPermissionProcedure("tenant.read")
  .input(ZDeliveriesInputSchema)
  .output(ZDeliveriesOutputSchema)
  .query(async ({ ctx, input }) => {
    const rows = await listDeliveries(ctx.db, ctx.tenant.id, {
      endpointId: input.endpointId,
      status: input.status,
      limit: input.limit,
    });
    const attempts = await listAttempts(
      ctx.db,
      ctx.tenant.id,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, webhookId: webhookId(r.eventId), attempts: attempts.get(r.id) ?? [] }));
  });

export const redeliverWebhook = tenantPermissionProcedure("webhooks.manage")
  .input(ZRedeliverInputSchema)
  .mutation(async ({ ctx, input }) => {
    const now = new Date();
    if ("deliveryId" in input) {
      await redeliver(ctx.db, ctx.actor, { tenantId: ctx.tenant.id, deliveryId: input.deliveryId }, now);
      return { redelivered: 1 };
    }
    return {
      redelivered: await redeliverFailed(
        ctx.db,
        ctx.actor,
        { tenantId: ctx.tenant.id, endpointId: input.endpointId },
        now,
      ),
    };
  });

export const sendWebhookTest = tenantPermissionProcedure("webhooks.manage")
  .input(ZSendTestInputSchema)
  .mutation(({ ctx, input }) =>
    sendTestEvent(
      ctx.db,
      ctx.actor,
      { tenantId: ctx.tenant.id, endpointId: input.endpointId, type: input.type },
      new Date(),
    ),
  );

export const messageTriggers = tenantPermissionProcedure("tenant.read")
  .input(z.object({ messageId: z.uuid() }))
  .output(ZMessageTriggersOutputSchema)
  .query(({ ctx, input }) => triggersOfMessage(ctx.db, ctx.tenant.id, input.messageId));
