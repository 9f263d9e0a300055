// "Stalled" is a flag, not a state: it says how long the current state has waited for the next
// fact, which depends on the clock, not on the ledger. Keeping it out of deriveState keeps
// derivation deterministic; the clock comes in as an argument.

import type { TDerived } from "./derive-state";
import type { TMessageState } from "./message-state";

/** States that wait for a next fact. Outcomes (delivered onwards, failed, rejected, dead_lettered,
 *  cancelled) are not waiting: delivered may never turn into read (read receipts can be off). */
export type TStallableState = "queued" | "submitting" | "accepted" | "sent" | "retrying";

/** Milliseconds a state may last before it counts as stalled; a missing entry never stalls.
 *  `held`: an `accepted` message Meta holds under template pacing (held for quality assessment, or
 *  its template paused) waits at Meta by design, far longer than a sent webhook normally takes. */
export type TStallThresholds = { readonly [S in TStallableState]?: number } & { readonly held?: number };

export const STALL_THRESHOLDS_V1 = {
  queued: 5 * 60_000, // the worker should pick a request up within seconds
  submitting: 2 * 60_000, // longer than any send timeout: the attempt is in doubt (crash?)
  accepted: 15 * 60_000, // Meta's sent webhook normally follows within seconds
  // Offline recipients keep a message at sent for up to Meta's hold period (~30 days) and
  // blocked ones forever, so this flags for a look rather than an alarm.
  sent: 24 * 60 * 60_000,
  retrying: 10 * 60_000, // past its due time: the retry job was lost
  // Meta releases or drops a paced message once early feedback on the template is in: hours,
  // not minutes; a day without either is worth a look
  held: 24 * 60 * 60_000,
} as const satisfies Required<TStallThresholds>;

type TStallInput = Pick<TDerived, "state" | "since" | "retryDueAt"> & {
  pacing?: TDerived["pacing"] | undefined;
};

/** When the current state becomes stalled (epoch ms), or null if it never does. */
export function stallDeadline(derived: TStallInput, thresholds: TStallThresholds): number | null {
  const threshold =
    derived.state === "accepted" && derived.pacing != null
      ? thresholds.held
      : thresholdFor(derived.state, thresholds);
  if (threshold === undefined) return null;
  // A retry is measured from when it is due, not from when it was scheduled (backoffs vary).
  const reference = derived.state === "retrying" ? (derived.retryDueAt ?? derived.since) : derived.since;
  return reference === null ? null : reference + threshold;
}

export function isStalled(derived: TStallInput, nowMs: number, thresholds: TStallThresholds): boolean {
  const deadline = stallDeadline(derived, thresholds);
  return deadline !== null && nowMs > deadline;
}

function thresholdFor(state: TMessageState, thresholds: TStallThresholds): number | undefined {
  switch (state) {
    case "queued":
    case "submitting":
    case "accepted":
    case "sent":
    case "retrying":
      return thresholds[state];
    case "delivered":
    case "read":
    case "played":
    case "failed":
    case "rejected":
    case "dead_lettered":
    case "cancelled":
      return undefined;
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
