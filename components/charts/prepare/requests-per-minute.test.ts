import { describe, expect, it } from "vitest";
import { prepareRequestsPerMinute, summarizeRequests } from "./requests-per-minute";

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const MIN = 60_000;

describe("prepareRequestsPerMinute", () => {
  it("fills every minute of the window, stacking statuses, and drops rows outside it", () => {
    const buckets = prepareRequestsPerMinute(
      [
        { minute: new Date(T0), status: "processed", n: 3 },
        { minute: new Date(T0), status: "quarantined", n: 1 },
        { minute: new Date(T0 + 2 * MIN), status: "pending", n: 2 },
        { minute: new Date(T0 + 5 * MIN), status: "processed", n: 9 },
      ],
      new Date(T0 + 20_000),
      3,
    );
    expect(buckets).toEqual([
      { minute: T0, processed: 3, quarantined: 1, failed: 0, pending: 0, total: 4 },
      { minute: T0 + MIN, processed: 0, quarantined: 0, failed: 0, pending: 0, total: 0 },
      { minute: T0 + 2 * MIN, processed: 0, quarantined: 0, failed: 0, pending: 2, total: 2 },
    ]);
    expect(summarizeRequests(buckets)).toEqual({ total: 6, peak: buckets[0] });
  });

  it("summarizes an empty window without a peak", () => {
    expect(summarizeRequests(prepareRequestsPerMinute([], new Date(T0), 60))).toEqual({
      total: 0,
      peak: null,
    });
  });
});
