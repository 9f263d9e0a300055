// The heatmap's colour scale, legend, ticks and words.
import { describe, expect, it } from "vitest";
import {
  describeCell,
  formatColumnRange,
  formatColumnTime,
  formatUtcRange,
  HEAT_COLORS,
  heatScale,
  tickColumns,
} from "./heatmap";

const cell = (failures: number, messages: number) => ({ column: 0, failures, messages });

describe("heatScale", () => {
  it("tells nothing sent, sent without failures and failures apart", () => {
    const scale = heatScale([cell(10, 20)], "failures");
    expect(scale.colorOf(null)).toBe(HEAT_COLORS.empty);
    expect(scale.colorOf(cell(0, 0))).toBe(HEAT_COLORS.empty);
    expect(scale.colorOf(cell(0, 5))).toBe(HEAT_COLORS.clean);
    expect(scale.colorOf(cell(1, 5))).toBe(HEAT_COLORS.steps[0]);
    expect(scale.colorOf(cell(10, 20))).toBe(HEAT_COLORS.steps[4]);
  });

  it("labels whole-message steps up to the maximum", () => {
    expect(heatScale([cell(10, 20)], "failures").legend.map((l) => l.label)).toEqual([
      "No messages",
      "No failures",
      "1–2",
      "3–4",
      "5–6",
      "7–8",
      "9–10",
    ]);
    // few failures: no empty or repeated steps
    expect(heatScale([cell(2, 3)], "failures").legend.map((l) => l.label)).toEqual([
      "No messages",
      "No failures",
      "1",
      "2",
    ]);
    expect(heatScale([], "failures").legend).toHaveLength(2);
  });

  it("colours by share of messages with the rate metric", () => {
    const scale = heatScale([cell(1, 2), cell(1, 10)], "rate");
    expect(scale.valueOf(cell(1, 2))).toBe(0.5);
    expect(scale.colorOf(cell(1, 2))).toBe(HEAT_COLORS.steps[4]);
    expect(scale.colorOf(cell(1, 10))).toBe(HEAT_COLORS.steps[0]);
    expect(scale.legend.at(-1)!.label).toBe("≤ 50 %");
  });
});

describe("axis and words", () => {
  it("labels at most `max` evenly spaced columns", () => {
    expect(tickColumns(48, 8)).toEqual([0, 6, 12, 18, 24, 30, 36, 42]);
    expect(tickColumns(3, 8)).toEqual([0, 1, 2]);
    expect(tickColumns(0, 8)).toEqual([]);
  });

  it("formats times in the given zone, with UTC for the hover", () => {
    const start = new Date(Date.UTC(2026, 2, 2, 9, 0));
    expect(formatColumnTime(start, 30, "UTC")).toBe("09:00");
    expect(formatColumnTime(start, 30, "Asia/Kolkata")).toBe("14:30");
    expect(formatColumnTime(start, 1440, "UTC")).toBe("2 Mar");
    expect(formatColumnRange(start, 30, "UTC")).toBe("Mon 2 Mar, 09:00–09:30");
    expect(formatUtcRange(start, 30)).toBe("2026-03-02 09:00 – 2026-03-02 09:30 UTC");
  });

  it("describes a cell in words", () => {
    expect(describeCell(cell(2, 3))).toBe("2 failures of 3 messages (67 %)");
    expect(describeCell(cell(1, 400))).toBe("1 failure of 400 messages (0.3 %)");
    expect(describeCell(cell(0, 3))).toBe("3 messages, no failures");
    expect(describeCell(null)).toBe("no messages");
  });
});
