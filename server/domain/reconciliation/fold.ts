// The incremental form of the derivation: a compact, versioned fold state kept on the message
// row, so appending a status does not reload the whole ledger.
//
// deriveState reads the SET of facts (resolve-facts.ts): a later fact can re-attribute an earlier
// unattributed status (R3), outrank it (R4, R5) or contradict it (R8-R11), and the explanation
// names facts by content. So what deriveState needs to go on is the chain's facts themselves, not
// a summary of them; the fold state keeps them without what no derivation reads (the payload,
// the message id, the hash links) plus, per fact, the hash of its full content (so a later
// receipt can still be told divergent) and the chain's head (hash and length) to link the next
// row to. It is independent of the rules: any rules version derives from it, the stored
// `rulesVersion` only says which version the row's projection was derived with.
//
// fold(state, event) is exact by construction: deriveFolded(fold*(events)) === deriveState(chain)
// where the chain is the events with each dedupeKey's first receipt (what the ledger stores as
// rows; later receipts are receipts, not facts). fold.property.test.ts checks it for every rules
// version in rules.ts.

import type { TChainedEvent } from "../ledger/hash-chain";
import { GENESIS_HASH } from "../ledger/hash-chain";
import { pickEventFields, type TLedgerEvent } from "../ledger/ledger-event";
import { deriveState, type TDerived } from "./derive-state";
import type { TReconciliationRules } from "./rules";

/** Bumped when the stored shape changes; a row with another version takes the full path once. */
export const FOLD_STATE_VERSION = 1;

/** One fact as the fold keeps it. */
export type TFoldFact = {
  /** the fact without its payload (no derivation reads it) nor its message id (the row's) */
  e: Omit<TLedgerEvent, "payload" | "messageId">;
  /** sha256 of the fact's canonical content (factContent), payload included */
  h: string;
};

export type TFoldState = {
  v: typeof FOLD_STATE_VERSION;
  /** the rules version the row's projection was derived with */
  rulesVersion: number;
  /** hash and sequence number of the chain's last row */
  headHash: string;
  eventCount: number;
  /** the chain's facts, in chain order */
  facts: readonly TFoldFact[];
};

export function emptyFoldState(rulesVersion: number): TFoldState {
  return { v: FOLD_STATE_VERSION, rulesVersion, headHash: GENESIS_HASH, eventCount: 0, facts: [] };
}

/** The fact this state holds under `dedupeKey`, if any (a new receipt of it is a duplicate). */
export function foldedFact(state: TFoldState, dedupeKey: string): TFoldFact | undefined {
  return state.facts.find((fact) => fact.e.dedupeKey === dedupeKey);
}

/**
 * Folds one receipt into the state. A receipt of a fact already held is not a fact (the ledger
 * records it as a receipt only): the state is returned unchanged. Otherwise `event` is the new
 * chain row (linked to state.headHash) and becomes the head.
 */
export function fold(state: TFoldState, event: TChainedEvent, contentHash: string): TFoldState {
  if (foldedFact(state, event.dedupeKey) !== undefined) return state;
  if (event.prevHash !== state.headHash) {
    // a caller bug: the row was not linked to this state's head
    throw new Error(`fold: event ${event.dedupeKey} links to ${event.prevHash}, head is ${state.headHash}`);
  }
  const { payload: _payload, messageId: _messageId, ...rest } = pickEventFields(event);
  return {
    ...state,
    headHash: event.hash,
    eventCount: state.eventCount + 1,
    facts: [...state.facts, { e: rest, h: contentHash }],
  };
}

/** The folded facts as ledger events of `messageId` (payloads empty), in chain order. */
export function foldedEvents(state: TFoldState, messageId: string): TLedgerEvent[] {
  return state.facts.map((fact) => ({ ...fact.e, messageId, payload: {} }) as TLedgerEvent);
}

/** deriveState over the folded facts: equal to deriveState over the chain they came from. */
export function deriveFolded(state: TFoldState, messageId: string, rules: TReconciliationRules): TDerived {
  return deriveState(foldedEvents(state, messageId), rules);
}

/**
 * A stored fold state, if this build can go on from it: the same shape version and the rules
 * the caller derives with (anything else takes the full path and is rebuilt from the chain).
 */
export function usableFoldState(stored: unknown, rules: TReconciliationRules): TFoldState | null {
  if (typeof stored !== "object" || stored === null) return null;
  const state = stored as Partial<TFoldState>;
  if (state.v !== FOLD_STATE_VERSION || state.rulesVersion !== rules.version) return null;
  if (typeof state.headHash !== "string" || typeof state.eventCount !== "number") return null;
  if (!Array.isArray(state.facts) || state.facts.length !== state.eventCount) return null;
  return state as TFoldState;
}
