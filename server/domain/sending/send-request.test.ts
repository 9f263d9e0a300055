import { describe, expect, it } from "vitest";
import { canonicalJson } from "../ledger/canonical-json";
import {
  CALLBACK_DATA_MAX_LENGTH,
  buildCloudMessageBody,
  callbackDataFor,
  canonicalSendRequest,
  maskRecipient,
  parseCallbackData,
  ZIdempotencyKeySchema,
  ZSendMessageRequestSchema,
  type TSendMessageRequest,
} from "./send-request";

const SENDER = "0195f3c2-6a7e-7c1e-9d3b-2f8a1b4c5d6e";
const MESSAGE = "0195f3c2-aaaa-7c1e-9d3b-2f8a1b4c5d6e";

const template: TSendMessageRequest = {
  from: "+15550101001",
  to: "+15551234567",
  type: "template",
  template: { name: "order_update", language: "en_US", bodyParameters: ["#12345", "Friday"] },
};

function issues(input: unknown) {
  const result = ZSendMessageRequestSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join("."), code: i.code }));
}

describe("ZSendMessageRequestSchema", () => {
  it("accepts a template with body parameters, a template with components, and a text", () => {
    expect(ZSendMessageRequestSchema.safeParse(template).success).toBe(true);
    expect(
      ZSendMessageRequestSchema.safeParse({
        from: "106540352242922",
        to: "15551234567",
        type: "template",
        template: {
          name: "order_update",
          language: "en",
          components: [
            { type: "header", parameters: [{ type: "image", image: { link: "https://example.com/a.png" } }] },
            { type: "button", sub_type: "url", index: "0", parameters: [{ type: "text", text: "12345" }] },
          ],
        },
      }).success,
    ).toBe(true);
    expect(
      ZSendMessageRequestSchema.safeParse({
        from: SENDER,
        to: "+447700900123",
        type: "text",
        text: { body: "Hi" },
      }).success,
    ).toBe(true);
  });

  it("names the offending field precisely", () => {
    expect(issues({ ...template, to: "555-1234" })).toEqual([{ path: "to", code: "invalid_format" }]);
    expect(issues({ ...template, template: { ...template.template, language: "English" } })).toEqual([
      { path: "template.language", code: "invalid_format" },
    ]);
    expect(issues({ ...template, template: { name: "Order Update", language: "en_US" } })).toEqual([
      { path: "template.name", code: "invalid_format" },
    ]);
    expect(issues({ from: SENDER, to: "+15551234567", type: "text", text: { body: "" } })).toEqual([
      { path: "text.body", code: "too_small" },
    ]);
    expect(
      issues({ from: SENDER, to: "+15551234567", type: "text", text: { body: "x".repeat(4097) } }),
    ).toEqual([{ path: "text.body", code: "too_big" }]);
  });

  it("refuses unknown fields (a typo never silently drops a parameter)", () => {
    expect(issues({ ...template, recipient: "+1555" })).toEqual([{ path: "", code: "unrecognized_keys" }]);
  });

  it("refuses an unknown type, and both parameter styles at once", () => {
    expect(issues({ ...template, type: "image" })).toEqual([{ path: "type", code: "invalid_union" }]);
    expect(
      issues({
        ...template,
        template: { ...template.template, components: [{ type: "body", parameters: [] }] },
      }),
    ).toEqual([{ path: "template.components", code: "custom" }]);
  });
});

describe("canonicalSendRequest", () => {
  it("is the same request whether the sender is named by number or id, with or without +", () => {
    const a = canonicalSendRequest(template, SENDER);
    const b = canonicalSendRequest({ ...template, from: SENDER, to: "15551234567" }, SENDER);
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it("differs when anything the recipient would see differs", () => {
    const a = canonicalJson(canonicalSendRequest(template, SENDER));
    const b = canonicalJson(
      canonicalSendRequest(
        { ...template, template: { ...template.template, bodyParameters: ["#12345", "Monday"] } },
        SENDER,
      ),
    );
    expect(a).not.toBe(b);
  });

  it("treats body parameters and the equivalent body component as the same request", () => {
    const viaComponents: TSendMessageRequest = {
      ...template,
      template: {
        name: "order_update",
        language: "en_US",
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "#12345" },
              { type: "text", text: "Friday" },
            ],
          },
        ],
      },
    };
    expect(canonicalJson(canonicalSendRequest(viaComponents, SENDER))).toBe(
      canonicalJson(canonicalSendRequest(template, SENDER)),
    );
  });
});

describe("buildCloudMessageBody", () => {
  it("builds Meta's template body with the message id as biz_opaque_callback_data", () => {
    expect(buildCloudMessageBody(template, MESSAGE)).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15551234567",
      biz_opaque_callback_data: MESSAGE,
      type: "template",
      template: {
        name: "order_update",
        language: { code: "en_US", policy: "deterministic" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "#12345" },
              { type: "text", text: "Friday" },
            ],
          },
        ],
      },
    });
  });

  it("builds Meta's text body", () => {
    expect(
      buildCloudMessageBody(
        {
          from: SENDER,
          to: "+15551234567",
          type: "text",
          text: { body: "Hi https://x.example", previewUrl: true },
        },
        MESSAGE,
      ),
    ).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15551234567",
      biz_opaque_callback_data: MESSAGE,
      type: "text",
      text: { body: "Hi https://x.example", preview_url: true },
    });
  });
});

describe("helpers", () => {
  it("validates the Idempotency-Key header", () => {
    expect(ZIdempotencyKeySchema.safeParse("order-12345/attempt-1").success).toBe(true);
    expect(ZIdempotencyKeySchema.safeParse("").success).toBe(false);
    expect(ZIdempotencyKeySchema.safeParse("has space").success).toBe(false);
    expect(ZIdempotencyKeySchema.safeParse("x".repeat(256)).success).toBe(false);
  });

  it("masks a recipient, keeping the country code and the last four digits", () => {
    expect(maskRecipient("15551234567")).toBe("+1555•••4567");
    expect(maskRecipient("447700900123")).toBe("+4477••••0123");
  });
});

describe("callback data", () => {
  const id = "0192f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f";

  it("names the message and the attempt, far within Meta's 512 characters", () => {
    expect(callbackDataFor(id, 3)).toBe(`${id}:3`);
    expect(callbackDataFor(id, 999_999).length).toBeLessThanOrEqual(CALLBACK_DATA_MAX_LENGTH);
  });

  it("reads back the attempt form and the older message-id form", () => {
    expect(parseCallbackData(`${id}:3`)).toEqual({ messageId: id, attempt: 3 });
    expect(parseCallbackData(id.toUpperCase())).toEqual({ messageId: id, attempt: null });
  });

  it("refuses anything else (another app's data, attempt 0, junk)", () => {
    for (const value of [null, "", "order-123", `${id}:0`, `${id}:x`, `${id}:1:2`, `not-a-uuid:1`]) {
      expect(parseCallbackData(value)).toBeNull();
    }
  });
});
