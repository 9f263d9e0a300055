// Property tests of the incremental derivation: folding the receipts of a ledger one by one (as
// the batched append does, across any number of batches and a jsonb round trip between them)
// derives exactly what deriveState derives over the stored chain, for every rules version this
// build knows (a new version in rules.ts is covered without touching this file).

import crypto from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { build, receipt, TEST_ERRORS } from "../ledger/build-test-events";
import { factContent } from "../ledger/group-receipts";
import { appendToChain, type TChainedEvent } from "../ledger/hash-chain";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "./derive-state";
import { deriveFolded, emptyFoldState, fold, foldedEvents, usableFoldState, type TFoldState } from "./fold";
import { projectMessageFacts } from "./project-message";
import { ALL_RULES } from "./rules";

const sha = (s: string) => crypto.createHash("sha256").update(s, "utf8").digest("hex");
const MESSAGE_ID = "msg_1";

/** Every kind of fact a ledger can hold, over two attempts, some statuses unattributed. */
function factPool(): TLedgerEvent[] {
  return [
    build.requested(),
    build.started(1),
    build.accepted(1),
    build.rejected(1),
    build.status("sent", { attempt: 1, at: 1 }),
    build.status("delivered", { attempt: null, at: 3, wamid: "wamid.A1" }),
    build.status("read", { attempt: 1, at: 3 }),
    build.failed({ attempt: 1, at: 2, error: TEST_ERRORS.undeliverable }),
    build.deadLettered(1),
    build.retry(2),
    build.started(2),
    build.accepted(2),
    build.status("sent", { attempt: 2, at: 5 }),
    build.status("played", { attempt: null, at: 6, wamid: "wamid.A2" }),
    build.failed({ attempt: 2, at: 5 }),
    build.deadLettered(2, { error: null }),
    build.cancelled({ requestId: "req_1" }),
    build.cancelled({ requestId: "req_2" }),
    build.manual("retry"),
    build.annotation(),
    build.stalled(),
    build.recomputed(),
  ];
}

type TArrival = { event: TLedgerEvent; isDivergent: boolean };

/**
 * Receipts as they may arrive: a subset of the facts in any order, some received again later
 * (same content) and some re-sent with other content under the same key (divergent duplicates),
 * cut into batches at arbitrary points.
 */
const arbLedger = fc
  .subarray(factPool(), { minLength: 0 })
  .chain((facts) =>
    fc.tuple(
      fc.constant(facts),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: facts.length, maxLength: facts.length }),
      fc.array(fc.boolean(), { minLength: facts.length, maxLength: facts.length }),
    ),
  )
  .chain(([facts, copies, divergent]) => {
    const arrivals: TArrival[] = facts.flatMap((event, i) => [
      { event, isDivergent: false },
      ...Array.from({ length: copies[i]! }, (_, n) => ({
        event:
          divergent[i] && n === 0
            ? { ...receipt(event, n + 1), providerTimestamp: (event.providerTimestamp ?? 0) + 1_000 }
            : receipt(event, n + 1),
        isDivergent: Boolean(divergent[i] && n === 0),
      })),
    ]);
    return fc
      .tuple(
        fc.shuffledSubarray(arrivals, { minLength: arrivals.length, maxLength: arrivals.length }),
        fc.array(fc.integer({ min: 0, max: Math.max(arrivals.length, 1) }), { maxLength: 4 }),
      )
      .map(([shuffled, cuts]) => ({ arrivals: shuffled.map((a) => a.event), cuts }));
  });

/** The chain the ledger stores for these arrivals: each dedupeKey's first receipt, linked. */
function storedChain(arrivals: readonly TLedgerEvent[]): TChainedEvent[] {
  const seen = new Set<string>();
  const chain: TChainedEvent[] = [];
  for (const event of arrivals) {
    if (seen.has(event.dedupeKey)) continue;
    seen.add(event.dedupeKey);
    chain.push(appendToChain(chain.at(-1)?.hash ?? emptyFoldState(1).headHash, event, sha));
  }
  return chain;
}

/** Folds the arrivals as the append does; between batches the state goes through JSON (jsonb). */
function foldInBatches(arrivals: readonly TLedgerEvent[], cuts: readonly number[], rulesVersion: number) {
  const cutSet = new Set(cuts);
  let state: TFoldState = emptyFoldState(rulesVersion);
  for (const [i, event] of arrivals.entries()) {
    if (cutSet.has(i)) state = JSON.parse(JSON.stringify(state)) as TFoldState;
    const chained = appendToChain(state.headHash, event, sha);
    state = fold(state, chained, sha(factContent(event)));
  }
  return state;
}

describe.each(ALL_RULES.map((rules) => [rules.version, rules] as const))("fold, rules v%i", (_v, rules) => {
  it("folding any receipts in any batches derives what deriveState derives over the chain", () => {
    fc.assert(
      fc.property(arbLedger, ({ arrivals, cuts }) => {
        const chain = storedChain(arrivals);
        const state = foldInBatches(arrivals, cuts, rules.version);
        expect(deriveFolded(state, MESSAGE_ID, rules)).toEqual(deriveState(chain, rules));
        // the chain's head and length, which the next append links to
        expect(state.headHash).toBe(chain.at(-1)?.hash ?? emptyFoldState(1).headHash);
        expect(state.eventCount).toBe(chain.length);
        // the row's other projected facts
        expect(
          projectMessageFacts(foldedEvents(state, MESSAGE_ID), deriveFolded(state, MESSAGE_ID, rules)),
        ).toEqual(projectMessageFacts(chain, deriveState(chain, rules)));
        // a stored state of this shape and rules is taken up as it is
        expect(usableFoldState(JSON.parse(JSON.stringify(state)), rules)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("a receipt of a fact already folded changes nothing; its content hash tells a divergent one", () => {
    fc.assert(
      fc.property(arbLedger, ({ arrivals }) => {
        const state = foldInBatches(arrivals, [], rules.version);
        for (const event of arrivals) {
          const again = receipt(event, 9);
          expect(fold(state, appendToChain(state.headHash, again, sha), sha(factContent(again)))).toBe(state);
          const held = state.facts.find((f) => f.e.dedupeKey === event.dedupeKey)!;
          const first = arrivals.find((a) => a.dedupeKey === event.dedupeKey)!;
          expect(held.h === sha(factContent(event))).toBe(factContent(first) === factContent(event));
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe("usableFoldState", () => {
  it("sends a missing state, another shape version or another rules version to the full path", () => {
    const rules = ALL_RULES[0]!;
    expect(usableFoldState(null, rules)).toBeNull();
    expect(usableFoldState({ ...emptyFoldState(rules.version), v: 0 }, rules)).toBeNull();
    expect(usableFoldState(emptyFoldState(rules.version + 1), rules)).toBeNull();
    expect(usableFoldState({ ...emptyFoldState(rules.version), eventCount: 2 }, rules)).toBeNull();
    expect(usableFoldState(emptyFoldState(rules.version), rules)).toEqual(emptyFoldState(rules.version));
  });
});
