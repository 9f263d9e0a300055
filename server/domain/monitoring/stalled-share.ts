// The cohort alert: does a tenant's (or a sender number's) share of stalled messages jump above
// its recent baseline? One stalled message is noise; a sudden share of them is an incident
// (a number blocked, a template paused, a provider outage). Pure: counts in, decision out.

export type TShareSample = { waiting: number; stalled: number };

export type TStalledShareRules = {
  /** fewer stalled messages than this never alert, whatever the share */
  minStalled: number;
  /** the share (0..1) must exceed the baseline by at least this much */
  jump: number;
};

/** The alert's memory while open: the baseline it jumped from. */
export type TOpenShareAlert = { baselineShare: number };

export type TShareDecision =
  | { action: "open"; share: number; baselineShare: number }
  | { action: "keep"; share: number }
  | { action: "resolve"; share: number }
  | { action: "none"; share: number };

export function stalledShare(sample: TShareSample): number {
  return sample.waiting > 0 ? sample.stalled / sample.waiting : 0;
}

/** Mean share of the baseline window, or null when there is no history to jump from. */
export function baselineShare(samples: readonly TShareSample[]): number | null {
  const usable = samples.filter((s) => s.waiting > 0);
  if (usable.length === 0) return null;
  return usable.reduce((sum, s) => sum + stalledShare(s), 0) / usable.length;
}

/**
 * Opens when the current share is at least `jump` above the baseline and at least `minStalled`
 * messages are stalled. Once open, the alert is judged against the baseline it opened from (a
 * moving baseline would absorb a lasting incident and close it while it still hurts), and
 * resolves when the share is back within half a jump of that baseline, or too few are stalled.
 */
export function decideStalledShare(
  current: TShareSample,
  baseline: number | null,
  open: TOpenShareAlert | null,
  rules: TStalledShareRules,
): TShareDecision {
  const share = stalledShare(current);
  if (open) {
    const isRecovered = current.stalled < rules.minStalled || share <= open.baselineShare + rules.jump / 2;
    return isRecovered ? { action: "resolve", share } : { action: "keep", share };
  }
  if (baseline === null || current.stalled < rules.minStalled) return { action: "none", share };
  // the epsilon keeps 0.5 - 0.3 (0.19999...) a jump of 0.2
  return share - baseline >= rules.jump - 1e-9
    ? { action: "open", share, baselineShare: baseline }
    : { action: "none", share };
}
