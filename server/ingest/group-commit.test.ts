// Group commit: items submitted together share one flush, each caller gets its own outcome only
// once that flush returned, a failed flush fails exactly its callers, and limits are kept.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createGroupCommitter } from "./group-commit";

type TGate = { promise: Promise<void>; open: () => void };
function gate(): TGate {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function recordingFlush(gates: TGate[] = []) {
  const flushes: number[][] = [];
  const flush = async (items: readonly number[]) => {
    const index = flushes.length;
    flushes.push([...items]);
    await gates[index]?.promise;
    return items.map((i) => i * 10);
  };
  return { flushes, flush };
}

const options = { maxItems: 100, maxWeight: 1_000, weightOf: () => 1, maxInFlight: 2 };

describe("createGroupCommitter", () => {
  it("writes items submitted in one turn of the event loop with one flush, each caller its own outcome", async () => {
    const { flushes, flush } = recordingFlush();
    const committer = createGroupCommitter(flush, options);
    const outcomes = await Promise.all([1, 2, 3, 4].map((i) => committer.submit(i)));
    expect(outcomes).toEqual([10, 20, 30, 40]);
    expect(flushes).toEqual([[1, 2, 3, 4]]);
  });

  it("settles no caller before its flush returned, and queues the next items while slots are busy", async () => {
    const first = gate();
    const { flushes, flush } = recordingFlush([first]);
    const committer = createGroupCommitter(flush, { ...options, maxInFlight: 1 });
    let settled = 0;
    const a = committer.submit(1).then((o) => ((settled += 1), o));
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((i) => committer.submit(i).then((o) => ((settled += 1), o)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toEqual([[1]]);
    expect(committer.queued()).toBe(3);
    expect(settled).toBe(0);
    first.open();
    expect(await a).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
  });

  it("fails exactly the callers of a failed flush", async () => {
    let calls = 0;
    const committer = createGroupCommitter(
      async (items: readonly number[]) => {
        calls += 1;
        if (items.includes(2)) throw new Error("database gone");
        return items.map((i) => i);
      },
      { ...options, maxItems: 2 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((i) => committer.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect(calls).toBe(2);
  });

  it("drain waits until every submitted item is settled", async () => {
    const first = gate();
    const { flush } = recordingFlush([first]);
    const committer = createGroupCommitter(flush, options);
    let isDone = false;
    void committer.submit(1).then(() => (isDone = true));
    const drained = committer.drain().then(() => isDone);
    first.open();
    expect(await drained).toBe(true);
    expect(committer.inFlight() + committer.queued()).toBe(0);
  });

  it("keeps every flush within maxItems and maxWeight (one heavy item still goes alone), in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 4 }),
        async (weights, maxItems, maxWeight, maxInFlight) => {
          const flushes: number[][] = [];
          let running = 0;
          let maxRunning = 0;
          const committer = createGroupCommitter(
            async (items: readonly number[]) => {
              running += 1;
              maxRunning = Math.max(maxRunning, running);
              flushes.push([...items]);
              await new Promise((resolve) => setImmediate(resolve));
              running -= 1;
              return items.map((i) => -i);
            },
            { maxItems, maxWeight, weightOf: (i) => weights[i]!, maxInFlight },
          );
          const outcomes = await Promise.all(weights.map((_, i) => committer.submit(i)));
          expect(outcomes).toEqual(weights.map((_, i) => -i));
          expect(flushes.flat()).toEqual(weights.map((_, i) => i));
          expect(maxRunning).toBeLessThanOrEqual(maxInFlight);
          for (const f of flushes) {
            expect(f.length).toBeLessThanOrEqual(maxItems);
            const weight = f.reduce((sum, i) => sum + weights[i]!, 0);
            if (f.length > 1) expect(weight).toBeLessThanOrEqual(maxWeight);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
