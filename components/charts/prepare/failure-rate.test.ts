import { describe, expect, it } from "vitest";
import { failureRateSeries } from "./failure-rate";

const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));

describe("failureRateSeries", () => {
  it("the share of a period's messages that failed; an empty period is a gap, not a zero", () => {
    expect(
      failureRateSeries([
        { bucketStart: at(0), delivered: 6, inFlight: 1, failed: 2, cancelled: 1 },
        { bucketStart: at(1), delivered: 0, inFlight: 0, failed: 0, cancelled: 0 },
        { bucketStart: at(2), delivered: 4, inFlight: 0, failed: 0, cancelled: 0 },
      ]),
    ).toEqual([
      { bucketStart: at(0), rate: 0.2, failed: 2, total: 10 },
      { bucketStart: at(1), rate: null, failed: 0, total: 0 },
      { bucketStart: at(2), rate: 0, failed: 0, total: 4 },
    ]);
  });
});
