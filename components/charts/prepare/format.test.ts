import { describe, expect, it } from "vitest";
import { formatDuration, formatPercent } from "./format";

describe("formats", () => {
  it("durations", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(4_250)).toBe("4.3 s");
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(150_000)).toBe("2.5 min");
    expect(formatDuration(5_400_000)).toBe("1.5 h");
    expect(formatDuration(86_400_000 * 2)).toBe("2.0 d");
  });

  it("percentages", () => {
    expect(formatPercent(null)).toBe("—");
    expect(formatPercent(0.9387)).toBe("94 %");
    expect(formatPercent(0.005)).toBe("0.5 %");
    expect(formatPercent(0)).toBe("0 %");
  });
});
