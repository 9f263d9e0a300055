// Tamper evidence for a message's ledger: every row stores hash(prevHash, its canonical content),
// so editing, deleting, reordering or inserting a row breaks a link that verifyChain finds.
// A writer who rewrites every later hash too is only caught against an anchored head hash (stored
// on the message row or in a periodic checkpoint): pass it as `expectedHeadHash`.
//
// SHA-256 is injected: server/domain must stay free of node:crypto so it runs anywhere; the service
// layer passes `(s) => createHash("sha256").update(s, "utf8").digest("hex")`.

import { canonicalJson } from "./canonical-json";
import { pickEventFields, type TLedgerEvent } from "./ledger-event";

// The serialisation the hashes are defined over, re-exported so the chain's contract is one import.
export { canonicalJson } from "./canonical-json";

export type TSha256Hex = (input: string) => string;

/** prevHash of a message's first row. 64 hex digits, like every other link. */
export const GENESIS_HASH = "0".repeat(64);

/** Prefixed to the hashed text so a future scheme (other fields, other hash) cannot collide. */
export const HASH_SCHEME = "waybill.ledger.v1";

export type THashLinks = { prevHash: string; hash: string };
export type TChainedEvent = TLedgerEvent & THashLinks;

export type TChainBreakReason =
  /** The row does not point at the row before it: a row was removed, moved or inserted. */
  | "prev_hash_mismatch"
  /** The row's content (or its stored hash) was changed after it was written. */
  | "hash_mismatch"
  /** The row belongs to another message's ledger. */
  | "message_mismatch"
  /** Every link holds but the last hash is not the anchored head: rows were cut off the end, or
   *  appended or rewritten by someone who recomputed the hashes. */
  | "head_mismatch";

export type TChainVerification =
  { ok: true; headHash: string } | { ok: false; brokenAt: number; reason: TChainBreakReason };

/**
 * The hash of one row: sha256 over the scheme, the previous hash and the row's canonical content
 * (exactly the fields its event type declares: a chained row's own prevHash/hash, or any extra
 * column on a database row, are not content).
 */
export function computeEventHash(
  prevHash: string,
  content: TLedgerEvent | TChainedEvent,
  sha256: TSha256Hex,
): string {
  return sha256(`${HASH_SCHEME}\n${prevHash}\n${canonicalJson(pickEventFields(content))}`);
}

/** Links `event` after a row whose hash is `prevHash` (GENESIS_HASH for the first row). */
export function appendToChain(prevHash: string, event: TLedgerEvent, sha256: TSha256Hex): TChainedEvent {
  const content = pickEventFields(event);
  return { ...content, prevHash, hash: computeEventHash(prevHash, content, sha256) };
}

/** Chains rows in the given (storage) order, starting from the genesis hash. */
export function chainEvents(events: readonly TLedgerEvent[], sha256: TSha256Hex): TChainedEvent[] {
  const chained: TChainedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    const row = appendToChain(prevHash, event, sha256);
    chained.push(row);
    prevHash = row.hash;
  }
  return chained;
}

/** The hash a new row must link to. */
export function headHash(chain: readonly THashLinks[]): string {
  return chain.length === 0 ? GENESIS_HASH : chain[chain.length - 1]!.hash;
}

/**
 * Verifies rows in storage order (the caller sorts by the ledger's sequence column, never by
 * recordedAt). `brokenAt` is the index of the first row that fails; for `head_mismatch` it is
 * `events.length`, the position where the chain stops agreeing with the anchor.
 */
export function verifyChain(
  events: readonly TChainedEvent[],
  sha256: TSha256Hex,
  options: { expectedHeadHash?: string } = {},
): TChainVerification {
  let prevHash = GENESIS_HASH;
  const messageId = events[0]?.messageId;
  for (const [index, event] of events.entries()) {
    if (event.messageId !== messageId) return { ok: false, brokenAt: index, reason: "message_mismatch" };
    if (event.prevHash !== prevHash) return { ok: false, brokenAt: index, reason: "prev_hash_mismatch" };
    if (computeEventHash(event.prevHash, event, sha256) !== event.hash) {
      return { ok: false, brokenAt: index, reason: "hash_mismatch" };
    }
    prevHash = event.hash;
  }
  if (options.expectedHeadHash !== undefined && options.expectedHeadHash !== prevHash) {
    return { ok: false, brokenAt: events.length, reason: "head_mismatch" };
  }
  return { ok: true, headHash: prevHash };
}
