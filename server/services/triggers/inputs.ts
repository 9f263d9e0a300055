// Input schemas of the endpoint use cases, shared by the REST API, the tRPC procedures and the CLI
// so every entry point validates the same way.
import { z } from "zod";
import { ZTriggerEventTypeSchema } from "@/server/domain/triggers/event-types";

const ZEventTypesSchema = z
  .array(ZTriggerEventTypeSchema)
  .min(1, "subscribe to at least one event type")
  .max(20)
  .transform((types) => [...new Set(types)]);

export const ZEndpointFieldsSchema = z.object({
  url: z.string().min(1).max(2000),
  description: z.string().max(500).default(""),
  eventTypes: ZEventTypesSchema,
  /** only events of these sender numbers (ids); empty: all */
  senderNumberIds: z.array(z.uuid()).max(100).default([]),
  /** only events of messages with these templates; empty: all */
  templateNames: z.array(z.string().min(1).max(512)).max(100).default([]),
  /** send recipients' full numbers instead of masked ones */
  includeFullNumbers: z.boolean().default(false),
  maxConcurrency: z.number().int().min(1).max(32).default(4),
});
export type TEndpointFields = z.output<typeof ZEndpointFieldsSchema>;

export const ZCreateEndpointSchema = ZEndpointFieldsSchema.strict();

export const ZUpdateEndpointSchema = z
  .object({
    url: z.string().min(1).max(2000),
    description: z.string().max(500),
    eventTypes: ZEventTypesSchema,
    senderNumberIds: z.array(z.uuid()).max(100),
    templateNames: z.array(z.string().min(1).max(512)).max(100),
    includeFullNumbers: z.boolean(),
    maxConcurrency: z.number().int().min(1).max(32),
    isEnabled: z.boolean(),
  })
  .partial()
  .strict();
export type TUpdateEndpoint = z.output<typeof ZUpdateEndpointSchema>;

export const ZRotateSecretSchema = z
  .object({
    /** how long the previous secret keeps signing beside the new one */
    overlapHours: z.number().min(0).max(168).default(24),
  })
  .strict();

/** What the API and the console show of an endpoint (never its secret). */
export const ZEndpointViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(z.string()),
  senderNumberIds: z.array(z.uuid()),
  templateNames: z.array(z.string()),
  includeFullNumbers: z.boolean(),
  isEnabled: z.boolean(),
  disabledAt: z.iso.datetime().nullable(),
  disabledReason: z.string().nullable(),
  failingSince: z.iso.datetime().nullable().describe("the first failed attempt since the last success"),
  maxConcurrency: z.number().int(),
  createdAt: z.iso.datetime(),
});

export const ZEndpointCreatedSchema = z.object({
  endpoint: ZEndpointViewSchema,
  secret: z.string().describe("the signing secret (whsec_...): shown only now, store it"),
  warnings: z.array(z.string()),
});

export const ZDeliveryViewSchema = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  webhookId: z.string().describe("the webhook-id header receivers dedupe on"),
  eventType: z.string(),
  messageId: z.uuid().nullable(),
  status: z.enum(["pending", "succeeded", "failed"]),
  attemptCount: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  attempts: z.array(
    z.object({
      attempt: z.number().int(),
      startedAt: z.iso.datetime(),
      responseStatus: z.number().int().nullable(),
      responseBody: z.string().nullable().describe("the first 1 KiB of the answer"),
      latencyMs: z.number().int(),
      error: z.string().nullable(),
    }),
  ),
});

export const ZRedeliverSchema = z.union([
  z.object({ deliveryId: z.uuid() }).strict(),
  z
    .object({
      status: z.literal("failed").describe("every dead delivery of the endpoint"),
      since: z.iso.datetime().optional(),
    })
    .strict(),
]);

export const ZTestEventSchema = z
  .object({ type: ZTriggerEventTypeSchema.default("message.delivered") })
  .strict();
