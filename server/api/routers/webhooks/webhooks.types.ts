// Inputs and outputs of the webhooks.* procedures (the console's endpoints page).
import { z } from "zod";
import { ZTriggerEventTypeSchema } from "@/server/domain/triggers/event-types";
import { ZEndpointFieldsSchema, ZUpdateEndpointSchema } from "@/server/services/triggers/inputs";

export const ZEndpointOutputSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  senderNumberIds: z.array(z.string()),
  templateNames: z.array(z.string()),
  includeFullNumbers: z.boolean(),
  isEnabled: z.boolean(),
  disabledAt: z.date().nullable(),
  disabledReason: z.string().nullable(),
  failingSince: z.date().nullable(),
  maxConcurrency: z.number(),
  createdBy: z.string(),
  createdAt: z.date(),
  warnings: z.array(z.string()),
});

export const ZListEndpointsOutputSchema = z.object({
  endpoints: z.array(ZEndpointOutputSchema),
  eventTypes: z.array(
    z.object({ type: z.string(), description: z.string(), warning: z.string().nullable() }),
  ),
  canManage: z.boolean(),
});

export const ZCreateEndpointInputSchema = ZEndpointFieldsSchema;
export const ZCreateEndpointOutputSchema = z.object({
  endpoint: ZEndpointOutputSchema,
  secret: z.string(),
  warnings: z.array(z.string()),
});

export const ZUpdateEndpointInputSchema = z.object({ endpointId: z.uuid(), changes: ZUpdateEndpointSchema });
export const ZEndpointIdInputSchema = z.object({ endpointId: z.uuid() });
export const ZRotateSecretInputSchema = z.object({
  endpointId: z.uuid(),
  overlapHours: z.number().min(0).max(168).default(24),
});
export const ZSendTestInputSchema = z.object({
  endpointId: z.uuid(),
  type: ZTriggerEventTypeSchema.default("message.delivered"),
});

export const ZDeliveriesInputSchema = z.object({
  endpointId: z.uuid().optional(),
  status: z.enum(["pending", "succeeded", "failed"]).optional(),
  limit: z.number().int().min(1).max(100).default(30),
});

const ZAttemptSchema = z.object({
  id: z.string(),
  attempt: z.number(),
  startedAt: z.date(),
  url: z.string(),
  requestHeaders: z.record(z.string(), z.string()),
  responseStatus: z.number().nullable(),
  responseBody: z.string().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
});

export const ZDeliveriesOutputSchema = z.array(
  z.object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    webhookId: z.string(),
    eventType: z.string(),
    messageId: z.string().nullable(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attemptCount: z.number(),
    nextAttemptAt: z.date(),
    lastStatusCode: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.date(),
    attempts: z.array(ZAttemptSchema),
  }),
);

export const ZRedeliverInputSchema = z.union([
  z.object({ deliveryId: z.uuid() }),
  z.object({ endpointId: z.uuid(), allFailed: z.literal(true) }),
]);

export const ZMessageTriggersOutputSchema = z.array(
  z.object({
    id: z.string(),
    type: z.string(),
    occurredAt: z.date(),
    createdAt: z.date(),
    inferred: z.boolean(),
    previousState: z.string().nullable(),
    deliveries: z.array(
      z.object({
        id: z.string(),
        endpointId: z.string(),
        url: z.string(),
        status: z.enum(["pending", "succeeded", "failed"]),
        attemptCount: z.number(),
        lastStatusCode: z.number().nullable(),
        lastError: z.string().nullable(),
        succeededAt: z.date().nullable(),
        attempts: z.array(
          z.object({
            attempt: z.number(),
            startedAt: z.date(),
            responseStatus: z.number().nullable(),
            latencyMs: z.number(),
            error: z.string().nullable(),
          }),
        ),
      }),
    ),
  }),
);
