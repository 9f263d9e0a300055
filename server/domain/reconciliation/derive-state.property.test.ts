// Property tests: for random ledgers, the derivation must not care about arrival order or about
// duplicate receipts, and must stay consistent with its own rules.

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { build, receipt, TEST_ERRORS } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "./derive-state";
import { DELIVERY_STATES, type TMessageState } from "./message-state";
import { RULES_V1 } from "./rules";

const STATUSES = ["sent", "delivered", "read", "played", "failed"] as const;
type TStatus = (typeof STATUSES)[number];

const arbStatus = fc.record({
  status: fc.constantFrom(...STATUSES),
  // Whole seconds in a narrow range: equal timestamps (ties) are common, as with Meta's.
  at: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
  isUnattributed: fc.boolean(),
});

const arbAttempt = fc.record({
  outcome: fc.constantFrom("none", "accepted", "rejected", "both"),
  statuses: fc.uniqueArray(arbStatus, { selector: (s) => s.status, maxLength: 5 }),
  isDeadLettered: fc.boolean(),
});

const INERT = ["annotation", "stalled", "recomputed", "manual_cancel", "manual_retry"] as const;

const arbPlan = fc.record({
  hasRequested: fc.boolean(),
  attempts: fc.array(arbAttempt, { maxLength: 3 }),
  hasTrailingRetry: fc.boolean(),
  cancels: fc.integer({ min: 0, max: 2 }),
  inert: fc.subarray([...INERT]),
});
type TPlan = typeof arbPlan extends fc.Arbitrary<infer T> ? T : never;

/** One event per fact, in a natural order. */
function buildLedger(plan: TPlan): TLedgerEvent[] {
  const events: TLedgerEvent[] = [];
  if (plan.hasRequested) events.push(build.requested());
  plan.attempts.forEach((attemptPlan, index) => {
    const attempt = index + 1;
    if (attempt > 1) events.push(build.retry(attempt));
    events.push(build.started(attempt));
    if (attemptPlan.outcome === "accepted" || attemptPlan.outcome === "both")
      events.push(build.accepted(attempt));
    if (attemptPlan.outcome === "rejected" || attemptPlan.outcome === "both")
      events.push(build.rejected(attempt));
    for (const { status, at, isUnattributed } of attemptPlan.statuses) {
      events.push(
        statusEvent(status, { attempt: isUnattributed ? null : attempt, at, wamid: `wamid.A${attempt}` }),
      );
    }
    if (attemptPlan.isDeadLettered) events.push(build.deadLettered(attempt));
  });
  if (plan.hasTrailingRetry) events.push(build.retry(plan.attempts.length + 1, { error: null }));
  for (let i = 0; i < plan.cancels; i += 1) events.push(build.cancelled({ requestId: `req_${i}` }));
  for (const kind of plan.inert) events.push(inertEvent(kind));
  return events;
}

function statusEvent(
  status: TStatus,
  o: { attempt: number | null; at: number | null; wamid: string },
): TLedgerEvent {
  return status === "failed"
    ? build.failed({ ...o, error: TEST_ERRORS.undeliverable })
    : build.status(status, o);
}

function inertEvent(kind: (typeof INERT)[number]): TLedgerEvent {
  switch (kind) {
    case "annotation":
      return build.annotation();
    case "stalled":
      return build.stalled();
    case "recomputed":
      return build.recomputed();
    case "manual_cancel":
      return build.manual("cancel");
    case "manual_retry":
      return build.manual("retry");
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The ledger as stored: each fact received 1-5 times (later receipts, new row ids), shuffled. */
const arbArrivals = arbPlan.chain((plan) => {
  const facts = buildLedger(plan);
  return fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: facts.length, maxLength: facts.length }),
      fc.array(fc.integer({ min: 1, max: 3 * 86_400_000 }), {
        minLength: facts.length,
        maxLength: facts.length,
      }),
    )
    .chain(([copies, delays]) => {
      const rows = facts.flatMap((event, i) =>
        Array.from({ length: copies[i]! }, (_, n) => (n === 0 ? event : receipt(event, n, delays[i]))),
      );
      return fc
        .shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length })
        .map((arrivals) => ({ facts, arrivals }));
    });
});

const derive = (events: readonly TLedgerEvent[]) => deriveState(events, RULES_V1);
const isDeliveryState = (state: TMessageState) =>
  (DELIVERY_STATES as readonly TMessageState[]).includes(state);

describe("deriveState properties", () => {
  it("every arrival order and any duplication (1-5x) gives the same derivation", () => {
    fc.assert(
      fc.property(arbArrivals, ({ facts, arrivals }) => {
        // The whole result: state, decider, explanation, conflicts, timeline, since.
        expect(derive(arrivals)).toEqual(derive(facts));
      }),
      { numRuns: 1000 },
    );
    // a thousand runs: minutes' worth on a loaded machine, not a timing assertion
  }, 120_000);

  it("recordedAt decides nothing: re-timing every receipt changes only `since`", () => {
    fc.assert(
      fc.property(
        arbArrivals,
        fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 200, maxLength: 200 }),
        ({ arrivals }, times) => {
          const retimed = arrivals.map((event, i) => ({ ...event, recordedAt: times[i % times.length]! }));
          expect({ ...derive(retimed), since: null }).toEqual({ ...derive(arrivals), since: null });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the timeline is a chain of real changes that ends in the derived state", () => {
    fc.assert(
      fc.property(arbArrivals, ({ arrivals }) => {
        const derived = derive(arrivals);
        const last = derived.transitions[derived.transitions.length - 1];
        if (derived.decider === null) expect(derived.state).toBe("queued");
        else expect(last?.to).toBe(derived.state);
        for (const [i, transition] of derived.transitions.entries()) {
          expect(transition.from).toBe(i === 0 ? null : derived.transitions[i - 1]!.to);
          expect(transition.to).not.toBe(transition.from);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("delivery evidence anywhere means a delivery state, never below the best evidence (R5, R7)", () => {
    const rank: Partial<Record<TMessageState, number>> = { delivered: 1, read: 2, played: 3 };
    fc.assert(
      fc.property(arbArrivals, ({ facts }) => {
        const derived = derive(facts);
        const evidence = facts.flatMap((event) =>
          event.type === "status_delivered"
            ? ["delivered" as const]
            : event.type === "status_read"
              ? ["read" as const]
              : event.type === "status_played"
                ? ["played" as const]
                : [],
        );
        if (evidence.length === 0) {
          expect(isDeliveryState(derived.state)).toBe(false);
          return;
        }
        expect(isDeliveryState(derived.state)).toBe(true);
        expect(rank[derived.state]).toBe(Math.max(...evidence.map((state) => rank[state]!)));
      }),
      { numRuns: 300 },
    );
  });

  it("a cancel is honoured exactly when no provider had the message (R9)", () => {
    fc.assert(
      fc.property(arbArrivals, ({ facts }) => {
        const withoutCancel = derive(facts.filter((event) => event.type !== "cancelled"));
        const derived = derive(facts);
        const hasCancel = facts.some((event) => event.type === "cancelled");
        const isCancellable = (RULES_V1.cancellableStates as readonly TMessageState[]).includes(
          withoutCancel.state,
        );
        expect(derived.state).toBe(hasCancel && isCancellable ? "cancelled" : withoutCancel.state);
        expect(derived.conflicts.some((c) => c.kind === "cancel_not_honoured")).toBe(
          hasCancel && !isCancellable,
        );
      }),
      { numRuns: 300 },
    );
  });
});
