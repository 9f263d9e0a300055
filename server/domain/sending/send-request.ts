// The tenant's send request (POST /api/v1/messages and the console's test send) and the Cloud
// API body Waybill builds from it. The schemas are the API contract: the OpenAPI document is
// generated from them, so what is validated and what is documented cannot drift apart.

import { z } from "zod";

const ZTextParameterSchema = z.strictObject({ type: z.literal("text"), text: z.string().min(1).max(1024) });
const ZMediaRefSchema = z.union([
  z.strictObject({ id: z.string().min(1).max(128) }),
  z.strictObject({ link: z.url({ protocol: /^https$/ }).max(2048) }),
]);

/** A template parameter exactly as the Cloud API takes it (reference section 1.3). */
export const ZTemplateParameterSchema = z.discriminatedUnion("type", [
  ZTextParameterSchema,
  z.strictObject({
    type: z.literal("currency"),
    currency: z.strictObject({
      fallback_value: z.string().min(1).max(100),
      code: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD"),
      amount_1000: z.number().int(),
    }),
  }),
  z.strictObject({
    type: z.literal("date_time"),
    date_time: z.strictObject({ fallback_value: z.string().min(1).max(100) }),
  }),
  z.strictObject({ type: z.literal("image"), image: ZMediaRefSchema }),
  z.strictObject({ type: z.literal("video"), video: ZMediaRefSchema }),
  z.strictObject({
    type: z.literal("document"),
    document: z.union([
      z.strictObject({ id: z.string().min(1).max(128), filename: z.string().max(240).optional() }),
      z.strictObject({
        link: z.url({ protocol: /^https$/ }).max(2048),
        filename: z.string().max(240).optional(),
      }),
    ]),
  }),
  z.strictObject({ type: z.literal("payload"), payload: z.string().min(1).max(1000) }),
]);

/** A template component exactly as the Cloud API takes it. */
export const ZTemplateComponentSchema = z.strictObject({
  type: z.enum(["header", "body", "button"]),
  sub_type: z.enum(["quick_reply", "url", "copy_code", "flow", "catalog"]).optional(),
  index: z
    .string()
    .regex(/^[0-9]$/, 'a button index, "0" to "9"')
    .optional(),
  parameters: z.array(ZTemplateParameterSchema).max(100),
});

export const ZTemplateContentSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9_]{1,512}$/, "a template name: lowercase letters, digits and underscores"),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, "a template language code such as en or en_US"),
    category: z
      .enum(["marketing", "utility", "authentication"])
      .optional()
      .describe("The template's category, for reporting; Meta decides the billed category."),
    bodyParameters: z
      .array(z.string().min(1).max(1024))
      .max(100)
      .optional()
      .describe("Shorthand: the body's positional parameters {{1}}, {{2}}... as text."),
    components: z
      .array(ZTemplateComponentSchema)
      .max(20)
      .optional()
      .describe("Full Cloud API template components, for headers, buttons and typed parameters."),
  })
  .refine((t) => !(t.bodyParameters && t.components), {
    message: "give either bodyParameters or components, not both",
    path: ["components"],
  });

export const ZTextContentSchema = z.strictObject({
  body: z.string().min(1, "the text must not be empty").max(4096, "at most 4,096 characters"),
  previewUrl: z.boolean().optional().describe("Render a preview of the first URL in the body."),
});

const ZRecipientSchema = z
  .string()
  .regex(/^\+?[1-9][0-9]{5,14}$/, "an E.164 phone number such as +15551234567")
  .describe("The recipient's phone number, E.164 (the + is optional).");

const ZSenderRefSchema = z
  .string()
  .min(1)
  .max(64)
  .describe(
    "Your sender number: its Waybill id, its Graph phone_number_id, or its E.164 display number (see GET /api/v1/tenant).",
  );

const ZMetadataSchema = z
  .record(z.string().min(1).max(64), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, "at most 20 metadata keys")
  .optional()
  .describe("Your own references (order id, ticket), stored with the message and returned as is.");

const requestBase = { from: ZSenderRefSchema, to: ZRecipientSchema, metadata: ZMetadataSchema };

export const ZSendMessageRequestSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...requestBase, type: z.literal("template"), template: ZTemplateContentSchema }),
  z.strictObject({ ...requestBase, type: z.literal("text"), text: ZTextContentSchema }),
]);

export type TSendMessageRequest = z.infer<typeof ZSendMessageRequestSchema>;
export type TTemplateContent = z.infer<typeof ZTemplateContentSchema>;
export type TTemplateComponent = z.infer<typeof ZTemplateComponentSchema>;

/** The Idempotency-Key header: 1-255 visible ASCII characters. */
export const ZIdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "visible ASCII characters only");

/** E.164 digits without "+", as the Cloud API and the message table store them. */
export function normalizeRecipient(to: string): string {
  return to.startsWith("+") ? to.slice(1) : to;
}

/**
 * The request as it is compared for idempotency: the sender resolved to its id (so naming it by
 * id or by number is the same request), the recipient normalised, optional fields made explicit.
 * Two requests are "the same body" when their canonical JSON is equal.
 */
export function canonicalSendRequest(request: TSendMessageRequest, senderNumberId: string) {
  const common = {
    senderNumberId,
    to: normalizeRecipient(request.to),
    metadata: request.metadata ?? {},
  };
  switch (request.type) {
    case "template":
      return {
        ...common,
        type: "template" as const,
        template: {
          name: request.template.name,
          language: request.template.language,
          category: request.template.category ?? null,
          components: templateComponents(request.template),
        },
      };
    case "text":
      return {
        ...common,
        type: "text" as const,
        text: { body: request.text.body, previewUrl: request.text.previewUrl ?? false },
      };
    default: {
      const unreachable: never = request;
      return unreachable;
    }
  }
}

function templateComponents(template: TTemplateContent): TTemplateComponent[] {
  if (template.components) return template.components;
  if (template.bodyParameters && template.bodyParameters.length > 0) {
    return [{ type: "body", parameters: template.bodyParameters.map((text) => ({ type: "text", text })) }];
  }
  return [];
}

/** The Cloud API message body (reference sections 1.2 and 1.3). */
export type TCloudMessageBody = {
  messaging_product: "whatsapp";
  recipient_type: "individual";
  to: string;
  /** Echoed in every status webhook: lets a webhook find the message when the send response
   *  (and so the wamid) was never recorded. The stored request holds the internal message id;
   *  each attempt is sent with `<message id>:<attempt>` (callbackDataFor), so a webhook names the
   *  attempt that produced it. */
  biz_opaque_callback_data: string;
} & (
  | {
      type: "template";
      template: {
        name: string;
        language: { code: string; policy: "deterministic" };
        components?: TTemplateComponent[];
      };
    }
  | { type: "text"; text: { body: string; preview_url: boolean } }
);

export function buildCloudMessageBody(request: TSendMessageRequest, messageId: string): TCloudMessageBody {
  const base = {
    messaging_product: "whatsapp" as const,
    recipient_type: "individual" as const,
    to: normalizeRecipient(request.to),
    biz_opaque_callback_data: messageId,
  };
  switch (request.type) {
    case "template": {
      const components = templateComponents(request.template);
      return {
        ...base,
        type: "template",
        template: {
          name: request.template.name,
          language: { code: request.template.language, policy: "deterministic" },
          ...(components.length > 0 ? { components } : {}),
        },
      };
    }
    case "text":
      return {
        ...base,
        type: "text",
        text: { body: request.text.body, preview_url: request.text.previewUrl ?? false },
      };
    default: {
      const unreachable: never = request;
      return unreachable;
    }
  }
}

/** Meta's limit on biz_opaque_callback_data. */
export const CALLBACK_DATA_MAX_LENGTH = 512;

/**
 * The callback data of one attempt: `<message id>:<attempt>` (a UUID, a colon, at most a few
 * digits: far within Meta's 512 characters). A status webhook echoes it, so a status whose send
 * answer was lost is credited to the attempt that produced it, never to a later one.
 */
export function callbackDataFor(messageId: string, attempt: number): string {
  return `${messageId}:${attempt}`;
}

/** The body of one attempt: the stored request with the attempt's callback data. */
export function bodyForAttempt(
  body: TCloudMessageBody,
  messageId: string,
  attempt: number,
): TCloudMessageBody {
  return { ...body, biz_opaque_callback_data: callbackDataFor(messageId, attempt) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads callback data back: `<message id>:<attempt>`, or the older `<message id>` alone (attempt
 * unknown). Anything else (another app's data) is null.
 */
export function parseCallbackData(
  value: string | null,
): { messageId: string; attempt: number | null } | null {
  if (value === null) return null;
  const match = /^([^:]+)(?::([0-9]{1,6}))?$/.exec(value.trim());
  if (!match || !UUID.test(match[1]!)) return null;
  const attempt = match[2] === undefined ? null : Number(match[2]);
  if (attempt !== null && attempt < 1) return null;
  return { messageId: match[1]!.toLowerCase(), attempt };
}

/** "+1555•••4567": recipients shown to roles that may not reveal them. */
export function maskRecipient(digits: string): string {
  if (digits.length <= 4) return "•".repeat(digits.length);
  const head = digits.slice(0, Math.min(4, digits.length - 4));
  return `+${head}${"•".repeat(Math.max(3, digits.length - head.length - 4))}${digits.slice(-4)}`;
}
