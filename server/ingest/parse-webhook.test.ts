// Parsing Meta's envelope: every entry, change and status is visited; each bad piece becomes its
// own invalid item and never hides its neighbours; the whole body fails only when it is not JSON
// or not a WhatsApp Business Account webhook.
import { describe, expect, it } from "vitest";
import {
  entry,
  envelope,
  inboundMessage,
  messagesChange,
  metaErrors,
  otherFields,
  statusItem,
} from "@/tests/factories/webhooks";
import { parseWebhookBody, type TWebhookItem } from "./parse-webhook";

const T = Date.UTC(2026, 10, 29, 12, 0, 0);
const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

function items(value: unknown): TWebhookItem[] {
  const parsed = parseWebhookBody(bytes(value));
  if (!parsed.ok) throw new Error(`unexpected ${parsed.reason}: ${parsed.detail}`);
  return parsed.items;
}

describe("parseWebhookBody: the whole body", () => {
  it("refuses bytes that are not JSON, or not UTF-8", () => {
    expect(parseWebhookBody(bytes('{"object":'))).toMatchObject({ ok: false, reason: "malformed_json" });
    expect(parseWebhookBody(Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      reason: "malformed_json",
    });
  });

  it("refuses JSON that is not a WhatsApp Business Account webhook", () => {
    expect(parseWebhookBody(bytes({ object: "page", entry: [] }))).toMatchObject({
      ok: false,
      reason: "invalid_envelope",
    });
    expect(parseWebhookBody(bytes({ object: "whatsapp_business_account" }))).toMatchObject({
      ok: false,
      reason: "invalid_envelope",
    });
    expect(parseWebhookBody(bytes([1, 2]))).toMatchObject({ ok: false, reason: "invalid_envelope" });
  });

  it("accepts an envelope with no entries (nothing to do)", () => {
    expect(items(envelope([]))).toEqual([]);
  });
});

describe("parseWebhookBody: statuses", () => {
  it("reads a sent status: wamid, status, timestamp in ms, and every other field kept", () => {
    const status = statusItem("wamid.A", "sent", T, {
      biz_opaque_callback_data: "msg-1",
      recipient_type: "individual",
    });
    const [item] = items(
      envelope([entry("111", [messagesChange("222", "+15550001", { statuses: [status] })])]),
    );
    expect(item).toEqual({
      kind: "status",
      path: "entry[0].changes[0].value.statuses[0]",
      wabaId: "111",
      phoneNumberId: "222",
      status: {
        providerMessageId: "wamid.A",
        status: "sent",
        providerTimestamp: T,
        bizOpaqueCallbackData: "msg-1",
        error: null,
        fields: {
          recipient_id: "15551234567",
          conversation: status.conversation,
          pricing: status.pricing,
          biz_opaque_callback_data: "msg-1",
          recipient_type: "individual",
        },
      },
    });
  });

  it("keeps every error of a failed status whole, the first as the ledger error", () => {
    const status = statusItem("wamid.F", "failed", T, {
      errors: [metaErrors.ecosystem, metaErrors.undeliverable],
    });
    const [item] = items(envelope([entry("1", [messagesChange("2", "+1555", { statuses: [status] })])]));
    expect(item).toMatchObject({
      kind: "status",
      status: {
        status: "failed",
        error: {
          code: "131049",
          title: metaErrors.ecosystem.title,
          message: metaErrors.ecosystem.message,
          details: metaErrors.ecosystem.error_data.details,
        },
        fields: { errors: [metaErrors.ecosystem, metaErrors.undeliverable] },
      },
    });
  });

  it("visits every entry, change and status of a batched POST, in order, with paths", () => {
    const body = envelope([
      entry("W1", [
        messagesChange("P1", "+1", {
          statuses: [statusItem("a", "read", T), statusItem("a", "delivered", T)],
        }),
        messagesChange("P2", "+2", { statuses: [statusItem("b", "played", T)] }),
      ]),
      entry("W2", [messagesChange("P3", "+3", { statuses: [statusItem("c", "sent", T)] })]),
    ]);
    expect(
      items(body).map((i) =>
        i.kind === "status"
          ? [i.path, i.wabaId, i.phoneNumberId, i.status.providerMessageId, i.status.status]
          : i.kind,
      ),
    ).toEqual([
      ["entry[0].changes[0].value.statuses[0]", "W1", "P1", "a", "read"],
      ["entry[0].changes[0].value.statuses[1]", "W1", "P1", "a", "delivered"],
      ["entry[0].changes[1].value.statuses[0]", "W1", "P2", "b", "played"],
      ["entry[1].changes[0].value.statuses[0]", "W2", "P3", "c", "sent"],
    ]);
  });

  it("isolates a bad status: the others still parse", () => {
    const body = envelope([
      entry("W", [
        messagesChange("P", "+1", {
          statuses: [
            statusItem("ok1", "sent", T),
            { id: "no-timestamp", status: "sent" },
            statusItem("bad-time", "sent", T, { timestamp: "99999999999" }),
            statusItem("weird", "bounced", T),
            statusItem("legacy", "deleted", T),
            statusItem("ok2", "delivered", T),
          ],
        }),
      ]),
    ]);
    expect(
      items(body).map((i) => [
        i.kind,
        i.kind === "invalid" ? i.reason : i.kind === "status" ? i.status.providerMessageId : "",
      ]),
    ).toEqual([
      ["status", "ok1"],
      ["invalid", "invalid_item"],
      ["invalid", "invalid_item"],
      ["invalid", "unknown_status"],
      ["status_ignored", ""],
      ["status", "ok2"],
    ]);
  });

  it("accepts numeric timestamps and ids as Meta sometimes sends them", () => {
    const body = envelope([
      {
        id: 111,
        changes: [
          messagesChange("222", "+1", { statuses: [{ id: "w", status: "sent", timestamp: T / 1000 }] }),
        ],
      },
    ]);
    expect(items(body)[0]).toMatchObject({ kind: "status", wabaId: "111", status: { providerTimestamp: T } });
  });

  it("marks a change without metadata invalid, and an entry without changes invalid", () => {
    const body = envelope([
      entry("W", [{ field: "messages", value: { statuses: [statusItem("x", "sent", T)] } }]),
      { id: "W2" },
    ]);
    expect(items(body).map((i) => [i.kind, i.path])).toEqual([
      ["invalid", "entry[0].changes[0]"],
      ["invalid", "entry[1]"],
    ]);
  });
});

describe("parseWebhookBody: other fields", () => {
  it("turns number quality, account and template changes into items, inbound messages into their time only, and ignores unknown ones", () => {
    const body = envelope([
      entry(
        "W",
        [
          messagesChange("P", "+15550001", {
            messages: [
              inboundMessage("1555", T - 5_000),
              inboundMessage("1556", T),
              inboundMessage("1555", T),
              { from: "not a number", timestamp: "x" },
            ],
            errors: [{ code: 131000, title: "x" }],
          }),
          otherFields.quality("+15550001", "FLAGGED", "TIER_1K"),
          otherFields.account("ACCOUNT_RESTRICTION"),
          otherFields.templateStatus(42, "APPROVED"),
          otherFields.templateQuality(42, "GREEN", "RED"),
          otherFields.templateCategory(42, "MARKETING", "UTILITY"),
          {
            field: "business_capability_update",
            value: { max_daily_conversation_per_phone: 2000, max_daily_conversations_per_business: 2000 },
          },
          otherFields.unknown(),
        ],
        T,
      ),
    ]);
    expect(
      items(body).map((i) => {
        switch (i.kind) {
          case "sender_health":
            return [i.kind, i.field, i.event, i.displayPhoneNumber, i.phoneNumberId, i.providerTimestamp];
          case "template":
            return [i.kind, i.field, i.event, i.templateId, i.providerTimestamp];
          case "ignored":
            return [i.kind, i.reason, i.field, i.count];
          case "contact":
            return [i.kind, i.fact.kind, i.phoneNumberId, i.recipient, i.fact.at];
          case "status":
          case "status_ignored":
          case "invalid":
            return [i.kind];
        }
      }),
    ).toEqual([
      // one per user, the latest message's time; the unreadable one stays in the raw request
      ["contact", "inbound", "P", "1555", T],
      ["contact", "inbound", "P", "1556", T],
      ["ignored", "inbound_messages", "messages", 1],
      ["sender_health", "messages.errors", null, null, "P", T],
      ["sender_health", "phone_number_quality_update", "FLAGGED", "15550001", null, T],
      ["sender_health", "account_update", "ACCOUNT_RESTRICTION", null, null, T],
      ["template", "message_template_status_update", "APPROVED", "42", T],
      ["template", "message_template_quality_update", null, "42", T],
      ["template", "template_category_update", null, "42", T],
      ["sender_health", "business_capability_update", null, null, null, T],
      ["ignored", "unsupported_field", "security", 1],
    ]);
  });

  it("reads user_preferences (marketing stop and resume) per user; other preferences are ignored", () => {
    const preference = (waId: string, category: string, value: string) => ({
      wa_id: waId,
      detail: "User requested to stop marketing messages",
      category,
      value,
      timestamp: T / 1000,
    });
    const body = envelope([
      entry("W", [
        {
          field: "user_preferences",
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550001", phone_number_id: "P" },
            contacts: [{ profile: { name: "Sheena" }, wa_id: "1555" }],
            user_preferences: [
              preference("1555", "marketing_messages", "stop"),
              preference("1556", "marketing_messages", "resume"),
              preference("1557", "offers", "stop"),
              { wa_id: "1558" },
            ],
          },
        },
      ]),
    ]);
    expect(items(body)).toMatchObject([
      { kind: "contact", recipient: "1555", fact: { kind: "marketing_preference", isOptedOut: true, at: T } },
      {
        kind: "contact",
        recipient: "1556",
        fact: { kind: "marketing_preference", isOptedOut: false, at: T },
      },
      { kind: "ignored", reason: "unsupported_field", field: "user_preferences" },
      { kind: "invalid", reason: "invalid_item", field: "user_preferences", phoneNumberId: "P" },
    ]);
  });

  it("marks a template change without a template id invalid", () => {
    const body = envelope([
      entry("W", [{ field: "message_template_status_update", value: { event: "APPROVED" } }]),
    ]);
    expect(items(body)).toMatchObject([
      { kind: "invalid", reason: "invalid_item", field: "message_template_status_update" },
    ]);
  });
});
