// From rollup rows to the console's figures: totals and rates, series per column, failures by
// code with their states, the latency median, and the three heatmaps' rows.
import { describe, expect, it } from "vitest";
import {
  heatmapByErrorCode,
  heatmapBySender,
  heatmapByTemplate,
  summarizeSenders,
  summarizeTotals,
  templateTotals,
  type TOutcomeRow,
} from "./summarize";
import { windowRange } from "./windows";

const NOW = Date.UTC(2026, 2, 10, 14, 47);
const range = windowRange("24h", NOW);
const col = (i: number) => range.columns[i]!;
const rows: TOutcomeRow[] = [
  { senderNumberId: "a", bucketStartMs: col(0), state: "read", errorCode: "", messages: 6 },
  { senderNumberId: "a", bucketStartMs: col(0), state: "failed", errorCode: "131026", messages: 2 },
  { senderNumberId: "a", bucketStartMs: col(47), state: "dead_lettered", errorCode: "131047", messages: 1 },
  { senderNumberId: "a", bucketStartMs: col(47), state: "sent", errorCode: "", messages: 1 },
  { senderNumberId: "b", bucketStartMs: col(47), state: "failed", errorCode: "131026", messages: 3 },
  { senderNumberId: "b", bucketStartMs: col(47), state: "delivered", errorCode: "131000", messages: 1 },
  // outside the window: ignored
  { senderNumberId: "a", bucketStartMs: range.toMs, state: "failed", errorCode: "131026", messages: 50 },
];

describe("summarizeSenders", () => {
  const result = summarizeSenders(range, ["a", "b", "quiet"], rows, [
    { senderNumberId: "a", latencyBucket: 2, messages: 6 },
  ]);

  it("totals and rates per number; a quiet number has zeros and no rates", () => {
    expect(result.get("a")!.totals).toEqual({
      messages: 10,
      delivered: 6,
      failed: 3,
      inFlight: 1,
      cancelled: 0,
      deliveryRate: 0.6,
      failureRate: 0.3,
    });
    expect(result.get("quiet")!.totals.deliveryRate).toBeNull();
    expect(result.get("quiet")!.series).toHaveLength(48);
  });

  it("one series point per column", () => {
    const series = result.get("a")!.series;
    expect(series[0]).toMatchObject({ bucketStartMs: col(0), messages: 8, delivered: 6, failed: 2 });
    expect(series[47]).toMatchObject({ messages: 2, failed: 1, inFlight: 1 });
  });

  it("failures by code with the states they ended in, most first; a delivered message's old error is not a failure", () => {
    expect(result.get("a")!.failuresByCode).toEqual([
      { code: "131026", messages: 2, byState: { failed: 2, dead_lettered: 0, rejected: 0 } },
      { code: "131047", messages: 1, byState: { failed: 0, dead_lettered: 1, rejected: 0 } },
    ]);
    expect(result.get("b")!.failuresByCode.map((c) => c.code)).toEqual(["131026"]);
  });

  it("the latency median from the histogram", () => {
    expect(result.get("a")!.latency).toMatchObject({ counted: 6, medianMs: 3_500 });
    expect(result.get("b")!.latency).toMatchObject({ counted: 0, medianMs: null });
  });

  it("tenant totals add every number", () => {
    expect(summarizeTotals(rows.slice(0, 6))).toMatchObject({ messages: 14, delivered: 7, failed: 6 });
  });
});

describe("heatmaps", () => {
  it("by sender: a row per listed sender, sparse cells with failures by state", () => {
    const result = heatmapBySender(range, ["a", "b", "quiet"], rows);
    expect(result.map((r) => [r.key, r.failures, r.messages])).toEqual([
      ["a", 3, 10],
      ["b", 3, 4],
      ["quiet", 0, 0],
    ]);
    expect(result[0]!.cells).toEqual([
      { column: 0, messages: 8, failures: 2, byState: { failed: 2, dead_lettered: 0, rejected: 0 } },
      { column: 47, messages: 2, failures: 1, byState: { failed: 0, dead_lettered: 1, rejected: 0 } },
    ]);
  });

  it("by error code: failures only, against everything sent in the column", () => {
    const result = heatmapByErrorCode(range, rows);
    expect(result.map((r) => [r.key, r.failures])).toEqual([
      ["131026", 5],
      ["131047", 1],
    ]);
    // a column with messages but no 131047 failure is a cell of its own ("none failed so")
    expect(result[1]!.cells).toEqual([
      { column: 0, messages: 8, failures: 0, byState: { failed: 0, dead_lettered: 0, rejected: 0 } },
      { column: 47, messages: 6, failures: 1, byState: { failed: 0, dead_lettered: 1, rejected: 0 } },
    ]);
    expect(result[0]!.cells).toEqual([
      { column: 0, messages: 8, failures: 2, byState: { failed: 2, dead_lettered: 0, rejected: 0 } },
      { column: 47, messages: 6, failures: 3, byState: { failed: 3, dead_lettered: 0, rejected: 0 } },
    ]);
  });

  it("by template: the most failing first, the rest counted", () => {
    const t = [
      { templateName: "x", bucketStartMs: col(1), state: "failed" as const, messages: 1 },
      { templateName: "y", bucketStartMs: col(1), state: "read" as const, messages: 9 },
      { templateName: "", bucketStartMs: col(2), state: "read" as const, messages: 2 },
    ];
    const result = heatmapByTemplate(range, t, 2);
    expect(result.rows.map((r) => r.key)).toEqual(["x", "y"]);
    expect(result.omitted).toBe(1);
    expect(templateTotals(t).get("x")).toEqual({ messages: 1, failed: 1 });
  });
});
