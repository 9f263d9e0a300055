// WhatsApp Cloud API webhook payloads shaped like Meta's (reference: shared whatsapp-cloud-api.md
// sections 2-3), and signed requests for the webhook route. Shared by tests, the seed and bench.
import crypto from "node:crypto";
import { signBody } from "@/server/ingest/verify-signature";

type TJson = Record<string, unknown>;

export const WEBHOOK_URL = "http://127.0.0.1/api/webhooks/whatsapp";

export function newWamid(): string {
  return `wamid.HBgL${crypto.randomBytes(18).toString("base64url")}`;
}

/** Unix seconds as Meta sends them (a string). */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

export const metaErrors = {
  undeliverable: {
    code: 131026,
    title: "Message undeliverable",
    message: "Message undeliverable",
    error_data: { details: "Message Undeliverable." },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  },
  ecosystem: {
    code: 131049,
    title: "This message was not delivered to maintain healthy ecosystem engagement.",
    message: "This message was not delivered to maintain healthy ecosystem engagement.",
    error_data: {
      details: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  },
};

export function statusItem(
  wamid: string,
  /** sent, delivered, read, played, failed; deleted and warning (legacy); anything else (invalid) */
  status: string,
  atMs: number,
  extra: TJson = {},
): TJson {
  const base: TJson = { id: wamid, status, timestamp: unixSeconds(atMs), recipient_id: "15551234567" };
  if (status === "sent") {
    base.conversation = {
      id: crypto.randomBytes(16).toString("hex"),
      expiration_timestamp: unixSeconds(atMs + 86_400_000),
      origin: { type: "utility" },
    };
  }
  if (status === "sent" || status === "delivered" || status === "read") {
    base.pricing = { billable: true, pricing_model: "PMP", category: "utility", type: "regular" };
  }
  if (status === "failed") base.errors = [metaErrors.undeliverable];
  return { ...base, ...extra };
}

export function messagesChange(
  phoneNumberId: string,
  displayNumber: string,
  value: { statuses?: TJson[]; messages?: TJson[]; errors?: TJson[] },
): TJson {
  return {
    field: "messages",
    value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: displayNumber.replace(/^\+/, ""), phone_number_id: phoneNumberId },
      ...(value.statuses
        ? { statuses: value.statuses, contacts: [{ wa_id: "15551234567", profile: { name: "Sheena" } }] }
        : {}),
      ...(value.messages ? { messages: value.messages } : {}),
      ...(value.errors ? { errors: value.errors } : {}),
    },
  };
}

export function entry(wabaId: string, changes: TJson[], timeMs?: number): TJson {
  return { id: wabaId, ...(timeMs === undefined ? {} : { time: Math.floor(timeMs / 1000) }), changes };
}

export function envelope(entries: TJson[]): TJson {
  return { object: "whatsapp_business_account", entry: entries };
}

export const otherFields = {
  quality: (displayNumber: string, event: string, limit = "TIER_10K"): TJson => ({
    field: "phone_number_quality_update",
    value: {
      display_phone_number: displayNumber.replace(/^\+/, ""),
      event,
      current_limit: limit,
      max_daily_conversations_per_business: limit,
    },
  }),
  account: (event: string, extra: TJson = {}): TJson => ({
    field: "account_update",
    value: { event, ...extra },
  }),
  templateStatus: (templateId: number, event: string, name = "order_update"): TJson => ({
    field: "message_template_status_update",
    value: {
      event,
      message_template_id: templateId,
      message_template_name: name,
      message_template_language: "en_US",
      message_template_category: "UTILITY",
      reason: "NONE",
    },
  }),
  templateQuality: (templateId: number, from: string, to: string): TJson => ({
    field: "message_template_quality_update",
    value: {
      previous_quality_score: from,
      new_quality_score: to,
      message_template_id: templateId,
      message_template_name: "order_update",
      message_template_language: "en_US",
    },
  }),
  templateCategory: (templateId: number, from: string, to: string): TJson => ({
    field: "template_category_update",
    value: {
      message_template_id: templateId,
      message_template_name: "order_update",
      message_template_language: "en_US",
      previous_category: from,
      new_category: to,
    },
  }),
  unknown: (): TJson => ({
    field: "security",
    value: { display_phone_number: "15550101001", event: "PIN_CHANGED" },
  }),
};

export function inboundMessage(from: string, atMs: number): TJson {
  return { from, id: newWamid(), timestamp: unixSeconds(atMs), type: "text", text: { body: "hi" } };
}

/** A POST as Meta sends it: raw bytes, signed with `secret` (or a given/missing header). */
export function webhookPost(
  body: string | TJson,
  options: { secret?: string; signature?: string | null; headers?: Record<string, string> } = {},
): Request {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "facebookexternalua",
    ...options.headers,
  };
  const signature = options.signature === undefined ? signBody(raw, options.secret ?? "") : options.signature;
  if (signature !== null) headers["x-hub-signature-256"] = signature;
  return new Request(WEBHOOK_URL, { method: "POST", headers, body: raw });
}
