// Durable monotonic counters behind /api/metrics (table ingest_counter), per tenant, null for
// "no tenant known". Callers add up a whole batch in memory and write once, as the last statement
// of their transaction: the counter rows are shared by every worker, so their locks are held for
// the shortest possible time, and a rolled-back batch counts nothing.
import type { TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";

export const INGEST_COUNTERS = [
  // requests, per tenant they named (null: none resolved)
  "requests_received",
  "requests_processed",
  "requests_quarantined",
  "requests_failed",
  "requests_duplicate",
  "requests_replayed",
  // status items
  "statuses_applied",
  "statuses_duplicate",
  "statuses_orphaned",
  "statuses_reattached",
  "statuses_ignored",
  // other items
  "items_quarantined",
  "sender_health_events",
  "template_events",
  "items_ignored",
] as const;
export type TIngestCounter = (typeof INGEST_COUNTERS)[number];

export type TCounterDelta = { metric: TIngestCounter; tenantId: string | null; value: number };

/** Sums deltas in memory: one row per (metric, tenant) reaches the database. */
export class CounterBag {
  private readonly sums = new Map<string, TCounterDelta>();

  add(metric: TIngestCounter, tenantId: string | null, value = 1): void {
    if (value === 0) return;
    const key = `${metric}|${tenantId ?? ""}`;
    const current = this.sums.get(key);
    if (current) current.value += value;
    else this.sums.set(key, { metric, tenantId, value });
  }

  deltas(): TCounterDelta[] {
    // a fixed order: two batches updating the same counter rows lock them in the same order
    return [...this.sums.values()].sort((a, b) =>
      a.metric === b.metric
        ? (a.tenantId ?? "").localeCompare(b.tenantId ?? "")
        : a.metric.localeCompare(b.metric),
    );
  }
}

export async function addCounters(handle: TDbTx | TSql, deltas: readonly TCounterDelta[]): Promise<void> {
  const rows = deltas.filter((d) => d.value > 0);
  if (rows.length === 0) return;
  await toSql(handle).query(
    `INSERT INTO ingest_counter AS c (metric, tenant_id, value, updated_at)
     SELECT r.metric, r.tenant_id, r.value, now()
     FROM jsonb_to_recordset($1::jsonb) AS r(metric text, tenant_id uuid, value bigint)
     ORDER BY r.metric, r.tenant_id
     ON CONFLICT (metric, tenant_id) DO UPDATE SET value = c.value + EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [JSON.stringify(rows.map((d) => ({ metric: d.metric, tenant_id: d.tenantId, value: d.value })))],
  );
}
