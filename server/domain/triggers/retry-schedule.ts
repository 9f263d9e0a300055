// When a failed webhook delivery is tried again. Svix's published schedule (immediately, 5 s,
// 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about 27 hours in all), each delay jittered by up to
// ±20 % so that endpoints that failed together do not all come back at the same second.
// Pure: the random draw is an argument.

/** Delay before attempt n+1 after n attempts (index 0 = the delay before the second attempt). */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Attempts in all: the first one plus one per delay. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export const RETRY_JITTER = 0.2;

/**
 * The next attempt's time after `attemptsMade` failed attempts, or null when the schedule is
 * spent (the delivery is dead; a person can redeliver it). `random` is uniform in [0, 1).
 */
export function nextAttemptAt(attemptsMade: number, nowMs: number, random: number): number | null {
  const base = RETRY_DELAYS_MS[attemptsMade - 1];
  if (attemptsMade < 1 || base === undefined) return null;
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random;
  return nowMs + Math.round(base * factor);
}

/** Whether an answer counts as delivered: any 2xx (Standard Webhooks). */
export function isDeliveredStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

/**
 * Auto-disable: an endpoint whose attempts have all failed since `failingSinceMs` for longer
 * than `afterMs` is disabled (Svix waits 5 days; Waybill's default is shorter, see the env).
 */
export function shouldDisableEndpoint(
  failingSinceMs: number | null,
  nowMs: number,
  afterMs: number,
): boolean {
  return failingSinceMs !== null && nowMs - failingSinceMs >= afterMs;
}
