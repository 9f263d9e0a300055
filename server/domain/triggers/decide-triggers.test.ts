// The trigger decision, unit by unit and as a property: whatever the duplication, reordering,
// batching and replay of a message's facts, each event fires at most once, delivered and read
// fire exactly when the final state has them, and delivered never fires after read.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { at, build, receipt, TEST_ERRORS } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "../reconciliation/derive-state";
import { RULES_V1 } from "../reconciliation/rules";
import { decideTriggers, fireOnce, type TTriggerCandidate } from "./decide-triggers";

const snapshot = (events: readonly TLedgerEvent[]) => {
  if (events.length === 0) return null;
  const d = deriveState(events, RULES_V1);
  return { state: d.state, conflictKinds: d.conflicts.map((c) => c.kind) };
};

/** Appends batches the way the ledger does: only facts with a new dedupe key are appended. */
function simulate(batches: readonly (readonly TLedgerEvent[])[], fired = new Set<string>()) {
  const ledger: TLedgerEvent[] = [];
  const keys = new Set<string>();
  const out: TTriggerCandidate[] = [];
  for (const batch of batches) {
    const before = snapshot(ledger);
    const appended: TLedgerEvent[] = [];
    for (const event of batch) {
      if (keys.has(event.dedupeKey)) continue;
      keys.add(event.dedupeKey);
      ledger.push(event);
      appended.push(event);
    }
    const after = snapshot(ledger);
    if (after === null) continue;
    out.push(...fireOnce(fired, decideTriggers({ messageId: "m1", before, after, appended })));
  }
  return { fired: out, ledger };
}

const types = (fired: readonly TTriggerCandidate[]) => fired.map((c) => c.type);

describe("decideTriggers", () => {
  const start = [build.requested(), build.started(1), build.accepted(1)];

  it("fires nothing at request time, accepted only for the provider's acceptance", () => {
    const { fired } = simulate([[build.requested()], [build.started(1)], [build.accepted(1)]]);
    expect(types(fired)).toEqual(["message.accepted"]);
  });

  it("fires delivered once; a duplicate or replay of it fires nothing", () => {
    const delivered = build.status("delivered", { at: 5 });
    const { fired } = simulate([start, [delivered], [receipt(delivered, 1)], [delivered]]);
    expect(types(fired)).toEqual(["message.accepted", "message.delivered"]);
    expect(fired[1]).toMatchObject({ inferred: false, providerTimestamp: at(5) });
  });

  it("a read without delivered fires delivered first, inferred, then read", () => {
    const { fired } = simulate([
      start,
      [build.status("read", { at: 9 })],
      [build.status("delivered", { at: 5 })],
    ]);
    expect(types(fired)).toEqual(["message.accepted", "message.delivered", "message.read"]);
    expect(fired[1]).toMatchObject({ inferred: true, providerTimestamp: at(9) });
  });

  it("delivered after failed fires state_corrected naming failed, then delivered", () => {
    const { fired } = simulate([
      start,
      [build.failed({ at: 3, error: TEST_ERRORS.undeliverable })],
      [build.status("delivered", { at: 5 })],
    ]);
    expect(types(fired)).toEqual([
      "message.accepted",
      "message.failed",
      "message.state_corrected",
      "message.delivered",
    ]);
    expect(fired[2]).toMatchObject({ previousState: "failed", correction: "delivered_after_failed" });
  });

  it("failed after delivered changes nothing the tenant was told", () => {
    const { fired } = simulate([start, [build.status("delivered", { at: 5 })], [build.failed({ at: 6 })]]);
    expect(types(fired)).toEqual(["message.accepted", "message.delivered"]);
  });

  it("a stalled_detected fact fires stalled once per message", () => {
    const { fired } = simulate([start, [build.stalled({ runId: "a" })], [build.stalled({ runId: "b" })]]);
    expect(types(fired)).toEqual(["message.accepted", "message.stalled"]);
  });

  it("a second failure after a retry does not fire failed again", () => {
    const { fired } = simulate([
      start,
      [build.failed({ at: 3 })],
      [build.retry(2)],
      [build.started(2), build.accepted(2)],
      [build.failed({ attempt: 2, at: 30 })],
    ]);
    expect(types(fired).filter((t) => t === "message.failed")).toHaveLength(1);
  });
});

// --- property: exactly-once under duplicated, reordered, batched and replayed webhooks ---

const STATUSES = ["sent", "delivered", "read", "played", "failed"] as const;

const arbPlan = fc.record({
  attempts: fc.array(
    fc.record({
      isAccepted: fc.boolean(),
      statuses: fc.uniqueArray(
        fc.record({ status: fc.constantFrom(...STATUSES), at: fc.integer({ min: 0, max: 10 }) }),
        { selector: (s) => s.status, maxLength: 5 },
      ),
      isDeadLettered: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  isStalled: fc.boolean(),
});

function facts(plan: typeof arbPlan extends fc.Arbitrary<infer T> ? T : never): TLedgerEvent[] {
  const events: TLedgerEvent[] = [build.requested()];
  plan.attempts.forEach((a, i) => {
    const attempt = i + 1;
    if (attempt > 1) events.push(build.retry(attempt));
    events.push(build.started(attempt));
    if (a.isAccepted) events.push(build.accepted(attempt));
    for (const s of a.statuses) {
      events.push(
        s.status === "failed"
          ? build.failed({ attempt, at: s.at })
          : build.status(s.status, { attempt, at: s.at }),
      );
    }
    if (a.isDeadLettered) events.push(build.deadLettered(attempt));
  });
  if (plan.isStalled) events.push(build.stalled());
  return events;
}

/** Every fact received 1-4 times, shuffled, cut into batches, then the whole stream replayed. */
const arbArrivals = arbPlan.chain((plan) => {
  const all = facts(plan);
  return fc
    .array(fc.integer({ min: 1, max: 4 }), { minLength: all.length, maxLength: all.length })
    .chain((copies) => {
      const rows = all.flatMap((e, i) =>
        Array.from({ length: copies[i]! }, (_, n) => (n === 0 ? e : receipt(e, n))),
      );
      return fc.tuple(
        fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rows.length, maxLength: rows.length }),
      );
    })
    .map(([rows, cuts]) => {
      const batches: TLedgerEvent[][] = [];
      let i = 0;
      let c = 0;
      while (i < rows.length) {
        const size = cuts[c++] ?? 1;
        batches.push(rows.slice(i, i + size));
        i += size;
      }
      return { all, batches };
    });
});

describe("trigger firing properties", () => {
  it("each event fires at most once; delivered and read fire exactly when the final state has them, delivered first", () => {
    fc.assert(
      fc.property(arbArrivals, ({ all, batches }) => {
        const fired = new Set<string>();
        const first = simulate(batches, fired);
        // a replay of everything (as after a crash or an operator replay) fires nothing more
        const replay = simulate([...batches, ...batches]);
        expect(replay.fired).toEqual(first.fired);

        const keys = first.fired.map((c) => c.dedupeKey);
        expect(new Set(keys).size).toBe(keys.length);

        const final = deriveState(all, RULES_V1).state;
        const count = (t: string) => first.fired.filter((c) => c.type === t).length;
        expect(count("message.delivered")).toBe(["delivered", "read", "played"].includes(final) ? 1 : 0);
        expect(count("message.read")).toBe(["read", "played"].includes(final) ? 1 : 0);
        expect(count("message.stalled")).toBeLessThanOrEqual(1);
        const order = types(first.fired);
        if (order.includes("message.read"))
          expect(order.indexOf("message.delivered")).toBeLessThan(order.indexOf("message.read"));
        // the same facts in one batch fire the same delivery events
        const whole = types(simulate([all]).fired);
        for (const t of ["message.delivered", "message.read"] as const)
          expect(whole.includes(t)).toBe(order.includes(t));
      }),
      { numRuns: 200 },
    );
  }, 120_000);
});
