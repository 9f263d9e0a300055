// Time to delivered: from the provider accepting a message to the first proof that the device has
// it, and the fixed log-scale histogram the rollups keep of it. Pure.
import type { TLedgerEvent } from "../ledger/ledger-event";
import { DELIVERY_STATES, type TMessageState } from "../reconciliation/message-state";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

/**
 * Upper bounds (exclusive, ms) of the histogram's buckets; the last bucket is open (>= 24 h).
 * Fixed, so buckets add up across messages, numbers, tenants and time. Changing them needs
 * `rollup:rebuild` (the stored index would mean something else).
 */
export const LATENCY_BUCKETS = [
  { upperMs: 1 * S, label: "< 1 s" },
  { upperMs: 2 * S, label: "1–2 s" },
  { upperMs: 5 * S, label: "2–5 s" },
  { upperMs: 10 * S, label: "5–10 s" },
  { upperMs: 30 * S, label: "10–30 s" },
  { upperMs: 1 * MIN, label: "30 s–1 min" },
  { upperMs: 2 * MIN, label: "1–2 min" },
  { upperMs: 5 * MIN, label: "2–5 min" },
  { upperMs: 15 * MIN, label: "5–15 min" },
  { upperMs: 1 * H, label: "15 min–1 h" },
  { upperMs: 6 * H, label: "1–6 h" },
  { upperMs: 24 * H, label: "6–24 h" },
  { upperMs: Number.POSITIVE_INFINITY, label: "≥ 24 h" },
] as const;

/** The histogram bucket of a latency (ms >= 0). */
export function latencyBucketOf(ms: number): number {
  const index = LATENCY_BUCKETS.findIndex((b) => ms < b.upperMs);
  return index < 0 ? LATENCY_BUCKETS.length - 1 : index;
}

/** The largest latency the projection stores (an int4 column). */
export const MAX_STORED_LATENCY_MS = 2_147_483_647;

const DELIVERY_EVENT_TYPES = new Set<TLedgerEvent["type"]>([
  "status_delivered",
  "status_read",
  "status_played",
]);
const DELIVERY_STATE_SET = new Set<TMessageState>(DELIVERY_STATES);

/**
 * The message's time to delivered, from its ledger facts (one receipt per fact, as the chain
 * holds them), or null when the message is not in a delivery state or a time is unknown.
 *
 * Delivered at: the earliest provider timestamp among delivered/read/played statuses (a read
 * proves delivery, and arrives first often enough). Accepted at: when we recorded the provider's
 * acceptance of the attempt that status names (else of the latest accepted attempt); there is no
 * provider clock for a synchronous answer. Meta's timestamps are whole seconds, so a result a
 * few hundred ms below zero is clamped to 0. Independent of the order facts arrived in.
 */
export function deliveryLatencyMs(events: readonly TLedgerEvent[], state: TMessageState): number | null {
  if (!DELIVERY_STATE_SET.has(state)) return null;
  let deliveredAt: number | null = null;
  let deliveredAttempt: number | null = null;
  for (const event of events) {
    if (!DELIVERY_EVENT_TYPES.has(event.type) || event.providerTimestamp === null) continue;
    const attempt = "attempt" in event ? event.attempt : null;
    const isEarlier =
      deliveredAt === null ||
      event.providerTimestamp < deliveredAt ||
      (event.providerTimestamp === deliveredAt &&
        (attempt ?? Number.MAX_SAFE_INTEGER) < (deliveredAttempt ?? Number.MAX_SAFE_INTEGER));
    if (isEarlier) {
      deliveredAt = event.providerTimestamp;
      deliveredAttempt = attempt;
    }
  }
  if (deliveredAt === null) return null;

  const acceptedAtByAttempt = new Map<number, number>();
  for (const event of events) {
    if (event.type !== "provider_accepted") continue;
    const known = acceptedAtByAttempt.get(event.attempt);
    if (known === undefined || event.recordedAt < known)
      acceptedAtByAttempt.set(event.attempt, event.recordedAt);
  }
  let acceptedAt = deliveredAttempt === null ? undefined : acceptedAtByAttempt.get(deliveredAttempt);
  if (acceptedAt === undefined && acceptedAtByAttempt.size > 0) {
    acceptedAt = acceptedAtByAttempt.get(Math.max(...acceptedAtByAttempt.keys()));
  }
  if (acceptedAt === undefined) return null; // acceptance proven by a webhook alone: no start time
  return Math.min(MAX_STORED_LATENCY_MS, Math.max(0, deliveredAt - acceptedAt));
}

/**
 * A quantile (0..1) from histogram counts (index = LATENCY_BUCKETS index), interpolating linearly
 * inside the bucket that holds it. An approximation: exact only at bucket bounds, off by at most
 * the bucket's width. The open last bucket answers its lower bound ("24 h or more").
 * null when the histogram is empty.
 */
export function quantileFromHistogram(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let below = 0;
  for (let i = 0; i < LATENCY_BUCKETS.length; i += 1) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKETS[i - 1]!.upperMs;
      const upper = LATENCY_BUCKETS[i]!.upperMs;
      if (!Number.isFinite(upper)) return lower;
      return lower + ((rank - below) / n) * (upper - lower);
    }
    below += n;
  }
  return LATENCY_BUCKETS[LATENCY_BUCKETS.length - 2]!.upperMs;
}
