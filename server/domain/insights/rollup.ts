// The insights rollups' keys and how a message's change becomes rollup deltas. Pure.
//
// The rollups are an exact GROUP BY over the `message` projection: a message counts once, in the
// bucket of its created_at (the send cohort), under its sender number, template, current state,
// last error code and time-to-delivered bucket. Whoever rewrites those facts on a message row
// records rollupDeltas(before, after) in the same transaction, so
//   rollup + deltas not yet folded = GROUP BY over message
// holds at every committed snapshot (tests/integration/insights-rollups.test.ts).
import type { TMessageState } from "../reconciliation/message-state";
import { latencyBucketOf } from "./delivery-latency";

/** A delta's bucket: 15 minutes, aligned to the Unix epoch (so UTC); every grain is a multiple. */
export const BASE_BUCKET_MINUTES = 15;
/**
 * Grains the fold maintains, one per window's column width (windows.ts), so a read takes one
 * rollup row per key and column: 30 minutes (24 h), 4 hours (7 days), 1 day (30 days). Also
 * listed in migration 006 (its CHECK and backfill).
 */
export const ROLLUP_GRAINS = [30, 240, 1440] as const;
export type TRollupGrain = (typeof ROLLUP_GRAINS)[number];

const MINUTE_MS = 60_000;

/** The start (epoch ms) of the `minutes`-wide bucket holding `ms`; buckets align to the epoch. */
export function bucketStartMs(ms: number, minutes: number): number {
  const width = minutes * MINUTE_MS;
  return Math.floor(ms / width) * width;
}

/** What a message row contributes to the rollups. */
export type TRollupFacts = {
  createdAtMs: number;
  senderNumberId: string;
  templateName: string | null;
  state: TMessageState;
  errorCode: string | null;
  deliveryLatencyMs: number | null;
};

/** One rollup delta: +1 or -1 message under a key. */
export type TRollupDelta = {
  bucketStartMs: number;
  senderNumberId: string;
  /** '' when the message is not a template */
  templateName: string;
  state: TMessageState;
  /** '' when the message has no error */
  errorCode: string;
  /** index into LATENCY_BUCKETS, -1 when the message has no (known) time to delivered */
  latencyBucket: number;
  delta: 1 | -1;
};

export type TRollupKey = Omit<TRollupDelta, "delta">;

export function rollupKeyOf(facts: TRollupFacts): TRollupKey {
  return {
    bucketStartMs: bucketStartMs(facts.createdAtMs, BASE_BUCKET_MINUTES),
    senderNumberId: facts.senderNumberId,
    templateName: facts.templateName ?? "",
    state: facts.state,
    errorCode: facts.errorCode ?? "",
    latencyBucket: facts.deliveryLatencyMs === null ? -1 : latencyBucketOf(facts.deliveryLatencyMs),
  };
}

function isSameKey(a: TRollupKey, b: TRollupKey): boolean {
  return (
    a.bucketStartMs === b.bucketStartMs &&
    a.senderNumberId === b.senderNumberId &&
    a.templateName === b.templateName &&
    a.state === b.state &&
    a.errorCode === b.errorCode &&
    a.latencyBucket === b.latencyBucket
  );
}

/**
 * The deltas that move a message from `before` to `after` (null: the row did not exist / does not
 * exist any more). Nothing when the key is unchanged, which is most appends (a duplicate receipt,
 * an annotation, a `sent` after `sent`), so most appends write no delta row at all.
 */
export function rollupDeltas(before: TRollupFacts | null, after: TRollupFacts | null): TRollupDelta[] {
  const from = before === null ? null : rollupKeyOf(before);
  const to = after === null ? null : rollupKeyOf(after);
  if (from !== null && to !== null && isSameKey(from, to)) return [];
  const deltas: TRollupDelta[] = [];
  if (from !== null) deltas.push({ ...from, delta: -1 });
  if (to !== null) deltas.push({ ...to, delta: 1 });
  return deltas;
}

/**
 * How the console groups states. `failed`: the provider reported it undeliverable, the provider
 * refused it, or the pipeline gave up (dead letter). `delivered`: the device has it. `in_flight`:
 * not settled yet (including "sent" with no delivery report so far). `cancelled`: withdrawn.
 */
export type TOutcomeClass = "delivered" | "failed" | "in_flight" | "cancelled";

export const FAILURE_STATES = [
  "failed",
  "dead_lettered",
  "rejected",
] as const satisfies readonly TMessageState[];
export type TFailureState = (typeof FAILURE_STATES)[number];

export function outcomeOf(state: TMessageState): TOutcomeClass {
  switch (state) {
    case "delivered":
    case "read":
    case "played":
      return "delivered";
    case "failed":
    case "dead_lettered":
    case "rejected":
      return "failed";
    case "queued":
    case "submitting":
    case "accepted":
    case "sent":
    case "retrying":
      return "in_flight";
    case "cancelled":
      return "cancelled";
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

export function isFailureState(state: TMessageState): state is TFailureState {
  return outcomeOf(state) === "failed";
}
