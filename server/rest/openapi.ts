// The OpenAPI 3.1 document of the tenant REST API, generated from the same zod schemas that
// validate requests and shape responses (zod 4's z.toJSONSchema), so it cannot drift from them.
// Served at GET /api/v1/openapi.json without authentication.
import { z } from "zod";
import { ZSendMessageRequestSchema } from "@/server/domain/sending/send-request";
import { ZMessageEventsViewSchema, ZMessageViewSchema } from "@/server/services/sending/message-views";
import { ACCEPTANCE_NOTE } from "./messages";
import {
  ZCreateEndpointSchema,
  ZDeliveryViewSchema,
  ZEndpointCreatedSchema,
  ZEndpointViewSchema,
  ZRedeliverSchema,
  ZRotateSecretSchema,
  ZTestEventSchema,
  ZUpdateEndpointSchema,
} from "@/server/services/triggers/inputs";
import { EVENT_TYPE_DESCRIPTIONS } from "@/server/domain/triggers/event-types";

const ZErrorSchema = z.object({
  error: z.object({
    code: z
      .string()
      .describe(
        "unauthenticated, invalid_api_key, invalid_request, unsupported_media_type, body_too_large, unknown_sender, idempotency_key_reused, not_found",
      ),
    message: z.string(),
    details: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("invalid_request: one entry per offending field, e.g. template.language"),
    messageId: z.uuid().optional().describe("idempotency_key_reused: the message the key already names"),
  }),
});

const ZAcceptedSchema = ZMessageViewSchema.extend({
  links: z.object({ self: z.string(), events: z.string() }),
  note: z.string(),
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const errorResponses = {
  "401": json(ref("Error"), "Missing, malformed, unknown or revoked API key"),
  "403": json(ref("Error"), "The key's tenant is paused or disabled"),
};

export function buildOpenApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Waybill tenant API",
      version: "1.0.0",
      description:
        "Send WhatsApp messages through Waybill and follow each one through its ledger. Every request is authenticated with your tenant's API key (`Authorization: Bearer wbk_...`); a key only ever sees its own tenant. Sending is asynchronous: " +
        ACCEPTANCE_NOTE,
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "A Waybill tenant API key (wbk_...)" },
      },
      schemas: {
        SendMessageRequest: jsonSchema(ZSendMessageRequestSchema, "input"),
        Message: jsonSchema(ZMessageViewSchema, "output"),
        MessageAccepted: jsonSchema(ZAcceptedSchema, "output"),
        MessageEvents: jsonSchema(ZMessageEventsViewSchema, "output"),
        Error: jsonSchema(ZErrorSchema, "output"),
        CreateEndpointRequest: jsonSchema(ZCreateEndpointSchema, "input"),
        UpdateEndpointRequest: jsonSchema(ZUpdateEndpointSchema, "input"),
        Endpoint: jsonSchema(ZEndpointViewSchema, "output"),
        EndpointCreated: jsonSchema(ZEndpointCreatedSchema, "output"),
        Delivery: jsonSchema(ZDeliveryViewSchema, "output"),
        RotateSecretRequest: jsonSchema(ZRotateSecretSchema, "input"),
        TestEventRequest: jsonSchema(ZTestEventSchema, "input"),
        RedeliverRequest: jsonSchema(ZRedeliverSchema, "input"),
      },
    },
    paths: {
      "/api/v1/messages": {
        post: {
          operationId: "sendMessage",
          summary: "Send a template or text message",
          description:
            "Records the request and queues it; the answer is 202 with the message in state `queued`. Retrying the request with the same `Idempotency-Key` and the same body returns the same message (202, `Idempotent-Replayed: true`); the same key with a different body is a 409.",
          parameters: [
            {
              name: "Idempotency-Key",
              in: "header",
              required: false,
              description:
                "Up to 255 visible ASCII characters; strongly recommended (e.g. a UUID per message).",
              schema: { type: "string", minLength: 1, maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: ref("SendMessageRequest"),
                examples: {
                  template: {
                    value: {
                      from: "+15550101001",
                      to: "+15551234567",
                      type: "template",
                      template: {
                        name: "order_update",
                        language: "en_US",
                        bodyParameters: ["#12345", "Friday"],
                      },
                      metadata: { orderId: "12345" },
                    },
                  },
                  text: {
                    value: {
                      from: "+15550101001",
                      to: "+15551234567",
                      type: "text",
                      text: { body: "Hello!" },
                    },
                  },
                },
              },
            },
          },
          responses: {
            "202": json(
              ref("MessageAccepted"),
              "Queued (or replayed for a repeated Idempotency-Key). Not delivered yet.",
            ),
            "400": json(
              ref("Error"),
              "The body or the Idempotency-Key is invalid; `details` names each field",
            ),
            ...errorResponses,
            "409": json(ref("Error"), "The Idempotency-Key was used before with a different body"),
            "413": json(ref("Error"), "The body is larger than 64 KiB"),
            "415": json(ref("Error"), "The body is not JSON"),
            "422": json(ref("Error"), "`from` is not one of your sender numbers"),
          },
        },
      },
      "/api/v1/messages/{id}": {
        get: {
          operationId: "getMessage",
          summary: "A message's state, the explanation of that state, and its last error",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          ],
          responses: {
            "200": json(ref("Message"), "The message"),
            ...errorResponses,
            "404": json(ref("Error"), "No such message in your tenant"),
          },
        },
      },
      "/api/v1/messages/{id}/events": {
        get: {
          operationId: "listMessageEvents",
          summary: "A message's ledger: every recorded fact, in order, with how often it arrived",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          ],
          responses: {
            "200": json(ref("MessageEvents"), "The ledger"),
            ...errorResponses,
            "404": json(ref("Error"), "No such message in your tenant"),
          },
        },
      },
      "/api/v1/endpoints": {
        get: {
          operationId: "listEndpoints",
          summary: "Your outbound webhook endpoints",
          responses: {
            "200": json(
              { type: "object", properties: { endpoints: { type: "array", items: ref("Endpoint") } } },
              "The endpoints",
            ),
            ...errorResponses,
          },
        },
        post: {
          operationId: "createEndpoint",
          summary: "Subscribe an HTTPS endpoint to event types",
          description:
            "Waybill POSTs each event as JSON `{type, timestamp, data}` signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`), at least once, with the same `webhook-id` on every retry; retries back off over about 27 hours. Event types: " +
            Object.entries(EVENT_TYPE_DESCRIPTIONS)
              .map(([type, text]) => `\`${type}\` (${text})`)
              .join("; ") +
            ". `message.accepted` must be asked for explicitly: acceptance is not delivery.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("CreateEndpointRequest") } },
          },
          responses: {
            "201": json(ref("EndpointCreated"), "Created; the signing secret is shown only in this answer"),
            "400": json(ref("Error"), "Invalid body or URL (https only)"),
            ...errorResponses,
          },
        },
      },
      "/api/v1/endpoints/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        get: {
          operationId: "getEndpoint",
          summary: "One endpoint",
          responses: {
            "200": json(ref("Endpoint"), "The endpoint"),
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
        patch: {
          operationId: "updateEndpoint",
          summary: "Change an endpoint's URL, subscriptions, filters, or enable / disable it",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("UpdateEndpointRequest") } },
          },
          responses: {
            "200": json(ref("Endpoint"), "The endpoint as changed"),
            "400": json(ref("Error"), "Invalid body"),
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
        delete: {
          operationId: "deleteEndpoint",
          summary: "Remove an endpoint (its pending deliveries go with it)",
          responses: {
            "204": { description: "Deleted" },
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
      },
      "/api/v1/endpoints/{id}/rotate-secret": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: {
          operationId: "rotateEndpointSecret",
          summary: "A new signing secret; the previous one keeps signing beside it for `overlapHours` (24)",
          requestBody: {
            required: false,
            content: { "application/json": { schema: ref("RotateSecretRequest") } },
          },
          responses: {
            "200": { description: "The new secret (shown only now) and when the previous ones stop signing" },
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
      },
      "/api/v1/endpoints/{id}/test": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: {
          operationId: "testEndpoint",
          summary: "Send a sample event (data.test = true) to the endpoint",
          requestBody: {
            required: false,
            content: { "application/json": { schema: ref("TestEventRequest") } },
          },
          responses: {
            "202": { description: "Queued" },
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
      },
      "/api/v1/endpoints/{id}/deliveries": {
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
          {
            name: "status",
            in: "query",
            required: false,
            schema: { type: "string", enum: ["pending", "succeeded", "failed"] },
          },
          {
            name: "limit",
            in: "query",
            required: false,
            schema: { type: "integer", minimum: 1, maximum: 200 },
          },
        ],
        get: {
          operationId: "listEndpointDeliveries",
          summary: "Recent deliveries to the endpoint, newest first, each with every attempt",
          responses: {
            "200": json(
              { type: "object", properties: { deliveries: { type: "array", items: ref("Delivery") } } },
              "The deliveries",
            ),
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint"),
          },
        },
      },
      "/api/v1/endpoints/{id}/redeliver": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        post: {
          operationId: "redeliver",
          summary:
            "Redeliver one delivery (`deliveryId`) or every dead delivery of the endpoint (`status: failed`)",
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("RedeliverRequest") } },
          },
          responses: {
            "202": { description: "Queued again from the start of the retry schedule" },
            ...errorResponses,
            "404": json(ref("Error"), "No such endpoint or delivery"),
            "409": json(ref("Error"), "The delivery already succeeded"),
          },
        },
      },
      "/api/v1/usage": {
        get: {
          operationId: "getUsage",
          summary: "Your priced messages per day, sender number, category and pricing type",
          description:
            "Metered from the `pricing` object of WhatsApp's status webhooks (per-message pricing), never from send requests; each message is counted once, on the UTC day of its earliest priced status. Free types (`free_customer_service`, `free_entry_point`) are listed with `billable: false`. `format=csv` returns the same rows as CSV.",
          parameters: [
            {
              name: "from",
              in: "query",
              required: false,
              schema: { type: "string", format: "date" },
              description: "first UTC day (default: 29 days ago)",
            },
            {
              name: "to",
              in: "query",
              required: false,
              schema: { type: "string", format: "date" },
              description: "last UTC day, inclusive (default: today)",
            },
            {
              name: "format",
              in: "query",
              required: false,
              schema: { type: "string", enum: ["json", "csv"] },
            },
          ],
          responses: {
            "200": { description: "Totals and one row per day, sender number, category, pricing type" },
            "400": json(ref("Error"), "Invalid range (at most 366 days)"),
            ...errorResponses,
          },
        },
      },
      "/api/v1/tenant": {
        get: {
          operationId: "getTenant",
          summary: "Your tenant and its sender numbers (use one as `from`)",
          responses: { "200": { description: "The tenant and its sender numbers" }, ...errorResponses },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApi",
          summary: "This document",
          security: [],
          responses: { "200": { description: "The OpenAPI document" } },
        },
      },
    },
  };
}

let cached: string | null = null;

/** GET /api/v1/openapi.json */
export function handleOpenApi(): Response {
  cached ??= JSON.stringify(buildOpenApiDocument());
  return new Response(cached, {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300" },
  });
}
