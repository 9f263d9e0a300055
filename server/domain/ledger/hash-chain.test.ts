// Tests may use node:crypto (tests are not domain code); the domain only ever sees the injected hash.
import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { acceptedPipeline, build, receipt } from "./build-test-events";
import {
  appendToChain,
  chainEvents,
  computeEventHash,
  GENESIS_HASH,
  headHash,
  verifyChain,
  type TChainedEvent,
} from "./hash-chain";
import type { TLedgerEvent } from "./ledger-event";

const sha256 = (input: string): string => createHash("sha256").update(input, "utf8").digest("hex");

function ledger(): TLedgerEvent[] {
  const read = build.status("read", { at: 10 });
  return [
    ...acceptedPipeline(),
    build.status("sent", { at: 1 }),
    build.failed({ at: 7 }),
    read,
    receipt(read, 1),
    build.annotation(),
  ];
}

describe("hash chain", () => {
  const chain = chainEvents(ledger(), sha256);
  const head = headHash(chain);

  it("links every row to the one before it, starting at the genesis hash", () => {
    expect(chain[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < chain.length; i += 1) expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    expect(new Set(chain.map((row) => row.hash)).size).toBe(chain.length);
    expect(verifyChain(chain, sha256)).toEqual({ ok: true, headHash: head });
    expect(verifyChain(chain, sha256, { expectedHeadHash: head })).toEqual({ ok: true, headHash: head });
  });

  it("an empty chain verifies to the genesis hash", () => {
    expect(verifyChain([], sha256)).toEqual({ ok: true, headHash: GENESIS_HASH });
  });

  it("hashes content, not object key order or extra columns a database row carries", () => {
    const event = ledger()[3]!;
    const reordered = Object.fromEntries(Object.entries(event).reverse()) as TLedgerEvent;
    const withColumns: TLedgerEvent = Object.assign({ tenantId: "t_1", sequence: 4 }, event);
    const hash = computeEventHash(GENESIS_HASH, event, sha256);
    expect(computeEventHash(GENESIS_HASH, reordered, sha256)).toBe(hash);
    expect(computeEventHash(GENESIS_HASH, withColumns, sha256)).toBe(hash);
    // A row's own links are not its content: rehashing a stored row gives its stored hash.
    expect(computeEventHash(chain[3]!.prevHash, chain[3]!, sha256)).toBe(chain[3]!.hash);
  });

  it("appendToChain continues a stored chain", () => {
    const next = appendToChain(head, build.stalled(), sha256);
    expect(verifyChain([...chain, next], sha256)).toEqual({ ok: true, headHash: next.hash });
  });

  describe("catches tampering", () => {
    const tamper = (edit: (rows: TChainedEvent[]) => TChainedEvent[]) =>
      verifyChain(edit(chain.map((row) => ({ ...row }))), sha256, { expectedHeadHash: head });

    it.each([
      [
        "the error code of the failed status",
        4,
        (row: TChainedEvent) => ({ ...row, error: { ...("error" in row ? row.error! : {}), code: "0" } }),
      ],
      [
        "a provider timestamp",
        3,
        (row: TChainedEvent) => ({ ...row, providerTimestamp: (row.providerTimestamp ?? 0) + 1000 }),
      ],
      ["recordedAt", 5, (row: TChainedEvent) => ({ ...row, recordedAt: row.recordedAt - 1 })],
      [
        "the event type (failed -> delivered)",
        4,
        (row: TChainedEvent) => ({ ...row, type: "status_delivered" }),
      ],
      ["the payload", 0, (row: TChainedEvent) => ({ ...row, payload: { to: "+15550000000" } })],
      ["the stored hash itself", 2, (row: TChainedEvent) => ({ ...row, hash: "f".repeat(64) })],
    ])("an altered field: %s", (_name, index, alter) => {
      const result = tamper((rows) =>
        rows.map((row, i) => (i === index ? (alter(row) as TChainedEvent) : row)),
      );
      expect(result).toEqual({ ok: false, brokenAt: index, reason: "hash_mismatch" });
    });

    it("a deleted row in the middle", () => {
      expect(tamper((rows) => rows.filter((_, i) => i !== 4))).toEqual({
        ok: false,
        brokenAt: 4,
        reason: "prev_hash_mismatch",
      });
    });

    it("a deleted first row", () => {
      expect(tamper((rows) => rows.slice(1))).toEqual({
        ok: false,
        brokenAt: 0,
        reason: "prev_hash_mismatch",
      });
    });

    it("a deleted last row (only the anchored head can tell)", () => {
      const truncated = chain.slice(0, -1);
      expect(verifyChain(truncated, sha256).ok).toBe(true);
      expect(verifyChain(truncated, sha256, { expectedHeadHash: head })).toEqual({
        ok: false,
        brokenAt: truncated.length,
        reason: "head_mismatch",
      });
    });

    it("two rows swapped", () => {
      expect(
        tamper((rows) => {
          [rows[3], rows[4]] = [rows[4]!, rows[3]!];
          return rows;
        }),
      ).toEqual({ ok: false, brokenAt: 3, reason: "prev_hash_mismatch" });
    });

    it("a forged row inserted with a correctly computed hash", () => {
      expect(
        tamper((rows) => {
          const forged = appendToChain(rows[2]!.hash, build.status("delivered", { at: 6 }), sha256);
          return [...rows.slice(0, 3), forged, ...rows.slice(3)];
        }),
      ).toEqual({ ok: false, brokenAt: 4, reason: "prev_hash_mismatch" });
    });

    it("a forged row appended with a correctly computed hash (only the anchored head can tell)", () => {
      const forged = appendToChain(head, build.status("played", { at: 20 }), sha256);
      expect(verifyChain([...chain, forged], sha256).ok).toBe(true);
      expect(verifyChain([...chain, forged], sha256, { expectedHeadHash: head })).toEqual({
        ok: false,
        brokenAt: chain.length + 1,
        reason: "head_mismatch",
      });
    });

    it("a row moved in from another message's ledger", () => {
      const other = chainEvents(
        ledger().map((event) => ({ ...event, messageId: "msg_2" })),
        sha256,
      );
      expect(tamper((rows) => rows.map((row, i) => (i === 3 ? other[3]! : row)))).toEqual({
        ok: false,
        brokenAt: 3,
        reason: "message_mismatch",
      });
    });

    it("a whole chain rewritten with recomputed hashes (only the anchored head can tell)", () => {
      const rewritten = chainEvents(
        ledger().filter((event) => event.type !== "status_failed"),
        sha256,
      );
      expect(verifyChain(rewritten, sha256).ok).toBe(true);
      expect(verifyChain(rewritten, sha256, { expectedHeadHash: head })).toMatchObject({
        ok: false,
        reason: "head_mismatch",
      });
    });
  });
});
