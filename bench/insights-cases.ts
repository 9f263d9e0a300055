// The insights part of bench/console-queries.ts: rebuild the rollups of the bulk-loaded messages
// (the load bypasses the ledger service, so it writes no deltas), then time every number-health
// and heatmap read through the functions the procedures call, a read on top of a fold backlog,
// and the fold itself. Its section of bench/RESULTS.md is written by console-queries.ts.
import { performance } from "node:perf_hooks";
import type pg from "pg";
import type { TDb } from "@/server/db/client";
import { foldRollupDeltas } from "@/server/services/insights/fold-rollups";
import {
  getCrossTenantHeatmap,
  getTenantHeatmap,
  getTenantsOverview,
  type TVisibleTenant,
} from "@/server/services/insights/heatmaps";
import { getNumberHealth } from "@/server/services/insights/number-health";
import { rebuildRollups } from "@/server/services/insights/rebuild-rollups";

type TResult = { name: string; detail: string; runs: number; p50: number; p95: number; max: number };
type TMeasure = (name: string, detail: string, run: (i: number) => Promise<unknown>) => Promise<TResult>;

const HOUR = 3_600_000;
/**
 * The load gives message g the time 2026-01-01 + g seconds, so the 60 % tenant's 600,000 messages
 * fill its first ~7 days (~86,000 a day) and the other tenants' the next ~5: the measured windows
 * end inside them (moving back an hour per run), so every read has its full share of rollup rows.
 */
const UNTIL = Date.UTC(2026, 0, 7, 12, 0);
const UNTIL_ALL_TENANTS = Date.UTC(2026, 0, 10, 12, 0);
const BACKLOG = 20_000;

export async function benchInsights(
  db: TDb,
  pool: pg.Pool,
  tenants: readonly { id: string; senders: string[] }[],
  measure: TMeasure,
) {
  const notes: string[] = [];
  const rebuildStart = performance.now();
  const reports = [];
  for (const tenant of tenants) reports.push(await rebuildRollups(db, tenant.id));
  const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
  const big = tenants[0]!;
  await pool.query(
    "ANALYZE insight_sender_rollup, insight_template_rollup, insight_latency_rollup, insight_delta",
  );
  const sizes = await pool.query<{ relname: string; rows: string; size: string }>(
    `SELECT c.relname, c.reltuples::bigint::text AS rows, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
     FROM pg_class c WHERE c.relname IN ('insight_sender_rollup', 'insight_template_rollup', 'insight_latency_rollup')
     ORDER BY c.relname`,
  );
  const inWindow = await pool.query<{ day: string; week: string }>(
    `SELECT count(*) FILTER (WHERE created_at >= $2::timestamptz - interval '1 day')::text AS day,
            count(*) FILTER (WHERE created_at >= $2::timestamptz - interval '7 days')::text AS week
     FROM message WHERE tenant_id = $1 AND created_at < $2::timestamptz`,
    [big.id, new Date(UNTIL).toISOString()],
  );
  notes.push(
    `- Windows end inside the loaded traffic: the 60 % tenant sent ${Number(inWindow.rows[0]?.day).toLocaleString("en")} messages in the 24 hours and ${Number(inWindow.rows[0]?.week).toLocaleString("en")} in the 7 days before the first measured end (the load puts message g at 2026-01-01 + g seconds).`,
    `- Rebuild (\`rebuildRollups\`, a GROUP BY over \`message\` per tenant) of all ${reports
      .reduce((sum, r) => sum + r.messages, 0)
      .toLocaleString(
        "en",
      )} messages: ${rebuildSeconds.toFixed(1)} s (the 60 % tenant: ${reports[0]!.messages.toLocaleString("en")} messages).`,
    ``,
    `| rollup | rows | size with indexes |`,
    `| --- | --: | --: |`,
    ...sizes.rows.map((r) => `| ${r.relname} | ${Number(r.rows).toLocaleString("en")} | ${r.size} |`),
  );

  const visible: TVisibleTenant[] = (
    await db.tenant.findMany({
      where: { id: { in: tenants.map((t) => t.id) } },
      select: { id: true, slug: true, name: true, status: true },
    })
  ).map((t) => ({ ...t, status: String(t.status) }));
  const now = new Date(UNTIL);
  const at = (i: number) => UNTIL - (i % 48) * HOUR;
  const atAll = (i: number) => UNTIL_ALL_TENANTS - (i % 48) * HOUR;
  const results: TResult[] = [];
  for (const window of ["24h", "7d", "30d"] as const) {
    results.push(
      await measure(
        `number health, ${window} (60 % tenant)`,
        "insights.senderHealth: outcome + latency + template rollups, alerts, history",
        (i) => getNumberHealth(db, big.id, { window, untilMs: at(i), now }),
      ),
    );
  }
  for (const window of ["24h", "7d", "30d"] as const) {
    results.push(
      await measure(
        `tenant heatmaps, ${window} (60 % tenant)`,
        "insights.tenantHeatmap: by number, error code, template; markers",
        (i) => getTenantHeatmap(db, big.id, { window, untilMs: at(i), now }),
      ),
    );
  }
  for (const window of ["7d", "30d"] as const) {
    results.push(
      await measure(
        `cross-tenant heatmap, ${window} (5 tenants)`,
        "insights.crossTenantHeatmap: tenants x time, top code per cell",
        (i) => getCrossTenantHeatmap(db, visible, { window, untilMs: atAll(i), now }),
      ),
    );
  }
  results.push(
    await measure("all-tenants health, 30d (5 tenants)", "insights.tenantsOverview", (i) =>
      getTenantsOverview(db, visible, { window: "30d", untilMs: atAll(i), now }),
    ),
  );

  // a fold backlog: 20,000 deltas (two per status change: ~2 s of 5,000 changes/s) not folded
  // yet, in the last day of the window, read on top of the rollups
  await pool.query(
    `INSERT INTO insight_delta (tenant_id, bucket_start, sender_number_id, template_name, state, error_code, latency_bucket, delta)
     SELECT $1::uuid, date_bin(interval '15 minutes', $3::timestamptz - (g % 96) * interval '15 minutes', timestamptz '1970-01-01 00:00:00+00'),
            ($2::uuid[])[1 + (g % 2)], 'template_' || (g % 30),
            CASE WHEN g % 2 = 0 THEN 'sent' ELSE 'delivered' END::message_state, '',
            CASE WHEN g % 2 = 0 THEN -1 ELSE 3 END, CASE WHEN g % 2 = 0 THEN -1 ELSE 1 END
     FROM generate_series(1, $4::int) g`,
    [big.id, big.senders, new Date(UNTIL).toISOString(), BACKLOG],
  );
  await pool.query("ANALYZE insight_delta");
  results.push(
    await measure(
      `tenant heatmaps, 24h, ${BACKLOG.toLocaleString("en")} deltas pending`,
      "the same read, plus the tenant's unfolded deltas (UNION ALL)",
      () => getTenantHeatmap(db, big.id, { window: "24h", untilMs: UNTIL, now }),
    ),
  );
  const foldStart = performance.now();
  let folded = 0;
  for (;;) {
    const report = await foldRollupDeltas(db, { batchSize: 5_000 });
    folded += report.deltas;
    if (report.deltas === 0) break;
  }
  const foldSeconds = (performance.now() - foldStart) / 1000;
  notes.push(
    ``,
    `- Fold: ${folded.toLocaleString("en")} deltas in ${foldSeconds.toFixed(2)} s (${Math.round(folded / foldSeconds).toLocaleString("en")} deltas/s, batches of 5,000, one statement each, three grains and three rollups).`,
  );
  return { results, notes };
}

export const INSIGHTS_READING = [
  "Reading the figures: every insights read is a primary-key range scan of a rollup (tenant, grain,",
  "bucket range) plus the tenant's pending deltas, summed per display bucket in SQL and shaped in",
  "TypeScript; none touches `message` or the ledger, so the cost follows the window's rollup rows,",
  "not the number of messages: each window reads the grain of its column width (30 minutes, 4 hours,",
  "1 day), one row per key and column. The template rollup is the largest (the bench spreads",
  "every tenant's traffic evenly over 30 templates and 8 states, the worst case for a rollup); real",
  "traffic concentrates on fewer templates and states.",
].join("\n");
