import { describe, expect, it } from "vitest";
import { decideSendGate, SERVICE_WINDOW_MS, type TSendGateInput } from "./send-gate";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const template = (status: string | null, category = "MARKETING"): TSendGateInput => ({
  contentKind: "template",
  templateCategory: category,
  template: { name: "spring_sale", language: "en_US", status },
  contact: null,
  nowMs: NOW,
});
const text = (lastInboundAt: number | null): TSendGateInput => ({
  contentKind: "text",
  templateCategory: null,
  template: null,
  contact: { marketingOptedOut: false, marketingPreferenceAt: null, lastInboundAt },
  nowMs: NOW,
});

describe("decideSendGate", () => {
  it.each(["PAUSED", "DISABLED", "paused"])("holds a template Meta has %s", (status) => {
    expect(decideSendGate(template(status))).toEqual({
      kind: "hold",
      reason: `template spring_sale (en_US) is ${status.toLowerCase()} at Meta: the message waits until the template is active again`,
    });
  });

  it.each(["APPROVED", "REINSTATED", null])("sends a template whose status is %s", (status) => {
    expect(decideSendGate(template(status))).toEqual({ kind: "send" });
  });

  it("refuses a marketing template to an opted-out user, not a utility one", () => {
    const optedOut = { marketingOptedOut: true, marketingPreferenceAt: NOW - 1000, lastInboundAt: null };
    const refused = decideSendGate({ ...template("APPROVED"), contact: optedOut });
    expect(refused).toMatchObject({
      kind: "refuse",
      error: { code: "waybill.marketing_opt_out", title: "Recipient opted out of marketing messages" },
    });
    expect(decideSendGate({ ...template("APPROVED", "UTILITY"), contact: optedOut })).toEqual({
      kind: "send",
    });
    // a paused template holds first: the opt-out is judged when it would be sent
    expect(decideSendGate({ ...template("PAUSED"), contact: optedOut }).kind).toBe("hold");
  });

  it("refuses free-form text once the last inbound message is more than 24 h old; unknown is Meta's to judge", () => {
    expect(decideSendGate(text(NOW - SERVICE_WINDOW_MS))).toEqual({ kind: "send" });
    expect(decideSendGate(text(NOW - SERVICE_WINDOW_MS - 1))).toMatchObject({
      kind: "refuse",
      error: { code: "waybill.outside_service_window", title: "Outside the customer-service window" },
    });
    expect(decideSendGate(text(null))).toEqual({ kind: "send" });
    expect(decideSendGate({ ...text(null), contact: null })).toEqual({ kind: "send" });
  });
});
