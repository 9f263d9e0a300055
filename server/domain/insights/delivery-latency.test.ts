// Time to delivered from a ledger (order-independent, per the accepted attempt) and the fixed
// histogram with its interpolated median.
import { describe, expect, it } from "vitest";
import { at, build, T0 } from "../ledger/build-test-events";
import {
  deliveryLatencyMs,
  LATENCY_BUCKETS,
  latencyBucketOf,
  quantileFromHistogram,
} from "./delivery-latency";

describe("deliveryLatencyMs", () => {
  const accepted = build.accepted(1, { recordedAt: at(1) });

  it("is the earliest delivery proof's provider time minus the acceptance's first receipt", () => {
    const events = [
      build.requested(),
      build.started(1),
      accepted,
      build.status("sent", { at: 3 }),
      build.status("delivered", { at: 6 }),
    ];
    expect(deliveryLatencyMs(events, "delivered")).toBe(5_000);
  });

  it("takes a read that proves delivery earlier than the delivered report, in any arrival order", () => {
    const events = [accepted, build.status("delivered", { at: 40 }), build.status("read", { at: 9 })];
    expect(deliveryLatencyMs(events, "read")).toBe(8_000);
    expect(deliveryLatencyMs([...events].reverse(), "read")).toBe(8_000);
  });

  it("uses the acceptance of the attempt the status names (a retried message)", () => {
    const events = [
      build.accepted(1, { recordedAt: at(1) }),
      build.accepted(2, { recordedAt: at(100) }),
      build.status("delivered", { at: 103, attempt: 2 }),
    ];
    expect(deliveryLatencyMs(events, "delivered")).toBe(3_000);
    // a status whose attempt is unknown counts from the latest accepted attempt
    expect(
      deliveryLatencyMs(
        [...events.slice(0, 2), build.status("delivered", { at: 103, attempt: null })],
        "delivered",
      ),
    ).toBe(3_000);
  });

  it("is null outside delivery states, without a provider time, or without an acceptance", () => {
    const events = [accepted, build.status("delivered", { at: 6 })];
    expect(deliveryLatencyMs(events, "failed")).toBeNull();
    expect(deliveryLatencyMs([accepted, build.status("delivered", { at: null })], "delivered")).toBeNull();
    expect(deliveryLatencyMs([build.status("delivered", { at: 6 })], "delivered")).toBeNull();
  });

  it("clamps sub-second negatives (Meta's whole-second clock) to 0", () => {
    const events = [build.accepted(1, { recordedAt: T0 + 1_700 }), build.status("delivered", { at: 1 })];
    expect(deliveryLatencyMs(events, "delivered")).toBe(0);
  });
});

describe("latency histogram", () => {
  it("puts a latency in the bucket whose upper bound is above it", () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(999)).toBe(0);
    expect(latencyBucketOf(1_000)).toBe(1);
    expect(latencyBucketOf(59_999)).toBe(5);
    expect(latencyBucketOf(86_400_000)).toBe(LATENCY_BUCKETS.length - 1);
  });

  it("interpolates the median inside its bucket and answers null when empty", () => {
    const counts = LATENCY_BUCKETS.map(() => 0);
    expect(quantileFromHistogram(counts, 0.5)).toBeNull();
    counts[2] = 10; // 2-5 s
    expect(quantileFromHistogram(counts, 0.5)).toBe(3_500);
    counts[0] = 10; // < 1 s
    expect(quantileFromHistogram(counts, 0.5)).toBe(1_000);
    expect(quantileFromHistogram(counts, 0.25)).toBe(500);
    expect(quantileFromHistogram(counts, 1)).toBe(5_000);
  });

  it("answers the open last bucket's lower bound", () => {
    const counts = LATENCY_BUCKETS.map(() => 0);
    counts[LATENCY_BUCKETS.length - 1] = 3;
    expect(quantileFromHistogram(counts, 0.5)).toBe(86_400_000);
  });
});
