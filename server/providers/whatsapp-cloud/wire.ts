// The Cloud API's wire formats (reference sections 1.4, 1.5, 2.2-2.5, 3.2), as zod schemas for
// what we read and types for what we write. Shared by the client (parsing Meta's answers) and the
// simulator (producing them), so the fake and the real client agree on one definition.
import { z } from "zod";

/** HTTP 200 of POST /{phone-number-id}/messages. */
export const ZGraphSendSuccessSchema = z.object({
  messaging_product: z.literal("whatsapp"),
  contacts: z
    .array(z.object({ input: z.string(), wa_id: z.string().optional(), user_id: z.string().optional() }))
    .optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});
export type TGraphSendSuccess = z.infer<typeof ZGraphSendSuccessSchema>;

/** A Graph error body. `error_subcode` is gone from v16.0 on but older versions still send it. */
export const ZGraphErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z
      .object({ messaging_product: z.string().optional(), details: z.string().optional() })
      .optional(),
    fbtrace_id: z.string().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
  }),
});
export type TGraphError = z.infer<typeof ZGraphErrorSchema>;

export type TWebhookStatusError = {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
};

/** One item of `value.statuses[]` (reference 2.3). */
export type TWebhookStatus = {
  id: string;
  status: "sent" | "delivered" | "read" | "played" | "failed";
  /** Unix seconds, as a string. */
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: {
    id: string;
    expiration_timestamp?: string;
    origin: { type: string };
  };
  pricing?: {
    billable: boolean;
    pricing_model: "PMP";
    category: string;
    type: "regular" | "free_customer_service" | "free_entry_point";
  };
  errors?: TWebhookStatusError[];
};

export type TWebhookChange =
  | {
      field: "messages";
      value: {
        messaging_product: "whatsapp";
        metadata: { display_phone_number: string; phone_number_id: string };
        statuses: TWebhookStatus[];
      };
    }
  | {
      field: "phone_number_quality_update";
      value: {
        display_phone_number: string;
        event: string;
        current_limit?: string;
        old_limit?: string;
        max_daily_conversations_per_business?: string;
      };
    }
  | {
      /** a user stopped or resumed marketing messages from the number */
      field: "user_preferences";
      value: {
        messaging_product: "whatsapp";
        metadata: { display_phone_number: string; phone_number_id: string };
        contacts: { profile: { name: string }; wa_id: string }[];
        user_preferences: {
          wa_id: string;
          detail: string;
          category: "marketing_messages";
          value: "stop" | "resume";
          timestamp: number;
        }[];
      };
    };

/** The POST envelope (reference 2.2). */
export type TWebhookPayload = {
  object: "whatsapp_business_account";
  entry: { id: string; time?: number; changes: TWebhookChange[] }[];
};

export const ERROR_DOCS_HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

/**
 * HTTP 200 of GET /{phone-number-id}?fields=... (reference 3.3): the number's own view of its
 * health. Passthrough: fields Meta adds are kept for the history, unknown values are not refused.
 */
export const ZGraphPhoneNumberSchema = z
  .object({
    id: z.string().min(1),
    display_phone_number: z.string().optional(),
    verified_name: z.string().optional(),
    quality_rating: z.string().optional(),
    status: z.string().optional(),
    throughput: z.object({ level: z.string() }).partial().optional(),
    is_on_biz_app: z.boolean().optional(),
    messaging_limit_tier: z.string().optional(),
    whatsapp_business_manager_messaging_limit: z
      .union([z.string(), z.object({ current_limit: z.string().optional() }).loose()])
      .optional(),
    name_status: z.string().optional(),
    code_verification_status: z.string().optional(),
    platform_type: z.string().optional(),
  })
  .loose();
export type TGraphPhoneNumber = z.infer<typeof ZGraphPhoneNumberSchema>;
