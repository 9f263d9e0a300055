// The timeline's pure helpers: durations in words, and masking numbers in raw JSON.
import { describe, expect, it } from "vitest";
import { describeLag, formatDuration, maskJson } from "./message-timeline";

describe("formatDuration / describeLag", () => {
  it("says how late an event arrived, in the largest sensible unit", () => {
    expect(formatDuration(400)).toBe("0.4 s");
    expect(formatDuration(20_000)).toBe("20 s");
    expect(formatDuration(12 * 60_000)).toBe("12 min");
    expect(formatDuration(5 * 3_600_000)).toBe("5 h");
    expect(formatDuration(3 * 86_400_000)).toBe("3 days");
    expect(describeLag(4_000)).toBe("received 4 s after the provider's time");
    expect(describeLag(-2_000)).toBe("provider clock 2 s ahead of ours");
  });
});

describe("maskJson", () => {
  it("masks the recipient anywhere and numbers under phone keys, and nothing else", () => {
    const masked = maskJson(
      {
        to: "447700900123",
        template: { name: "order_update", components: [{ parameters: [{ text: "+447700900123" }] }] },
        statuses: [{ recipient_id: "15551234567", id: "wamid.X", timestamp: "1700000000" }],
        contacts: [{ wa_id: "15559876543" }],
        count: 3,
        note: null,
      },
      "447700900123",
    );
    expect(masked).toEqual({
      to: "+4477••••0123",
      template: { name: "order_update", components: [{ parameters: [{ text: "+4477••••0123" }] }] },
      statuses: [{ recipient_id: "+1555•••4567", id: "wamid.X", timestamp: "1700000000" }],
      contacts: [{ wa_id: "+1555•••6543" }],
      count: 3,
      note: null,
    });
  });
});
