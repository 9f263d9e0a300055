// The failure-rate view of the outcome chart: per period, the share of messages sent in it that
// failed. A period without messages has no rate (a gap in the line), never a zero.
export type TOutcomeCounts = {
  bucketStart: Date;
  delivered: number;
  inFlight: number;
  failed: number;
  cancelled: number;
};

export type TFailureRatePoint = {
  bucketStart: Date;
  /** 0..1; null: nothing was sent in the period */
  rate: number | null;
  failed: number;
  total: number;
};

export function failureRateSeries(points: readonly TOutcomeCounts[]): TFailureRatePoint[] {
  return points.map((p) => {
    const total = p.delivered + p.inFlight + p.failed + p.cancelled;
    return { bucketStart: p.bucketStart, rate: total > 0 ? p.failed / total : null, failed: p.failed, total };
  });
}
