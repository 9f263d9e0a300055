import { describe, expect, it } from "vitest";
import { needsAttention } from "./needs-attention";

const ACME = { tenantId: "a", tenantSlug: "acme", tenantName: "Acme" };
const GLOBEX = { tenantId: "g", tenantSlug: "globex", tenantName: "Globex" };

describe("needs attention", () => {
  it("names a tenant's error-rate spike with its main code first", () => {
    const items = needsAttention({
      providerErrors: [
        {
          ...ACME,
          requested: 150,
          rejected: 82,
          failed: 0,
          codes: [
            { errorCode: "131026", type: "provider_rejected", count: 0 },
            { errorCode: "130429", type: "provider_rejected", count: 82 },
          ],
        },
        // 5% of traffic: not a spike
        { ...GLOBEX, requested: 200, rejected: 10, failed: 0, codes: [] },
      ],
    });
    expect(items).toEqual([
      {
        key: "errors:a",
        tone: "bad",
        text: "54.7% of Acme's sends rejected with 130429 in the last hour (54.7% failed in all, of 150)",
        href: "#provider-errors",
      },
    ]);
  });

  it("ignores a high share of very little traffic", () => {
    expect(
      needsAttention({ providerErrors: [{ ...ACME, requested: 3, rejected: 3, failed: 0, codes: [] }] }),
    ).toEqual([]);
  });

  it("links each paused number to its row, and folds the rest", () => {
    const paused = ["1", "2", "3", "4", "5"].map((n) => ({
      tenantSlug: "acme",
      senderNumberId: `id${n}`,
      displayNumber: `+1555000000${n}`,
    }));
    const items = needsAttention({ paused });
    expect(items.map((i) => i.href)).toEqual([
      "/t/acme/senders#sender-id1",
      "/t/acme/senders#sender-id2",
      "/t/acme/senders#sender-id3",
      "#paused-numbers",
    ]);
    expect(items.at(-1)?.text).toBe("2 more numbers paused");
  });

  it("counts in-doubt sends, held ones making it urgent", () => {
    expect(needsAttention({ inDoubt: [{ handling: "held" }, { handling: "automatic" }] })).toMatchObject([
      { tone: "bad", text: "2 sends in doubt, 1 held for an engineer" },
    ]);
    expect(needsAttention({ inDoubt: [{ handling: "automatic" }] })).toMatchObject([
      { tone: "warn", text: "1 send in doubt, retried automatically" },
    ]);
  });

  it("sums open stall alerts per tenant and reports quarantine; snoozed ones and other kinds wait", () => {
    const items = needsAttention({
      alertCounts: [
        { ...ACME, kind: "message_stalled", status: "open", count: 2 },
        { ...ACME, kind: "stalled_share_jump", status: "open", count: 1 },
        { ...ACME, kind: "message_stalled", status: "snoozed", count: 5 },
        { ...GLOBEX, kind: "endpoint_disabled", status: "open", count: 1 },
      ],
      quarantineOpen: 1,
    });
    expect(items.map((i) => [i.text, i.href])).toEqual([
      ["3 open stall alerts at Acme", "/t/acme/stalled"],
      ["1 webhook item in quarantine", "#quarantine"],
    ]);
  });

  it("is empty while nothing is wrong or nothing is loaded", () => {
    expect(needsAttention({})).toEqual([]);
    expect(needsAttention({ paused: [], inDoubt: [], providerErrors: [], quarantineOpen: 0 })).toEqual([]);
  });
});
