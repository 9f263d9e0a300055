// Parses a verified WhatsApp Business Account webhook body into a flat list of items, one per
// status, per health/template change and per ignored or invalid piece, each with its path in the
// body. Every entry, every change and every status is visited (Meta batches them; libraries that
// read only index 0 lose updates). A bad item never hides its neighbours: it becomes an
// `invalid` item (quarantined by the processor) and parsing goes on.
// Pure: bytes in, items out. Only identifiers and Meta's own fields are trusted from the body.
import { z } from "zod";
import type { TJsonObject } from "@/server/domain/ledger/canonical-json";
import type { TProviderStatus } from "@/server/domain/ledger/dedupe-key";
import { storableJson, storablePrefix } from "@/server/platform/storable-text";

const ZIdSchema = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);
/** Unix seconds, as a string ("1750857384") or a number; at most 10 digits (until 2286), so it
 *  always makes a valid Date. */
const ZUnixSecondsSchema = z
  .union([z.string().regex(/^\d{1,10}$/), z.number().int().nonnegative().max(9_999_999_999)])
  .transform(Number);

const ZEnvelopeSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.unknown()),
});

const ZEntrySchema = z.object({
  id: ZIdSchema,
  time: ZUnixSecondsSchema.optional(),
  changes: z.array(z.unknown()),
});

const ZChangeSchema = z.object({ field: z.string().min(1), value: z.record(z.string(), z.unknown()) });

const ZMessagesValueSchema = z.looseObject({
  metadata: z.looseObject({
    phone_number_id: ZIdSchema,
    display_phone_number: z.string().optional(),
  }),
  statuses: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

const ZStatusErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string().min(1)]),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

const ZStatusSchema = z.looseObject({
  id: z.string().min(1).max(512),
  status: z.string().min(1).max(64),
  timestamp: ZUnixSecondsSchema,
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().max(4096).optional(),
  errors: z.array(ZStatusErrorSchema).optional(),
});

/** An inbound message: only who wrote and when are read (the content stays in the raw request). */
const ZInboundMessageSchema = z.looseObject({
  from: z.string().regex(/^\d{4,20}$/),
  timestamp: ZUnixSecondsSchema,
});

const ZUserPreferencesValueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: ZIdSchema }),
  user_preferences: z.array(z.unknown()),
});
const ZUserPreferenceSchema = z.looseObject({
  wa_id: z.string().regex(/^\d{4,20}$/),
  category: z.string(),
  value: z.string(),
  timestamp: ZUnixSecondsSchema,
});

const ZTemplateValueSchema = z.looseObject({ message_template_id: ZIdSchema, event: z.string().optional() });

/** Statuses we record in the ledger. */
export const LEDGER_STATUSES = [
  "sent",
  "delivered",
  "read",
  "played",
  "failed",
] as const satisfies readonly TProviderStatus[];
/** Legacy statuses seen in the wild that carry no delivery fact (On-Premises era): ignored, counted. */
export const IGNORED_STATUSES = ["deleted", "warning"] as const;

export const SENDER_HEALTH_FIELDS = [
  "phone_number_quality_update",
  "phone_number_name_update",
  "account_update",
  "business_capability_update",
  "messages.errors",
] as const;
export type TSenderHealthField = (typeof SENDER_HEALTH_FIELDS)[number];
export const TEMPLATE_FIELDS = [
  "message_template_status_update",
  "message_template_quality_update",
  "template_category_update",
] as const;
export type TTemplateField = (typeof TEMPLATE_FIELDS)[number];

export type TStatusError = { code: string; title: string; message: string; details: string | null };

export type TParsedStatus = {
  providerMessageId: string;
  status: TProviderStatus;
  /** epoch ms (Meta sends seconds) */
  providerTimestamp: number;
  bizOpaqueCallbackData: string | null;
  /** the first error, for the ledger's `error` (present on failed) */
  error: TStatusError | null;
  /** the status object as Meta sent it minus id/status/timestamp: errors whole, pricing,
   *  conversation, recipient fields (kept for disputes and usage reporting) */
  fields: TJsonObject;
};

export type TQuarantineReason =
  | "malformed_json"
  | "invalid_envelope"
  | "invalid_item"
  | "unknown_status"
  | "unknown_phone_number"
  | "waba_mismatch"
  | "unknown_waba"
  | "ambiguous_waba"
  | "unknown_sender";

type TItemBase = { path: string; wabaId: string | null };

export type TWebhookItem =
  | (TItemBase & {
      kind: "status";
      wabaId: string;
      phoneNumberId: string;
      status: TParsedStatus;
    })
  | (TItemBase & {
      kind: "status_ignored";
      phoneNumberId: string;
      providerMessageId: string;
      status: string;
    })
  | (TItemBase & {
      kind: "sender_health";
      wabaId: string;
      field: TSenderHealthField;
      /** set for `messages.errors` (the number is in the metadata) */
      phoneNumberId: string | null;
      /** set for phone_number_quality_update (Meta names the number by its display form) */
      displayPhoneNumber: string | null;
      event: string | null;
      /** epoch ms of entry.time, when Meta sent one */
      providerTimestamp: number | null;
      value: TJsonObject;
    })
  | (TItemBase & {
      kind: "template";
      wabaId: string;
      field: TTemplateField;
      templateId: string;
      event: string | null;
      providerTimestamp: number | null;
      value: TJsonObject;
    })
  | (TItemBase & {
      /** what Meta told about a (number, user) pair: times and flags only, never content */
      kind: "contact";
      wabaId: string;
      phoneNumberId: string;
      /** the user's WhatsApp id (wa_id: digits) */
      recipient: string;
      fact:
        { kind: "inbound"; at: number } | { kind: "marketing_preference"; isOptedOut: boolean; at: number };
    })
  | (TItemBase & {
      kind: "ignored";
      reason: "inbound_messages" | "unsupported_field";
      field: string;
      count: number;
    })
  | (TItemBase & {
      kind: "invalid";
      reason: Extract<TQuarantineReason, "invalid_item" | "unknown_status">;
      detail: string;
      field: string | null;
      phoneNumberId: string | null;
      item: unknown;
    });

export type TParsedWebhook =
  | { ok: true; items: TWebhookItem[] }
  | { ok: false; reason: Extract<TQuarantineReason, "malformed_json" | "invalid_envelope">; detail: string };

const decoder = new TextDecoder("utf-8", { fatal: true });

export function parseWebhookBody(body: Uint8Array): TParsedWebhook {
  let json: unknown;
  try {
    // made storable here, once: every string of the body may end up in a text or jsonb column
    json = storableJson(JSON.parse(decoder.decode(body)));
  } catch (error) {
    return { ok: false, reason: "malformed_json", detail: describeError(error) };
  }
  const envelope = ZEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    return { ok: false, reason: "invalid_envelope", detail: describeIssues(envelope.error) };
  }
  const items: TWebhookItem[] = [];
  for (const [e, rawEntry] of envelope.data.entry.entries()) {
    const entryPath = `entry[${e}]`;
    const entry = ZEntrySchema.safeParse(rawEntry);
    if (!entry.success) {
      items.push(invalid(entryPath, null, "invalid_item", describeIssues(entry.error), null, null, rawEntry));
      continue;
    }
    const wabaId = entry.data.id;
    const entryTime = entry.data.time === undefined ? null : entry.data.time * 1000;
    for (const [c, rawChange] of entry.data.changes.entries()) {
      const changePath = `${entryPath}.changes[${c}]`;
      const change = ZChangeSchema.safeParse(rawChange);
      if (!change.success) {
        items.push(
          invalid(changePath, wabaId, "invalid_item", describeIssues(change.error), null, null, rawChange),
        );
        continue;
      }
      items.push(...parseChange(changePath, wabaId, entryTime, change.data.field, change.data.value));
    }
  }
  return { ok: true, items };
}

function parseChange(
  path: string,
  wabaId: string,
  entryTime: number | null,
  field: string,
  value: Record<string, unknown>,
): TWebhookItem[] {
  switch (field) {
    case "messages":
      return parseMessagesChange(path, wabaId, entryTime, value);
    case "user_preferences":
      return parseUserPreferences(path, wabaId, value);
    case "phone_number_quality_update":
    case "phone_number_name_update": {
      const display = typeof value.display_phone_number === "string" ? value.display_phone_number : null;
      if (display === null || !/^\+?\d{4,20}$/.test(display)) {
        return [
          invalid(
            path,
            wabaId,
            "invalid_item",
            "display_phone_number is missing or not digits",
            field,
            null,
            value,
          ),
        ];
      }
      return [healthItem(path, wabaId, field, null, display.replace(/^\+/, ""), entryTime, value)];
    }
    case "account_update":
    case "business_capability_update":
      return [healthItem(path, wabaId, field, null, null, entryTime, value)];
    case "message_template_status_update":
    case "message_template_quality_update":
    case "template_category_update": {
      const parsed = ZTemplateValueSchema.safeParse(value);
      if (!parsed.success) {
        return [invalid(path, wabaId, "invalid_item", describeIssues(parsed.error), field, null, value)];
      }
      return [
        {
          kind: "template",
          path,
          wabaId,
          field,
          templateId: parsed.data.message_template_id,
          event: parsed.data.event ?? null,
          providerTimestamp: entryTime,
          value: toJsonObject(value),
        },
      ];
    }
    default:
      // stored raw with the request; nothing of ours depends on it
      return [{ kind: "ignored", path, wabaId, reason: "unsupported_field", field, count: 1 }];
  }
}

function parseMessagesChange(
  path: string,
  wabaId: string,
  entryTime: number | null,
  value: Record<string, unknown>,
): TWebhookItem[] {
  const parsed = ZMessagesValueSchema.safeParse(value);
  if (!parsed.success) {
    return [invalid(path, wabaId, "invalid_item", describeIssues(parsed.error), "messages", null, value)];
  }
  const phoneNumberId = parsed.data.metadata.phone_number_id;
  const items: TWebhookItem[] = [];
  for (const [s, rawStatus] of (parsed.data.statuses ?? []).entries()) {
    items.push(parseStatus(`${path}.value.statuses[${s}]`, wabaId, phoneNumberId, rawStatus));
  }
  // Waybill is the outbound delivery ledger: of an inbound message it keeps only when the user
  // last wrote (the customer-service window opens there); the content stays in the raw request
  const lastInbound = new Map<string, number>();
  let unreadable = 0;
  for (const raw of parsed.data.messages ?? []) {
    const message = ZInboundMessageSchema.safeParse(raw);
    if (!message.success) {
      unreadable += 1;
      continue;
    }
    const at = message.data.timestamp * 1000;
    lastInbound.set(message.data.from, Math.max(at, lastInbound.get(message.data.from) ?? 0));
  }
  for (const [recipient, at] of lastInbound) {
    items.push({
      kind: "contact",
      path: `${path}.value.messages`,
      wabaId,
      phoneNumberId,
      recipient,
      fact: { kind: "inbound", at },
    });
  }
  if (unreadable > 0) {
    items.push({
      kind: "ignored",
      path: `${path}.value.messages`,
      wabaId,
      reason: "inbound_messages",
      field: "messages",
      count: unreadable,
    });
  }
  if (parsed.data.errors && parsed.data.errors.length > 0) {
    items.push(
      healthItem(`${path}.value.errors`, wabaId, "messages.errors", phoneNumberId, null, entryTime, {
        errors: parsed.data.errors,
      }),
    );
  }
  return items;
}

/** Marketing opt-outs and opt-ins (`user_preferences`, category marketing_messages: stop | resume). */
function parseUserPreferences(path: string, wabaId: string, value: Record<string, unknown>): TWebhookItem[] {
  const parsed = ZUserPreferencesValueSchema.safeParse(value);
  if (!parsed.success) {
    return [
      invalid(path, wabaId, "invalid_item", describeIssues(parsed.error), "user_preferences", null, value),
    ];
  }
  const phoneNumberId = parsed.data.metadata.phone_number_id;
  const items: TWebhookItem[] = [];
  for (const [i, raw] of parsed.data.user_preferences.entries()) {
    const itemPath = `${path}.value.user_preferences[${i}]`;
    const preference = ZUserPreferenceSchema.safeParse(raw);
    if (!preference.success) {
      items.push(
        invalid(
          itemPath,
          wabaId,
          "invalid_item",
          describeIssues(preference.error),
          "user_preferences",
          phoneNumberId,
          raw,
        ),
      );
      continue;
    }
    const choice = preference.data.value.toLowerCase();
    if (preference.data.category !== "marketing_messages" || (choice !== "stop" && choice !== "resume")) {
      items.push({
        kind: "ignored",
        path: itemPath,
        wabaId,
        reason: "unsupported_field",
        field: "user_preferences",
        count: 1,
      });
      continue;
    }
    items.push({
      kind: "contact",
      path: itemPath,
      wabaId,
      phoneNumberId,
      recipient: preference.data.wa_id,
      fact: {
        kind: "marketing_preference",
        isOptedOut: choice === "stop",
        at: preference.data.timestamp * 1000,
      },
    });
  }
  return items;
}

function parseStatus(path: string, wabaId: string, phoneNumberId: string, raw: unknown): TWebhookItem {
  const parsed = ZStatusSchema.safeParse(raw);
  if (!parsed.success) {
    return invalid(
      path,
      wabaId,
      "invalid_item",
      describeIssues(parsed.error),
      "messages",
      phoneNumberId,
      raw,
    );
  }
  const { id, status, timestamp, ...rest } = parsed.data;
  if ((IGNORED_STATUSES as readonly string[]).includes(status)) {
    return { kind: "status_ignored", path, wabaId, phoneNumberId, providerMessageId: id, status };
  }
  if (!(LEDGER_STATUSES as readonly string[]).includes(status)) {
    return invalid(
      path,
      wabaId,
      "unknown_status",
      `status "${status}" is not one Waybill knows`,
      "messages",
      phoneNumberId,
      raw,
    );
  }
  const first = parsed.data.errors?.[0];
  const error: TStatusError | null = first
    ? {
        code: String(first.code),
        title: first.title ?? "",
        message: first.message ?? first.title ?? "",
        details: first.error_data?.details ?? null,
      }
    : status === "failed"
      ? {
          code: "unspecified",
          title: "failed without an error",
          message: "Meta reported failed with no errors[]",
          details: null,
        }
      : null;
  return {
    kind: "status",
    path,
    wabaId,
    phoneNumberId,
    status: {
      providerMessageId: id,
      status: status as TProviderStatus,
      providerTimestamp: timestamp * 1000,
      bizOpaqueCallbackData: parsed.data.biz_opaque_callback_data ?? null,
      error,
      fields: toJsonObject(rest),
    },
  };
}

function healthItem(
  path: string,
  wabaId: string,
  field: TSenderHealthField,
  phoneNumberId: string | null,
  displayPhoneNumber: string | null,
  entryTime: number | null,
  value: Record<string, unknown>,
): TWebhookItem {
  return {
    kind: "sender_health",
    path,
    wabaId,
    field,
    phoneNumberId,
    displayPhoneNumber,
    event: typeof value.event === "string" ? value.event : null,
    providerTimestamp: entryTime,
    value: toJsonObject(value),
  };
}

function invalid(
  path: string,
  wabaId: string | null,
  reason: "invalid_item" | "unknown_status",
  detail: string,
  field: string | null,
  phoneNumberId: string | null,
  item: unknown,
): TWebhookItem {
  return { kind: "invalid", path, wabaId, reason, detail, field, phoneNumberId, item };
}

/** Values that came out of JSON.parse are JSON; this only narrows the type. */
function toJsonObject(value: Record<string, unknown>): TJsonObject {
  return value as TJsonObject;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

function describeError(error: unknown): string {
  // JSON.parse quotes the body in its message, cut wherever its limit falls
  return error instanceof Error ? storablePrefix(error.message, 500) : "unreadable body";
}
