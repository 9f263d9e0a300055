// Reads for number health and the heatmaps (migration 006). Every figure comes from the rollups
// plus the deltas not folded yet (UNION ALL), summed per display bucket, so a read is exact at its
// snapshot and never touches `message` or the ledger. Every function takes the tenant id(s) and
// puts them first in `where` (the rollups' primary keys lead with tenant_id and grain).
import { Prisma } from "@/server/db/generated/client";
import type { TDb } from "@/server/db/client";
import type { THealthEventRow } from "@/server/domain/insights/health-changes";
import { FAILURE_STATES } from "@/server/domain/insights/rollup";
import type { TLatencyRow, TOutcomeRow, TTemplateRow } from "@/server/domain/insights/summarize";
import type { TWindowRange } from "@/server/domain/insights/windows";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";

type TRange = Pick<TWindowRange, "fromMs" | "toMs" | "bucketMinutes" | "grain">;

const EPOCH = Prisma.sql`timestamptz '1970-01-01 00:00:00+00'`;
const FAILURES = Prisma.sql`(${Prisma.join(FAILURE_STATES.map((s) => Prisma.sql`${s}::message_state`))})`;

/** One tenant (`= $1`: a single-shard query under Citus) or several (`= ANY`). */
function tenantIs(tenantIds: readonly string[]): Prisma.Sql {
  return tenantIds.length === 1
    ? Prisma.sql`tenant_id = ${tenantIds[0]}::uuid`
    : Prisma.sql`tenant_id = ANY(${[...tenantIds]}::uuid[])`;
}

const displayBucket = (range: TRange) =>
  Prisma.sql`date_bin(make_interval(mins => ${range.bucketMinutes}::int), bucket_start, ${EPOCH})`;

/** Rollup rows of the range at its grain, plus the pending deltas in it. */
function senderSource(tenantIds: readonly string[], range: TRange): Prisma.Sql {
  const from = new Date(range.fromMs);
  const to = new Date(range.toMs);
  return Prisma.sql`
    SELECT tenant_id, sender_number_id, bucket_start, state, error_code, messages AS n FROM insight_sender_rollup
    WHERE ${tenantIs(tenantIds)} AND grain_minutes = ${range.grain}::int
      AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz
    UNION ALL
    SELECT tenant_id, sender_number_id, bucket_start, state, error_code, delta FROM insight_delta
    WHERE ${tenantIs(tenantIds)} AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz`;
}

/**
 * A tenant's messages per (sender number, display bucket, state, error code) over the range;
 * the error code only for failure states (elsewhere it is an old error the message got past).
 */
export async function readOutcomeRows(db: TDb, tenantId: string, range: TRange): Promise<TOutcomeRow[]> {
  const rows = await db.$queryRaw<
    { sender_number_id: string; bucket: Date; state: TMessageState; error_code: string; n: number }[]
  >`
    SELECT sender_number_id::text AS sender_number_id, ${displayBucket(range)} AS bucket, state::text AS state,
           CASE WHEN state IN ${FAILURES} THEN error_code ELSE '' END AS error_code, sum(n)::int AS n
    FROM (${senderSource([tenantId], range)}) s
    GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0`;
  return rows.map((r) => ({
    senderNumberId: r.sender_number_id,
    bucketStartMs: r.bucket.getTime(),
    state: r.state,
    errorCode: r.error_code,
    messages: r.n,
  }));
}

/** A tenant's messages per (template, display bucket, state) over the range. */
export async function readTemplateRows(db: TDb, tenantId: string, range: TRange): Promise<TTemplateRow[]> {
  const from = new Date(range.fromMs);
  const to = new Date(range.toMs);
  const rows = await db.$queryRaw<{ template_name: string; bucket: Date; state: TMessageState; n: number }[]>`
    SELECT template_name, ${displayBucket(range)} AS bucket, state::text AS state, sum(n)::int AS n
    FROM (
      SELECT template_name, bucket_start, state, messages AS n FROM insight_template_rollup
      WHERE tenant_id = ${tenantId}::uuid AND grain_minutes = ${range.grain}::int
        AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz
      UNION ALL
      SELECT template_name, bucket_start, state, delta FROM insight_delta
      WHERE tenant_id = ${tenantId}::uuid AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz
    ) s
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0`;
  return rows.map((r) => ({
    templateName: r.template_name,
    bucketStartMs: r.bucket.getTime(),
    state: r.state,
    messages: r.n,
  }));
}

/** A tenant's delivered messages per (sender number, time-to-delivered bucket) over the range. */
export async function readLatencyRows(db: TDb, tenantId: string, range: TRange): Promise<TLatencyRow[]> {
  const from = new Date(range.fromMs);
  const to = new Date(range.toMs);
  const rows = await db.$queryRaw<{ sender_number_id: string; latency_bucket: number; n: number }[]>`
    SELECT sender_number_id::text AS sender_number_id, latency_bucket, sum(n)::int AS n
    FROM (
      SELECT sender_number_id, latency_bucket, messages AS n FROM insight_latency_rollup
      WHERE tenant_id = ${tenantId}::uuid AND grain_minutes = ${range.grain}::int
        AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz
      UNION ALL
      SELECT sender_number_id, latency_bucket, delta FROM insight_delta
      WHERE tenant_id = ${tenantId}::uuid AND latency_bucket >= 0
        AND bucket_start >= ${from}::timestamptz AND bucket_start < ${to}::timestamptz
    ) s
    GROUP BY 1, 2 HAVING sum(n) <> 0`;
  return rows.map((r) => ({
    senderNumberId: r.sender_number_id,
    latencyBucket: r.latency_bucket,
    messages: r.n,
  }));
}

export type TCrossTenantCellRow = {
  tenantId: string;
  bucketStartMs: number;
  messages: number;
  failed: number;
  deadLettered: number;
  rejected: number;
  sendersFailing: number;
  topErrorCode: string | null;
  topErrorFailures: number;
};

/**
 * Per (tenant, display bucket): messages, failures by state, how many of the tenant's numbers
 * had failures, and the commonest error code among them, so a cell says on its own whether a
 * spike is one number and one code or everything.
 */
export async function readCrossTenantCells(
  db: TDb,
  tenantIds: readonly string[],
  range: TRange,
): Promise<TCrossTenantCellRow[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      bucket: Date;
      messages: number;
      failed: number;
      dead_lettered: number;
      rejected: number;
      senders_failing: number;
      top_code: string | null;
      top_code_failures: number | null;
    }[]
  >`
    WITH cube AS (
      SELECT tenant_id, ${displayBucket(range)} AS bucket, sender_number_id, state, error_code, sum(n)::int AS n
      FROM (${senderSource(tenantIds, range)}) s
      GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
    ),
    cells AS (
      SELECT tenant_id, bucket, sum(n)::int AS messages,
             coalesce(sum(n) FILTER (WHERE state = 'failed'), 0)::int AS failed,
             coalesce(sum(n) FILTER (WHERE state = 'dead_lettered'), 0)::int AS dead_lettered,
             coalesce(sum(n) FILTER (WHERE state = 'rejected'), 0)::int AS rejected,
             count(DISTINCT sender_number_id) FILTER (WHERE state IN ${FAILURES} AND n > 0)::int AS senders_failing
      FROM cube GROUP BY 1, 2
    ),
    codes AS (
      SELECT DISTINCT ON (tenant_id, bucket) tenant_id, bucket, error_code, sum(n)::int AS n
      FROM cube WHERE state IN ${FAILURES}
      GROUP BY tenant_id, bucket, error_code HAVING sum(n) > 0
      ORDER BY tenant_id, bucket, sum(n) DESC, error_code
    )
    SELECT c.tenant_id::text AS tenant_id, c.bucket, c.messages, c.failed, c.dead_lettered, c.rejected,
           c.senders_failing, k.error_code AS top_code, k.n AS top_code_failures
    FROM cells c LEFT JOIN codes k ON k.tenant_id = c.tenant_id AND k.bucket = c.bucket`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    bucketStartMs: r.bucket.getTime(),
    messages: r.messages,
    failed: r.failed,
    deadLettered: r.dead_lettered,
    rejected: r.rejected,
    sendersFailing: r.senders_failing,
    topErrorCode: r.top_code,
    topErrorFailures: r.top_code_failures ?? 0,
  }));
}

export type TTenantTotalsRow = {
  tenantId: string;
  state: TMessageState;
  errorCode: string;
  messages: number;
};

/** Per tenant over the range: messages per state (and error code, for failures). */
export async function readTenantTotals(
  db: TDb,
  tenantIds: readonly string[],
  range: TRange,
): Promise<TTenantTotalsRow[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<
    { tenant_id: string; state: TMessageState; error_code: string; n: number }[]
  >`
    SELECT tenant_id::text AS tenant_id, state::text AS state,
           CASE WHEN state IN ${FAILURES} THEN error_code ELSE '' END AS error_code, sum(n)::int AS n
    FROM (${senderSource(tenantIds, range)}) s
    GROUP BY 1, 2, 3 HAVING sum(n) <> 0`;
  return rows.map((r) => ({ tenantId: r.tenant_id, state: r.state, errorCode: r.error_code, messages: r.n }));
}

type THealthEventDbRow = {
  id: string;
  tenant_id: string;
  sender_number_id: string;
  field: string;
  event: string | null;
  provider_timestamp: Date | null;
  recorded_at: Date;
  value: unknown;
  applied: unknown;
};

const toHealthRow = (r: THealthEventDbRow): THealthEventRow & { tenantId: string } => ({
  id: r.id,
  tenantId: r.tenant_id,
  senderNumberId: r.sender_number_id,
  field: r.field,
  event: r.event,
  providerTimestampMs: r.provider_timestamp?.getTime() ?? null,
  recordedAtMs: r.recorded_at.getTime(),
  value: r.value,
  applied: r.applied,
});

/** Quality, limit and account events of the tenants inside [from, to), oldest first (markers). */
export async function readHealthEventsInRange(
  db: TDb,
  tenantIds: readonly string[],
  range: Pick<TRange, "fromMs" | "toMs">,
  limit = 500,
) {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<THealthEventDbRow[]>`
    SELECT id::text AS id, tenant_id::text AS tenant_id, sender_number_id::text AS sender_number_id, field, event,
           provider_timestamp, recorded_at, value, applied
    FROM sender_health_event
    WHERE ${tenantIs(tenantIds)} AND source <> 'migration'
      AND provider_timestamp >= ${new Date(range.fromMs)}::timestamptz AND provider_timestamp < ${new Date(range.toMs)}::timestamptz
    ORDER BY provider_timestamp, id LIMIT ${limit}`;
  return rows.map(toHealthRow);
}

/** The newest `perSender` health events of each of a tenant's numbers (their history). */
export async function readRecentHealthEvents(db: TDb, tenantId: string, perSender: number) {
  const rows = await db.$queryRaw<THealthEventDbRow[]>`
    SELECT e.id::text AS id, e.tenant_id::text AS tenant_id, e.sender_number_id::text AS sender_number_id, e.field,
           e.event, e.provider_timestamp, e.recorded_at, e.value, e.applied
    FROM sender_number s
    CROSS JOIN LATERAL (
      SELECT * FROM sender_health_event h
      WHERE h.tenant_id = s.tenant_id AND h.sender_number_id = s.id AND h.source <> 'migration'
      ORDER BY h.provider_timestamp DESC NULLS LAST, h.recorded_at DESC
      LIMIT ${perSender}
    ) e
    WHERE s.tenant_id = ${tenantId}::uuid`;
  return rows.map(toHealthRow);
}

export type TAlertCountRow = {
  tenantId: string;
  senderNumberId: string | null;
  kind: string;
  alerts: number;
  critical: number;
};

/** Unresolved alerts (open, acknowledged or snoozed) per tenant, sender number and kind. */
export async function readOpenAlertCounts(db: TDb, tenantIds: readonly string[]): Promise<TAlertCountRow[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<
    { tenant_id: string; sender_number_id: string | null; kind: string; n: number; critical: number }[]
  >`
    SELECT tenant_id::text AS tenant_id, sender_number_id::text AS sender_number_id, kind, count(*)::int AS n,
           (count(*) FILTER (WHERE severity = 'critical'))::int AS critical
    FROM alert WHERE ${tenantIs(tenantIds)} AND status <> 'resolved'
    GROUP BY 1, 2, 3`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    senderNumberId: r.sender_number_id,
    kind: r.kind,
    alerts: r.n,
    critical: r.critical,
  }));
}

/** A tenant's newest unresolved alerts other than per-message stalls (those are counted). */
export function listOpenNumberAlerts(db: TDb, tenantId: string, limit: number) {
  return db.alert.findMany({
    where: { tenantId, status: { not: "resolved" }, kind: { not: "message_stalled" } },
    orderBy: [{ openedAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      senderNumberId: true,
      kind: true,
      severity: true,
      status: true,
      title: true,
      openedAt: true,
      occurrences: true,
    },
  });
}

/** Rollup changes recorded but not folded yet (they are included in every read above). */
export async function countPendingDeltas(db: TDb, tenantIds: readonly string[]): Promise<number> {
  if (tenantIds.length === 0) return 0;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM insight_delta WHERE ${tenantIs(tenantIds)}`;
  return row?.n ?? 0;
}
