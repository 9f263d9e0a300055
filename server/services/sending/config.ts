// The sending pipeline's tunables, built once from the worker's environment (and by tests with
// whatever they need to prove).
import type { TWorkerEnv } from "@/server/config/env";
import { DEFAULT_RETRY_POLICY, type TRetryPolicy } from "@/server/domain/sending/retry-policy";
import { DEFAULT_THROUGHPUT, type TThroughputConfig } from "@/server/domain/sending/throughput";

export type TSendingConfig = {
  retry: TRetryPolicy;
  throughput: TThroughputConfig;
  /** Sends in flight at once in one dispatcher. */
  concurrency: number;
  /** A claimed row is taken back after this if its worker has not finished it. */
  leaseMs: number;
  /** Idle polling period (NOTIFY wakes the dispatcher sooner). */
  pollMs: number;
  /**
   * The shortest time between two claims while there is work (DEFAULT_CLAIM_INTERVAL_MS unless
   * given): the requests and finished sends of that moment gather into one claim.
   */
  claimIntervalMs?: number;
};

/**
 * A claim, its preparation and its acknowledgements cost about as many statements for one message
 * as for thirty: claiming at most every 20 ms (a NOTIFY per request would otherwise start a claim
 * per message) keeps their cost per send low at a steady rate, for at most 20 ms more latency.
 */
export const DEFAULT_CLAIM_INTERVAL_MS = 20;

export const DEFAULT_SENDING_CONFIG: TSendingConfig = {
  retry: DEFAULT_RETRY_POLICY,
  throughput: DEFAULT_THROUGHPUT,
  concurrency: 96,
  leaseMs: 60_000,
  pollMs: 200,
};

type TSendingEnv = Pick<
  TWorkerEnv,
  | "WAYBILL_SEND_CONCURRENCY"
  | "WAYBILL_SENDER_MAX_RATE"
  | "WAYBILL_SEND_MAX_ATTEMPTS"
  | "WAYBILL_SEND_RETRY_BASE_MS"
  | "WAYBILL_SEND_RETRY_MAX_MS"
  | "WAYBILL_SEND_RETRY_WINDOW_HOURS"
  | "WAYBILL_PAIR_INTERVAL_MS"
  | "WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS"
  | "WAYBILL_SEND_LEASE_SECONDS"
  | "WAYBILL_DISPATCH_POLL_MS"
>;

export function sendingConfigFromEnv(env: TSendingEnv): TSendingConfig {
  return {
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: env.WAYBILL_SEND_MAX_ATTEMPTS,
      maxAgeMs: Math.round(env.WAYBILL_SEND_RETRY_WINDOW_HOURS * 3_600_000),
      baseDelayMs: env.WAYBILL_SEND_RETRY_BASE_MS,
      maxDelayMs: env.WAYBILL_SEND_RETRY_MAX_MS,
      // app/account rate limits and the number's throughput back off from the same base, scaled
      rateLimitedBaseDelayMs: env.WAYBILL_SEND_RETRY_BASE_MS * 5,
      throttleBaseDelayMs: Math.max(100, Math.round(env.WAYBILL_SEND_RETRY_BASE_MS / 2)),
      pairIntervalMs: env.WAYBILL_PAIR_INTERVAL_MS,
      inDoubtGraceMs: env.WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS * 1000,
    },
    throughput: { ...DEFAULT_THROUGHPUT, defaultMaxRate: env.WAYBILL_SENDER_MAX_RATE },
    concurrency: env.WAYBILL_SEND_CONCURRENCY,
    leaseMs: env.WAYBILL_SEND_LEASE_SECONDS * 1000,
    pollMs: env.WAYBILL_DISPATCH_POLL_MS,
  };
}
