// What the message row stores of its ledger besides the derivation's own snapshot: the facts the
// console, the insights rollups and the send pipeline read without opening the ledger. A function
// of the chain (in chain order) and its derivation, so the full path (the chain loaded) and the
// fold path (the fold state's facts) give the same row. Pure.
import { deliveryLatencyMs } from "../insights/delivery-latency";
import type { TLedgerEvent } from "../ledger/ledger-event";
import type { TDerived } from "./derive-state";

export type TMessageProjectionFacts = {
  /** the wamid of the latest accepted attempt (its first acceptance in chain order) */
  providerMessageId: string | null;
  /** the error of the chain's last row that carries one */
  lastErrorCode: string | null;
  deliveryLatencyMs: number | null;
};

export function projectMessageFacts(
  chain: readonly TLedgerEvent[],
  derived: Pick<TDerived, "state">,
): TMessageProjectionFacts {
  let accepted: Extract<TLedgerEvent, { type: "provider_accepted" }> | null = null;
  let lastErrorCode: string | null = null;
  for (const event of chain) {
    if (event.type === "provider_accepted" && (accepted === null || event.attempt > accepted.attempt))
      accepted = event;
    if ("error" in event && event.error !== null) lastErrorCode = event.error.code;
  }
  return {
    providerMessageId: accepted?.providerMessageId ?? null,
    lastErrorCode,
    deliveryLatencyMs: deliveryLatencyMs(chain, derived.state),
  };
}
