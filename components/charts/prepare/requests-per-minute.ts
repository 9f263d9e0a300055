// Webhook requests per minute for the Operations chart. Pure: the server's sparse rows (minutes
// with requests, by status) in, one bucket per minute of the window out. A minute without a row
// is a real zero (the inbox was read for the whole window), not missing data.

export const INBOX_STATUSES = ["processed", "quarantined", "failed", "pending"] as const;
export type TInboxStatus = (typeof INBOX_STATUSES)[number];

export type TMinuteRow = { minute: Date; status: TInboxStatus; n: number };

export type TMinuteBucket = { minute: number } & Record<TInboxStatus, number> & { total: number };

const MINUTE = 60_000;

export function prepareRequestsPerMinute(
  rows: readonly TMinuteRow[],
  windowFrom: Date,
  minutes: number,
): TMinuteBucket[] {
  const start = Math.floor(windowFrom.getTime() / MINUTE) * MINUTE;
  const buckets: TMinuteBucket[] = Array.from({ length: minutes }, (_, i) => ({
    minute: start + i * MINUTE,
    processed: 0,
    quarantined: 0,
    failed: 0,
    pending: 0,
    total: 0,
  }));
  for (const row of rows) {
    const index = Math.floor((row.minute.getTime() - start) / MINUTE);
    const bucket = buckets[index];
    if (!bucket) continue; // outside the window (a clock edge): not drawn
    bucket[row.status] += row.n;
    bucket.total += row.n;
  }
  return buckets;
}

/** Total and the busiest minute, for the chart's text summary. */
export function summarizeRequests(buckets: readonly TMinuteBucket[]) {
  let total = 0;
  let peak: TMinuteBucket | null = null;
  for (const b of buckets) {
    total += b.total;
    if (b.total > 0 && (peak === null || b.total > peak.total)) peak = b;
  }
  return { total, peak };
}
