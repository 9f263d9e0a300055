// The provider-error-rate alert: did Meta start refusing a number's (or a tenant's) sends? Counts
// rejections (`provider_rejected`: Meta answered the send request with an error), throttling
// (130429, the number's throughput cap) among them, against the messages requested in the same
// window. One rejection is noise; a jump above the recent baseline is an incident (a template
// paused, a token expiring, a rate cap reached). Pure: counts in, decision out, like the
// stalled-share alert: an open alert is judged against the baseline it opened from.

export const THROTTLE_CODE = "130429";

export type TErrorSample = {
  /** messages requested in the window */
  requested: number;
  /** send requests Meta refused in the window (every code) */
  rejected: number;
  /** of which throttled (130429) */
  throttled: number;
};

export type TProviderErrorRules = {
  /** fewer rejections than this never alert, whatever the rate */
  minRejected: number;
  /** the rate must exceed the baseline by at least this much (0..1) */
  jump: number;
};

export const DEFAULT_PROVIDER_ERROR_RULES: TProviderErrorRules = { minRejected: 10, jump: 0.2 };

export type TOpenErrorAlert = { baselineRate: number };

export type TErrorDecision =
  | { action: "open"; rate: number; baselineRate: number }
  | { action: "keep"; rate: number }
  | { action: "resolve"; rate: number }
  | { action: "none"; rate: number };

/**
 * Rejections per attempt: a rejected request may be retried within the window, so the attempts
 * are at least the rejections; the rate stays within 0..1 whatever the retries.
 */
export function errorRate(sample: TErrorSample): number {
  const attempts = Math.max(sample.requested, sample.rejected);
  return attempts > 0 ? sample.rejected / attempts : 0;
}

/**
 * Opens when at least `minRejected` requests were refused and the rate is at least `jump` above
 * the baseline (a number with no history has a baseline of 0: its first bad hour still alerts).
 * Resolves when the rate is back within half a jump of the baseline it opened from, or when too
 * few requests are refused.
 */
export function decideProviderErrorRate(
  current: TErrorSample,
  baseline: TErrorSample,
  open: TOpenErrorAlert | null,
  rules: TProviderErrorRules,
): TErrorDecision {
  const rate = errorRate(current);
  if (open) {
    const isRecovered = current.rejected < rules.minRejected || rate <= open.baselineRate + rules.jump / 2;
    return isRecovered ? { action: "resolve", rate } : { action: "keep", rate };
  }
  if (current.rejected < rules.minRejected) return { action: "none", rate };
  const baselineRate = errorRate(baseline);
  // the epsilon keeps 0.5 - 0.3 (0.19999...) a jump of 0.2
  return rate - baselineRate >= rules.jump - 1e-9
    ? { action: "open", rate, baselineRate }
    : { action: "none", rate };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The alert's title, in words: what jumped, how much, against what. */
export function describeErrorJump(
  scope: string,
  current: TErrorSample,
  baselineRate: number,
  windowMinutes: number,
): string {
  const throttled = current.throttled > 0 ? ` (${current.throttled} throttled, ${THROTTLE_CODE})` : "";
  return (
    `Provider errors jumped for ${scope}: ${current.rejected} send requests refused${throttled} ` +
    `in ${windowMinutes} min, ${pct(errorRate(current))} of attempts (baseline ${pct(baselineRate)})`
  );
}
