// Reads of the console's Stalled & alerts page, for one tenant or every tenant a cross-tenant role
// sees: alerts (keyset pages, newest first), unresolved alert counts per tenant, number, kind and
// status, the operator actions on alerts (from the audit trail), and stalled messages oldest
// first. Each query runs per tenant (a LATERAL join over the tenants, or `tenant_id = ANY` on a
// tenant-first index), so no index spans tenants (CONVENTIONS habit 3).
import type { TDb } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { TStallableState, TStallThresholds } from "@/server/domain/reconciliation/is-stalled";

export const ALERT_STATUSES = ["open", "acknowledged", "snoozed", "resolved"] as const;
export type TAlertStatus = (typeof ALERT_STATUSES)[number];
export const UNRESOLVED_ALERT_STATUSES = ["open", "acknowledged", "snoozed"] as const;

export type TAlertCursor = { openedAt: Date; id: string };

export type TAlertListFilter = {
  statuses: readonly TAlertStatus[];
  kind?: string;
  senderNumberId?: string;
  after?: TAlertCursor;
  limit: number;
};

export type TAlertListRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  id: string;
  senderNumberId: string | null;
  senderDisplayNumber: string | null;
  kind: string;
  status: TAlertStatus;
  severity: string;
  title: string;
  details: Prisma.JsonValue;
  messageId: string | null;
  openedAt: Date;
  lastSeenAt: Date;
  occurrences: number;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  snoozedUntil: Date | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
};

/**
 * A page of alerts of `tenantIds`, newest first. Per tenant and status, a range scan of
 * alert_tenant_id_status_opened_at_idx that stops after `limit + 1` rows; the pages are merged
 * on (opened_at, id). Keyset pagination: deep pages cost the same as the first.
 */
export async function listAlertsForTenants(
  db: TDb,
  tenantIds: readonly string[],
  filter: TAlertListFilter,
): Promise<{ rows: TAlertListRow[]; nextCursor: TAlertCursor | null }> {
  if (tenantIds.length === 0 || filter.statuses.length === 0) return { rows: [], nextCursor: null };
  const conditions: Prisma.Sql[] = [
    Prisma.sql`a.tenant_id = scope.tenant_id`,
    Prisma.sql`a.status = st.status`,
  ];
  if (filter.kind) conditions.push(Prisma.sql`a.kind = ${filter.kind}`);
  if (filter.senderNumberId) conditions.push(Prisma.sql`a.sender_number_id = ${filter.senderNumberId}::uuid`);
  if (filter.after) {
    // the opened_at bound is an index condition; the id only breaks ties
    conditions.push(
      Prisma.sql`a.opened_at <= ${filter.after.openedAt} AND (a.opened_at < ${filter.after.openedAt} OR a.id < ${filter.after.id}::uuid)`,
    );
  }
  const take = filter.limit + 1;
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      id: string;
      sender_number_id: string | null;
      display_number: string | null;
      kind: string;
      status: TAlertStatus;
      severity: string;
      title: string;
      details: Prisma.JsonValue;
      message_id: string | null;
      opened_at: Date;
      last_seen_at: Date;
      occurrences: number;
      acknowledged_at: Date | null;
      acknowledged_by: string | null;
      snoozed_until: Date | null;
      resolved_at: Date | null;
      resolved_by: string | null;
      resolution: string | null;
    }[]
  >`
    SELECT a.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, a.id::text AS id,
           a.sender_number_id::text AS sender_number_id, s.display_number, a.kind, a.status::text AS status,
           a.severity, a.title, a.details, a.message_id::text AS message_id, a.opened_at, a.last_seen_at,
           a.occurrences, a.acknowledged_at, a.acknowledged_by, a.snoozed_until, a.resolved_at,
           a.resolved_by, a.resolution
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN unnest(${[...filter.statuses]}::text[]::alert_status[]) AS st (status)
    CROSS JOIN LATERAL (
      SELECT a.* FROM alert a
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY a.opened_at DESC, a.id DESC
      LIMIT ${take}
    ) a
    JOIN tenant t ON t.id = a.tenant_id
    LEFT JOIN sender_number s ON s.tenant_id = a.tenant_id AND s.id = a.sender_number_id
    ORDER BY a.opened_at DESC, a.id DESC
    LIMIT ${take}`;
  const page = rows.slice(0, filter.limit).map((r): TAlertListRow => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    id: r.id,
    senderNumberId: r.sender_number_id,
    senderDisplayNumber: r.display_number,
    kind: r.kind,
    status: r.status,
    severity: r.severity,
    title: r.title,
    details: r.details,
    messageId: r.message_id,
    openedAt: r.opened_at,
    lastSeenAt: r.last_seen_at,
    occurrences: r.occurrences,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    snoozedUntil: r.snoozed_until,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
  }));
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > filter.limit && last ? { openedAt: last.openedAt, id: last.id } : null,
  };
}

export const ALERT_AUDIT_ACTIONS = ["alert.acknowledge", "alert.snooze", "alert.resolve"] as const;

/**
 * Operator actions on these alerts, oldest first, from the audit trail (alerts.act writes one row
 * per action with the reason). Served by audit_event_action_target_id_created_at_idx.
 */
export function listAlertAuditEvents(db: TDb, tenantIds: readonly string[], alertIds: readonly string[]) {
  if (alertIds.length === 0) return Promise.resolve([]);
  return db.auditEvent.findMany({
    where: {
      action: { in: [...ALERT_AUDIT_ACTIONS] },
      targetId: { in: [...alertIds] },
      targetType: "alert",
      tenantId: { in: [...tenantIds] },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { targetId: true, action: true, actorLabel: true, reason: true, data: true, createdAt: true },
  });
}

export type TAlertCountRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  senderNumberId: string | null;
  senderDisplayNumber: string | null;
  kind: string;
  status: TAlertStatus;
  count: number;
  oldestOpenedAt: Date;
};

/** Unresolved alerts per tenant, sender number, kind and status (the page's overview). */
export async function countUnresolvedAlerts(
  db: TDb,
  tenantIds: readonly string[],
): Promise<TAlertCountRow[]> {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      sender_number_id: string | null;
      display_number: string | null;
      kind: string;
      status: TAlertStatus;
      n: number;
      oldest: Date;
    }[]
  >`
    SELECT a.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
           a.sender_number_id::text AS sender_number_id, s.display_number, a.kind, a.status::text AS status,
           a.n, a.oldest
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT a.tenant_id, a.sender_number_id, a.kind, a.status, count(*)::int AS n, min(a.opened_at) AS oldest
      FROM alert a
      WHERE a.tenant_id = scope.tenant_id AND a.status IN ('open', 'acknowledged', 'snoozed')
      GROUP BY a.tenant_id, a.sender_number_id, a.kind, a.status
    ) a
    JOIN tenant t ON t.id = a.tenant_id
    LEFT JOIN sender_number s ON s.tenant_id = a.tenant_id AND s.id = a.sender_number_id
    ORDER BY t.name, s.display_number NULLS FIRST, a.kind, a.status`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    senderNumberId: r.sender_number_id,
    senderDisplayNumber: r.display_number,
    kind: r.kind,
    status: r.status,
    count: r.n,
    oldestOpenedAt: r.oldest,
  }));
}

export type TStalledCursor = { since: Date; id: string };

export type TStalledMessageRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  messageId: string;
  senderNumberId: string;
  senderDisplayNumber: string;
  templateName: string | null;
  state: TStallableState;
  /** when the message reached its state (a retry: when it was scheduled) */
  since: Date;
  /** a retry is measured from when it was due */
  retryDueAt: Date | null;
  thresholdSeconds: number;
  /** since (or the retry's due time) + threshold */
  stalledAt: Date;
  attemptCount: number;
  explanation: string;
  alert: { id: string; status: TAlertStatus } | null;
};

/** Counting stops here: "1,000+" is all the page needs to say (a retry costs a probe of its event). */
export const STALLED_COUNT_CAP = 1_000;

function thresholdRows(
  tenantIds: readonly string[],
  thresholds: ReadonlyMap<string, TStallThresholds>,
  state: TStallableState | undefined,
) {
  const rows: { tenantId: string; state: TStallableState; ms: number; heldMs: number | null }[] = [];
  for (const tenantId of tenantIds) {
    const own = thresholds.get(tenantId) ?? {};
    for (const [s, ms] of Object.entries(own) as [TStallableState | "held", number | undefined][]) {
      // `held` refines `accepted` (a message Meta holds under template pacing): heldMs
      if (s === "held" || ms === undefined || (state !== undefined && s !== state)) continue;
      rows.push({ tenantId, state: s, ms, heldMs: own.held ?? null });
    }
  }
  return rows;
}

/**
 * One branch per waiting state in `states`, UNION ALL: each names its state as a literal, both
 * for the scope row (`t.state`, so only the row's own branch runs) and for the message. Inside
 * the row-level-security scope a condition on an enum column cannot be an index condition (enum
 * equality is not LEAKPROOF: PostgreSQL keeps it behind the policy), but a literal state proves a
 * per-state partial index's predicate (migration 019), so each branch is a range scan of its
 * state's index in (state_reached_at, id) order, whichever role runs it.
 */
function perState(states: readonly TStallableState[], branch: (state: Prisma.Sql) => Prisma.Sql): Prisma.Sql {
  // the states come from the thresholds' keys, checked against the stallable ones: a literal
  // built from anything else would be a bug, never SQL
  const branches = states.map((state) => {
    if (!STALLABLE.has(state)) throw new Error(`not a stallable state: ${JSON.stringify(state)}`);
    return Prisma.sql`(${branch(Prisma.raw(`'${state}'::message_state`))})`;
  });
  return Prisma.join(branches, " UNION ALL ");
}

const STALLABLE = new Set<string>(["queued", "submitting", "accepted", "sent", "retrying"]);

/**
 * Messages waiting in a state longer than their tenant's threshold, oldest first. Per tenant and
 * state, a range scan of that state's partial index (message_tenant_id_stalled_<state>_idx)
 * bounded by the threshold's cutoff. A retry is measured from its due time (its deciding
 * event's notBefore), like the stall sweep: its rows get the cutoff `now` and are checked against
 * the due time. Also counts them per tenant and state, up to STALLED_COUNT_CAP each.
 */
export async function listStalledMessages(
  db: TDb,
  tenantIds: readonly string[],
  thresholds: ReadonlyMap<string, TStallThresholds>,
  filter: { state?: TStallableState; senderNumberId?: string; after?: TStalledCursor; limit: number },
  now: Date,
): Promise<{
  rows: TStalledMessageRow[];
  nextCursor: TStalledCursor | null;
  counts: { tenantId: string; state: TStallableState; count: number; isCapped: boolean }[];
}> {
  const scope = thresholdRows(tenantIds, thresholds, filter.state);
  if (scope.length === 0) return { rows: [], nextCursor: null, counts: [] };
  const scopeOf = (rows: typeof scope) =>
    Prisma.sql`unnest(${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.state)}::text[]::message_state[],
                  ${rows.map((r) => r.ms)}::bigint[],
                  ${rows.map((r) => new Date(now.getTime() - (r.state === "retrying" ? 0 : r.ms)).toISOString())}::timestamptz[],
                  ${rows.map((r) => (r.heldMs === null ? null : new Date(now.getTime() - r.heldMs).toISOString()))}::timestamptz[])
           AS t (tenant_id, state, threshold_ms, cutoff, held_cutoff)`;
  const scopeSql = scopeOf(scope);
  const waitingScope = scope.filter((r) => r.state !== "retrying");
  const retryingScope = scope.filter((r) => r.state === "retrying");
  const statesOf = (rows: typeof scope) => [...new Set(rows.map((r) => r.state))];
  const baseConditions: Prisma.Sql[] = [
    Prisma.sql`m.tenant_id = t.tenant_id`,
    Prisma.sql`m.state_reached_at < t.cutoff`,
    // a message Meta holds under template pacing waits by design: its own threshold
    Prisma.sql`(m.template_pacing IS NULL OR m.state_reached_at < t.held_cutoff)`,
  ];
  if (filter.senderNumberId)
    baseConditions.push(Prisma.sql`m.sender_number_id = ${filter.senderNumberId}::uuid`);
  const conditions: Prisma.Sql[] = [
    ...baseConditions,
    // a retry counts from when it was due, not from when it was scheduled
    Prisma.sql`(m.state <> 'retrying' OR coalesce(r.not_before, (extract(epoch FROM m.state_reached_at) * 1000)::bigint) + t.threshold_ms < ${now.getTime()})`,
  ];
  const pageConditions = [...conditions];
  if (filter.after) {
    pageConditions.push(
      Prisma.sql`m.state_reached_at >= ${filter.after.since} AND (m.state_reached_at > ${filter.after.since} OR m.id > ${filter.after.id}::uuid)`,
    );
  }
  const retryDue = Prisma.sql`
    LEFT JOIN LATERAL (
      SELECT (e.body->>'notBefore')::bigint AS not_before FROM message_event e
      WHERE m.state = 'retrying' AND e.tenant_id = m.tenant_id AND e.message_id = m.id
        AND e.dedupe_key = m.decider_dedupe_key
    ) r ON true`;
  const take = filter.limit + 1;
  type TCountRow = { tenant_id: string; state: TStallableState; n: number };
  const [rows, waitingCounts, retryingCounts] = await Promise.all([
    db.$queryRaw<
      {
        tenant_id: string;
        tenant_slug: string;
        tenant_name: string;
        id: string;
        sender_number_id: string;
        display_number: string;
        template_name: string | null;
        // only waiting states are scanned (the thresholds name them)
        state: TStallableState;
        state_reached_at: Date;
        not_before: bigint | null;
        threshold_ms: bigint;
        attempt_count: number;
        state_explanation: string;
        alert_id: string | null;
        alert_status: TAlertStatus | null;
      }[]
    >`
      SELECT m.tenant_id::text AS tenant_id, tn.slug AS tenant_slug, tn.name AS tenant_name, m.id::text AS id,
             m.sender_number_id::text AS sender_number_id, s.display_number, m.template_name, m.state::text AS state,
             m.state_reached_at, m.not_before, m.threshold_ms, m.attempt_count, m.state_explanation,
             al.id::text AS alert_id, al.status::text AS alert_status
      FROM ${scopeSql}
      CROSS JOIN LATERAL (
        SELECT * FROM (
          ${perState(
            statesOf(scope),
            (state) => Prisma.sql`
            SELECT m.tenant_id, m.id, m.sender_number_id, m.template_name, m.state, m.state_reached_at,
                   m.attempt_count, m.state_explanation, r.not_before,
                   CASE WHEN m.template_pacing IS NOT NULL
                        THEN (extract(epoch FROM (${now}::timestamptz - t.held_cutoff)) * 1000)::bigint
                        ELSE t.threshold_ms END AS threshold_ms
            FROM message m
            ${retryDue}
            WHERE t.state = ${state} AND m.state = ${state} AND ${Prisma.join(pageConditions, " AND ")}
            ORDER BY m.state_reached_at, m.id
            LIMIT ${take}`,
          )}
        ) b
        ORDER BY b.state_reached_at, b.id
        LIMIT ${take}
      ) m
      JOIN tenant tn ON tn.id = m.tenant_id
      JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
      LEFT JOIN LATERAL (
        SELECT a.id, a.status FROM alert a
        WHERE a.tenant_id = m.tenant_id AND a.message_id = m.id AND a.kind = 'message_stalled'
          AND a.status <> 'resolved'
        ORDER BY a.opened_at DESC LIMIT 1
      ) al ON true
      ORDER BY m.state_reached_at, m.id
      LIMIT ${take}`,
    // counted apart from the page, and apart from each other: a waiting state other than
    // retrying is an index-only count of the partial index's range; only retries need their
    // deciding event (the due time)
    waitingScope.length === 0
      ? Promise.resolve([])
      : db.$queryRaw<TCountRow[]>`
          SELECT t.tenant_id::text AS tenant_id, t.state::text AS state, c.n
          FROM ${scopeOf(waitingScope)}
          CROSS JOIN LATERAL (
            SELECT count(*)::int AS n FROM (
              ${perState(
                statesOf(waitingScope),
                (state) => Prisma.sql`
                SELECT 1 FROM message m
                WHERE t.state = ${state} AND m.state = ${state} AND ${Prisma.join(baseConditions, " AND ")}
                LIMIT ${STALLED_COUNT_CAP + 1}`,
              )}
            ) capped
          ) c
          WHERE c.n > 0`,
    retryingScope.length === 0
      ? Promise.resolve([])
      : db.$queryRaw<TCountRow[]>`
          SELECT t.tenant_id::text AS tenant_id, t.state::text AS state, c.n
          FROM ${scopeOf(retryingScope)}
          CROSS JOIN LATERAL (
            SELECT count(*)::int AS n FROM (
              ${perState(
                ["retrying"],
                (state) => Prisma.sql`
                SELECT 1 FROM message m
                ${retryDue}
                WHERE t.state = ${state} AND m.state = ${state} AND ${Prisma.join(conditions, " AND ")}
                LIMIT ${STALLED_COUNT_CAP + 1}`,
              )}
            ) capped
          ) c
          WHERE c.n > 0`,
  ]);
  const page = rows.slice(0, filter.limit).map((r): TStalledMessageRow => {
    const thresholdMs = Number(r.threshold_ms);
    const retryDueAt =
      r.state === "retrying" && r.not_before !== null ? new Date(Number(r.not_before)) : null;
    const reference = retryDueAt ?? r.state_reached_at;
    return {
      tenantId: r.tenant_id,
      tenantSlug: r.tenant_slug,
      tenantName: r.tenant_name,
      messageId: r.id,
      senderNumberId: r.sender_number_id,
      senderDisplayNumber: r.display_number,
      templateName: r.template_name,
      state: r.state,
      since: r.state_reached_at,
      retryDueAt,
      thresholdSeconds: thresholdMs / 1000,
      stalledAt: new Date(reference.getTime() + thresholdMs),
      attemptCount: r.attempt_count,
      explanation: r.state_explanation,
      alert: r.alert_id && r.alert_status ? { id: r.alert_id, status: r.alert_status } : null,
    };
  });
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > filter.limit && last ? { since: last.since, id: last.messageId } : null,
    counts: [...waitingCounts, ...retryingCounts].map((c) => ({
      tenantId: c.tenant_id,
      state: c.state,
      count: Math.min(c.n, STALLED_COUNT_CAP),
      isCapped: c.n > STALLED_COUNT_CAP,
    })),
  };
}
