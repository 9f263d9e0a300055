// webhooks.*: a tenant's outbound webhook endpoints, their deliveries, and a message's triggers.
import { createTRPCRouter } from "../../trpc";
import { listWebhookDeliveries, messageTriggers, redeliverWebhook, sendWebhookTest } from "./deliveries";
import {
  createWebhookEndpoint,
  listWebhookEndpoints,
  removeWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "./endpoints";

export const webhooksRouter = createTRPCRouter({
  list: listWebhookEndpoints,
  create: createWebhookEndpoint,
  update: updateWebhookEndpoint,
  rotateSecret: rotateWebhookSecret,
  remove: removeWebhookEndpoint,
  deliveries: listWebhookDeliveries,
  redeliver: redeliverWebhook,
  sendTest: sendWebhookTest,
  forMessage: messageTriggers,
});
