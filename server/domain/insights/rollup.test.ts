// Rollup deltas: a message's change is -1 under its old key and +1 under its new one; nothing when
// the key did not change; the key is the 15-minute send cohort, sender, template, state, error
// code and time-to-delivered bucket.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MESSAGE_STATES } from "../reconciliation/message-state";
import { bucketStartMs, outcomeOf, rollupDeltas, rollupKeyOf, type TRollupFacts } from "./rollup";

const T = Date.UTC(2026, 2, 2, 9, 7, 31, 250);
const facts: TRollupFacts = {
  createdAtMs: T,
  senderNumberId: "s1",
  templateName: "order_update",
  state: "accepted",
  errorCode: null,
  deliveryLatencyMs: null,
};

describe("rollup keys", () => {
  it("buckets the send time to 15 minutes from the epoch (UTC); '' and -1 stand for none", () => {
    expect(bucketStartMs(T, 15)).toBe(Date.UTC(2026, 2, 2, 9, 0));
    expect(bucketStartMs(Date.UTC(2026, 2, 2, 9, 15), 15)).toBe(Date.UTC(2026, 2, 2, 9, 15));
    expect(bucketStartMs(T, 1440)).toBe(Date.UTC(2026, 2, 2));
    expect(rollupKeyOf({ ...facts, templateName: null })).toEqual({
      bucketStartMs: Date.UTC(2026, 2, 2, 9, 0),
      senderNumberId: "s1",
      templateName: "",
      state: "accepted",
      errorCode: "",
      latencyBucket: -1,
    });
    expect(rollupKeyOf({ ...facts, state: "delivered", deliveryLatencyMs: 3_000 }).latencyBucket).toBe(2);
  });
});

describe("rollupDeltas", () => {
  it("moves a message from its old key to its new one", () => {
    const after = { ...facts, state: "failed" as const, errorCode: "131026" };
    expect(rollupDeltas(facts, after)).toEqual([
      { ...rollupKeyOf(facts), delta: -1 },
      { ...rollupKeyOf(after), delta: 1 },
    ]);
  });

  it("writes nothing when the key is unchanged (a duplicate, an annotation, a latency in the same bucket)", () => {
    expect(rollupDeltas(facts, { ...facts })).toEqual([]);
    const delivered = { ...facts, state: "delivered" as const, deliveryLatencyMs: 2_100 };
    expect(rollupDeltas(delivered, { ...delivered, deliveryLatencyMs: 4_900 })).toEqual([]);
    expect(rollupDeltas(delivered, { ...delivered, deliveryLatencyMs: 5_000 })).toHaveLength(2);
  });

  it("counts a new message once and a removed one out", () => {
    expect(rollupDeltas(null, facts)).toEqual([{ ...rollupKeyOf(facts), delta: 1 }]);
    expect(rollupDeltas(facts, null)).toEqual([{ ...rollupKeyOf(facts), delta: -1 }]);
    expect(rollupDeltas(null, null)).toEqual([]);
  });

  it("sums to the final key over any sequence of changes (the fold's invariant)", () => {
    const state = fc.constantFrom(...MESSAGE_STATES);
    const step = fc.record({
      state,
      errorCode: fc.constantFrom(null, "131026", "131049"),
      deliveryLatencyMs: fc.constantFrom(null, 500, 9_000, 90_000_000),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const counts = new Map<string, number>();
        let current: TRollupFacts | null = null;
        for (const s of [{ state: "queued" as const, errorCode: null, deliveryLatencyMs: null }, ...steps]) {
          const next: TRollupFacts = { ...facts, ...s };
          for (const d of rollupDeltas(current, next)) {
            const { delta, ...key } = d;
            const k = JSON.stringify(key);
            counts.set(k, (counts.get(k) ?? 0) + delta);
          }
          current = next;
        }
        const nonZero = [...counts.entries()].filter(([, n]) => n !== 0);
        expect(nonZero).toEqual([[JSON.stringify(rollupKeyOf(current!)), 1]]);
      }),
    );
  });
});

describe("outcome classes", () => {
  it("puts every state in exactly one class", () => {
    expect(MESSAGE_STATES.map((s) => [s, outcomeOf(s)])).toEqual([
      ["queued", "in_flight"],
      ["submitting", "in_flight"],
      ["accepted", "in_flight"],
      ["sent", "in_flight"],
      ["delivered", "delivered"],
      ["read", "delivered"],
      ["played", "delivered"],
      ["failed", "failed"],
      ["rejected", "failed"],
      ["retrying", "in_flight"],
      ["dead_lettered", "failed"],
      ["cancelled", "cancelled"],
    ]);
  });
});
