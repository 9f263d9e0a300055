// Reads of dead letters (the `dead_letter` projection, migration 007): the list, keyset-paginated,
// per tenant or across the tenants a role sees (the same per-tenant query in a LATERAL join, each
// a range scan of a tenant-first index); the facts a dry run needs about a selection; and bulk
// actions with their items. Every function takes the tenant(s) and puts them in `where`.
import type { TDb, TDbTx } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { TRetryCandidate } from "@/server/domain/dead-letters/assess-retry";
import type { THoldState } from "@/server/domain/number-health/sending-hold";
import type { TDeadLetterStatus, TReasonClass } from "@/server/domain/dead-letters/dead-letter";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { maskRecipient } from "@/server/domain/sending/send-request";

export type TDeadLetterCursor = { deadLetteredAt: Date; messageId: string };

export type TDeadLetterQuery = {
  /** undefined: every status */
  status?: TDeadLetterStatus;
  senderNumberId?: string;
  /** null: dead letters without an error code (a group of them, e.g. given up in doubt) */
  errorCode?: string | null;
  reasonClass?: TReasonClass;
  /** null: free-form text messages (no template) */
  templateName?: string | null;
  /** dead-lettered at or after */
  deadLetteredFrom?: Date;
  /** dead-lettered before */
  deadLetteredTo?: Date;
  after?: TDeadLetterCursor;
  limit: number;
};

export type TDeadLetterRow = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  messageId: string;
  recipientMasked: string;
  senderNumberId: string;
  senderDisplayNumber: string;
  senderLabel: string | null;
  contentKind: string;
  templateName: string | null;
  messageState: TMessageState;
  attemptCount: number;
  requestedAt: Date;
  deadLetteredAt: Date;
  deadLetterAttempt: number;
  episodes: number;
  reason: string;
  reasonClass: TReasonClass;
  errorCode: string | null;
  errorTitle: string | null;
  status: TDeadLetterStatus;
  statusAt: Date;
  retryAttempt: number | null;
  retriedBy: string | null;
  acknowledgedAttempt: number | null;
  discardedBy: string | null;
  discardReason: string | null;
  cancelledBy: string | null;
  cancelReason: string | null;
};

type TDeadLetterSqlRow = {
  tenant_id: string;
  tenant_slug: string;
  tenant_name: string;
  message_id: string;
  recipient: string;
  sender_number_id: string;
  sender_display_number: string;
  sender_label: string | null;
  content_kind: string;
  template_name: string | null;
  message_state: TMessageState;
  attempt_count: number;
  requested_at: Date;
  dead_lettered_at: Date;
  dead_letter_attempt: number;
  episodes: number;
  reason: string;
  reason_class: TReasonClass;
  error_code: string | null;
  error_title: string | null;
  status: TDeadLetterStatus;
  status_at: Date;
  retry_attempt: number | null;
  retried_by: string | null;
  acknowledged_attempt: number | null;
  discarded_by: string | null;
  discard_reason: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
};

function conditionsOf(query: Omit<TDeadLetterQuery, "limit">): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [Prisma.sql`d.tenant_id = scope.tenant_id`];
  if (query.status) conditions.push(Prisma.sql`d.status = ${query.status}::dead_letter_status`);
  if (query.senderNumberId) conditions.push(Prisma.sql`d.sender_number_id = ${query.senderNumberId}::uuid`);
  if (query.errorCode === null) conditions.push(Prisma.sql`d.error_code IS NULL`);
  else if (query.errorCode) conditions.push(Prisma.sql`d.error_code = ${query.errorCode}`);
  if (query.reasonClass) conditions.push(Prisma.sql`d.reason_class = ${query.reasonClass}`);
  if (query.templateName === null) conditions.push(Prisma.sql`d.template_name IS NULL`);
  else if (query.templateName) conditions.push(Prisma.sql`d.template_name = ${query.templateName}`);
  if (query.deadLetteredFrom) conditions.push(Prisma.sql`d.dead_lettered_at >= ${query.deadLetteredFrom}`);
  if (query.deadLetteredTo) conditions.push(Prisma.sql`d.dead_lettered_at < ${query.deadLetteredTo}`);
  if (query.after) {
    // the time bound is an index condition; the id only breaks ties
    conditions.push(
      Prisma.sql`d.dead_lettered_at <= ${query.after.deadLetteredAt} AND (d.dead_lettered_at < ${query.after.deadLetteredAt} OR d.message_id < ${query.after.messageId}::uuid)`,
    );
  }
  return conditions;
}

/** The list's SQL (exported so the bench can EXPLAIN exactly what runs). */
export function listDeadLettersSql(tenantIds: readonly string[], query: TDeadLetterQuery): Prisma.Sql {
  const take = query.limit + 1;
  return Prisma.sql`
    SELECT d.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
           d.message_id::text AS message_id, m.recipient, d.sender_number_id::text AS sender_number_id,
           s.display_number AS sender_display_number, s.label AS sender_label, d.content_kind,
           d.template_name, m.state::text AS message_state, m.attempt_count, m.created_at AS requested_at,
           d.dead_lettered_at, d.dead_letter_attempt, d.episodes, d.reason, d.reason_class, d.error_code,
           d.error_title, d.status::text AS status, d.status_at, d.retry_attempt, d.retried_by,
           d.acknowledged_attempt, d.discarded_by, d.discard_reason, d.cancelled_by, d.cancel_reason
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT d.* FROM dead_letter d
      WHERE ${Prisma.join(conditionsOf(query), " AND ")}
      ORDER BY d.dead_lettered_at DESC, d.message_id DESC
      LIMIT ${take}
    ) d
    JOIN message m ON m.tenant_id = d.tenant_id AND m.id = d.message_id
    JOIN tenant t ON t.id = d.tenant_id
    JOIN sender_number s ON s.tenant_id = d.tenant_id AND s.id = d.sender_number_id
    ORDER BY d.dead_lettered_at DESC, d.message_id DESC
    LIMIT ${take}`;
}

/** A page of dead letters, newest first; `nextCursor` when there is more. */
export async function listDeadLetters(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  query: TDeadLetterQuery,
): Promise<{ rows: TDeadLetterRow[]; nextCursor: TDeadLetterCursor | null }> {
  if (tenantIds.length === 0) return { rows: [], nextCursor: null };
  const rows = await db.$queryRaw<TDeadLetterSqlRow[]>(listDeadLettersSql(tenantIds, query));
  const page = rows.slice(0, query.limit).map(toRow);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor:
      rows.length > query.limit && last
        ? { deadLetteredAt: last.deadLetteredAt, messageId: last.messageId }
        : null,
  };
}

/**
 * The messages a filter matches (at most `cap + 1`, so the caller can tell the cap was passed),
 * in list order: how a bulk action freezes "everything matching this filter" into ids.
 */
export async function listDeadLetterKeys(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  query: Omit<TDeadLetterQuery, "limit" | "after">,
  cap: number,
): Promise<{ tenantId: string; messageId: string }[]> {
  if (tenantIds.length === 0) return [];
  const take = cap + 1;
  const rows = await db.$queryRaw<{ tenant_id: string; message_id: string }[]>`
    SELECT d.tenant_id::text AS tenant_id, d.message_id::text AS message_id
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT d.tenant_id, d.message_id, d.dead_lettered_at FROM dead_letter d
      WHERE ${Prisma.join(conditionsOf(query), " AND ")}
      ORDER BY d.dead_lettered_at DESC, d.message_id DESC
      LIMIT ${take}
    ) d
    ORDER BY d.dead_lettered_at DESC, d.message_id DESC
    LIMIT ${take}`;
  return rows.map((r) => ({ tenantId: r.tenant_id, messageId: r.message_id }));
}

export type TDeadLetterGroupKey = {
  errorCode: string | null;
  senderNumberId: string;
  templateName: string | null;
};

export type TDeadLetterGroupRow = TDeadLetterGroupKey & {
  tenantId: string;
  tenantSlug: string;
  errorTitle: string | null;
  /** the class most of the group's dead letters have (one error code nearly always has one) */
  reasonClass: TReasonClass;
  /** the newest dead letter's reason in words */
  latestReason: string;
  senderDisplayNumber: string;
  senderLabel: string | null;
  count: number;
  /** dead-lettered again after a retry (episodes > 1) */
  failedAgain: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** the newest bulk operation whose retry of one of the group's messages failed again */
  lastOperationId: string | null;
  /** who retried the newest message that failed again (bulk or single retry) */
  lastRetriedBy: string | null;
};

/**
 * Open dead letters grouped by error code x sender number x template, newest group first: how
 * an engineer sees one cause once instead of as hundreds of rows. For messages that failed again
 * after a retry, the operator action that retried them is read from their own ledger (the
 * `operator:<id>` dedupe key holds the bulk item's id), so no index over bulk items per message
 * is needed; the lookup is skipped for messages that failed only once. Tenant-scoped: every row is
 * read inside `tenantIds`, through the tenant-first status index.
 */
export async function listDeadLetterGroups(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  query: Omit<TDeadLetterQuery, "limit" | "after" | "status">,
  limit: number,
): Promise<{ groups: TDeadLetterGroupRow[]; isTruncated: boolean; total: number }> {
  if (tenantIds.length === 0) return { groups: [], isTruncated: false, total: 0 };
  const conditions = conditionsOf({ ...query, status: "open" });
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      error_code: string | null;
      sender_number_id: string;
      template_name: string | null;
      error_title: string | null;
      reason_class: TReasonClass;
      latest_reason: string;
      sender_display_number: string;
      sender_label: string | null;
      count: number;
      failed_again: number;
      first_seen_at: Date;
      last_seen_at: Date;
      last_operation_id: string | null;
      last_retried_by: string | null;
      total: number;
    }[]
  >`
    SELECT g.*, sum(g.count) OVER ()::int AS total
    FROM (
      SELECT d.tenant_id::text AS tenant_id, t.slug AS tenant_slug, d.error_code,
             d.sender_number_id::text AS sender_number_id, d.template_name,
             (array_agg(d.error_title ORDER BY d.dead_lettered_at DESC))[1] AS error_title,
             mode() WITHIN GROUP (ORDER BY d.reason_class) AS reason_class,
             (array_agg(d.reason ORDER BY d.dead_lettered_at DESC))[1] AS latest_reason,
             s.display_number AS sender_display_number, s.label AS sender_label,
             count(*)::int AS count, count(*) FILTER (WHERE d.episodes > 1)::int AS failed_again,
             min(d.dead_lettered_at) AS first_seen_at, max(d.dead_lettered_at) AS last_seen_at,
             (array_agg(op.bulk_action_id::text ORDER BY d.dead_lettered_at DESC)
                FILTER (WHERE op.bulk_action_id IS NOT NULL))[1] AS last_operation_id,
             (array_agg(op.actor ORDER BY d.dead_lettered_at DESC)
                FILTER (WHERE op.actor IS NOT NULL))[1] AS last_retried_by
      FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
      JOIN dead_letter d ON ${Prisma.join(conditions, " AND ")}
      JOIN tenant t ON t.id = d.tenant_id
      JOIN sender_number s ON s.tenant_id = d.tenant_id AND s.id = d.sender_number_id
      LEFT JOIN LATERAL (
        SELECT e.actor, i.bulk_action_id
        FROM message_event e
        LEFT JOIN bulk_action_item i ON i.tenant_id = e.tenant_id
          AND i.id = CASE WHEN substr(e.dedupe_key, 10) ~ '^[0-9a-f-]{36}$'
                          THEN substr(e.dedupe_key, 10)::uuid END
        WHERE d.episodes > 1 AND e.tenant_id = d.tenant_id AND e.message_id = d.message_id
          AND e.type = 'manual_action' AND e.body->>'action' = 'retry'
          AND e.dedupe_key LIKE 'operator:%'
        ORDER BY e.seq DESC
        LIMIT 1
      ) op ON true
      GROUP BY d.tenant_id, t.slug, d.error_code, d.sender_number_id, d.template_name,
               s.display_number, s.label
    ) g
    ORDER BY g.last_seen_at DESC, g.tenant_id, g.error_code NULLS LAST, g.sender_number_id,
             g.template_name NULLS LAST
    LIMIT ${limit + 1}`;
  return {
    groups: rows.slice(0, limit).map((r) => ({
      tenantId: r.tenant_id,
      tenantSlug: r.tenant_slug,
      errorCode: r.error_code,
      senderNumberId: r.sender_number_id,
      templateName: r.template_name,
      errorTitle: r.error_title,
      reasonClass: r.reason_class,
      latestReason: r.latest_reason,
      senderDisplayNumber: r.sender_display_number,
      senderLabel: r.sender_label,
      count: r.count,
      failedAgain: r.failed_again,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      lastOperationId: r.last_operation_id,
      lastRetriedBy: r.last_retried_by,
    })),
    isTruncated: rows.length > limit,
    total: rows[0]?.total ?? 0,
  };
}

/**
 * What a dry run needs to know about each selected message, in one query: the message and its
 * dead letter, the sender's pause and health holds, and the template's status as Meta last reported it.
 * Tenant-scoped: every pair is (tenant, message), and `tenantIds` bounds the tenants at all.
 */
export async function loadRetryCandidates(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
  selection: readonly { tenantId: string; messageId: string }[],
): Promise<TRetryCandidate[]> {
  if (selection.length === 0) return [];
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_name: string;
      message_id: string;
      state: TMessageState | null;
      content_kind: string | null;
      template_name: string | null;
      template_status: string | null;
      template_category: string | null;
      last_inbound_at: Date | null;
      marketing_opted_out: boolean | null;
      requested_at: Date | null;
      display_number: string | null;
      hard_hold_code: string | null;
      hard_hold_reason: string | null;
      template_hold_reason: string | null;
      template_hold_until: Date | null;
      override_mode: string | null;
      override_reason: string | null;
      override_by: string | null;
      override_until: Date | null;
      rate_ceiling: number | null;
      has_health: boolean;
      paused_at: Date | null;
      paused_reason: string | null;
      dl_status: TDeadLetterStatus | null;
      error_code: string | null;
      reason_class: TReasonClass | null;
      dead_lettered_at: Date | null;
      position: number;
    }[]
  >`
    SELECT sel.tenant_id::text AS tenant_id, t.name AS tenant_name, sel.message_id::text AS message_id,
           m.state::text AS state, m.content_kind, m.template_name, tpl.status AS template_status,
           coalesce(m.template_category, tpl.category) AS template_category, rc.last_inbound_at,
           rc.marketing_opted_out,
           m.created_at AS requested_at, s.display_number, h.hard_hold_code, h.hard_hold_reason,
           h.template_hold_reason, h.template_hold_until, h.override_mode, h.override_reason, h.override_by,
           h.override_until, h.rate_ceiling, h.sender_number_id IS NOT NULL AS has_health, sd.paused_at, sd.paused_reason, d.status::text AS dl_status, d.error_code, d.reason_class,
           d.dead_lettered_at, sel.position::int AS position
    FROM unnest(${selection.map((s) => s.tenantId)}::uuid[], ${selection.map((s) => s.messageId)}::uuid[])
         WITH ORDINALITY AS sel (tenant_id, message_id, position)
    JOIN tenant t ON t.id = sel.tenant_id AND t.id = ANY (${[...tenantIds]}::uuid[])
    LEFT JOIN message m ON m.tenant_id = sel.tenant_id AND m.id = sel.message_id
    LEFT JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
    LEFT JOIN sender_dispatch sd ON sd.tenant_id = m.tenant_id AND sd.sender_number_id = m.sender_number_id
    LEFT JOIN sender_health h ON h.tenant_id = m.tenant_id AND h.sender_number_id = m.sender_number_id
    LEFT JOIN dead_letter d ON d.tenant_id = m.tenant_id AND d.message_id = m.id
    LEFT JOIN LATERAL (
      SELECT mt.status, mt.category FROM message_template mt
      WHERE mt.tenant_id = m.tenant_id AND mt.waba_id = s.waba_id AND mt.name = m.template_name
        AND (mt.language IS NULL OR mt.language = m.template_language)
      ORDER BY mt.last_event_at DESC NULLS LAST LIMIT 1
    ) tpl ON m.template_name IS NOT NULL
    LEFT JOIN recipient_contact rc ON rc.tenant_id = m.tenant_id AND rc.sender_number_id = m.sender_number_id
      AND rc.recipient = m.recipient
    ORDER BY sel.position`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    messageId: r.message_id,
    message:
      r.state === null || r.requested_at === null
        ? null
        : {
            state: r.state,
            contentKind: r.content_kind === "text" ? "text" : "template",
            templateName: r.template_name,
            templateStatus: r.template_status,
            templateCategory: r.template_category,
            requestedAt: r.requested_at,
            contact:
              r.marketing_opted_out === null
                ? null
                : { lastInboundAt: r.last_inbound_at, marketingOptedOut: r.marketing_opted_out },
            sender: {
              displayNumber: r.display_number ?? "?",
              hold: r.has_health ? holdStateOfRow(r) : null,
              pausedAt: r.paused_at,
              pausedReason: r.paused_reason,
            },
          },
    deadLetter:
      r.dl_status === null || r.dead_lettered_at === null || r.reason_class === null
        ? null
        : {
            status: r.dl_status,
            errorCode: r.error_code,
            reasonClass: r.reason_class,
            deadLetteredAt: r.dead_lettered_at,
          },
  }));
}

/** The sending decision a sender_health row stores (its hold columns), for the pure rules to read. */
export function holdStateOfRow(row: {
  hard_hold_code: string | null;
  hard_hold_reason: string | null;
  template_hold_reason: string | null;
  template_hold_until: Date | null;
  override_mode: string | null;
  override_reason: string | null;
  override_by: string | null;
  override_until: Date | null;
  rate_ceiling: number | null;
}): THoldState {
  return {
    hardHold:
      row.hard_hold_code !== null && row.hard_hold_code !== "operator_hold"
        ? {
            code: row.hard_hold_code as NonNullable<THoldState["hardHold"]>["code"],
            reason: row.hard_hold_reason ?? row.hard_hold_code,
          }
        : null,
    templateHold:
      row.template_hold_reason !== null
        ? { reason: row.template_hold_reason, untilMs: row.template_hold_until?.getTime() ?? null }
        : null,
    override:
      (row.override_mode === "hold" || row.override_mode === "send") && row.override_until !== null
        ? {
            mode: row.override_mode,
            reason: row.override_reason ?? "",
            actor: row.override_by ?? "operator",
            expiresAtMs: row.override_until.getTime(),
          }
        : null,
    rateCeiling: row.rate_ceiling === null ? null : Number(row.rate_ceiling),
  };
}

/** One message's dead letter, or null when it was never dead-lettered. */
export function findDeadLetter(db: TDb | TDbTx, tenantId: string, messageId: string) {
  return db.deadLetter.findUnique({ where: { tenantId_messageId: { tenantId, messageId } } });
}

function toRow(row: TDeadLetterSqlRow): TDeadLetterRow {
  return {
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    tenantName: row.tenant_name,
    messageId: row.message_id,
    recipientMasked: maskRecipient(row.recipient),
    senderNumberId: row.sender_number_id,
    senderDisplayNumber: row.sender_display_number,
    senderLabel: row.sender_label,
    contentKind: row.content_kind,
    templateName: row.template_name,
    messageState: row.message_state,
    attemptCount: row.attempt_count,
    requestedAt: row.requested_at,
    deadLetteredAt: row.dead_lettered_at,
    deadLetterAttempt: row.dead_letter_attempt,
    episodes: row.episodes,
    reason: row.reason,
    reasonClass: row.reason_class,
    errorCode: row.error_code,
    errorTitle: row.error_title,
    status: row.status,
    statusAt: row.status_at,
    retryAttempt: row.retry_attempt,
    retriedBy: row.retried_by,
    acknowledgedAttempt: row.acknowledged_attempt,
    discardedBy: row.discarded_by,
    discardReason: row.discard_reason,
    cancelledBy: row.cancelled_by,
    cancelReason: row.cancel_reason,
  };
}

// ---- bulk actions ----

export type TBulkItemProgress = {
  total: number;
  /** not processed yet */
  pending: number;
  leftOut: number;
  skipped: number;
  discarded: number;
  retried: number;
  /** retried, the provider acknowledged the new attempt */
  acknowledged: number;
  /** retried, dead-lettered again */
  failedAgain: number;
  /** retried, no acknowledgement yet */
  awaitingAcknowledgement: number;
};

/**
 * Progress of bulk actions: item outcomes, and for retried items whether the provider has
 * acknowledged the new attempt (dead_letter.acknowledged_attempt) or it was dead-lettered again.
 * Each action's items are read inside its own tenants (tenant_ids leads the item key).
 */
export async function bulkProgress(
  db: TDb | TDbTx,
  actions: readonly { id: string; tenantIds: readonly string[] }[],
): Promise<Map<string, TBulkItemProgress>> {
  const result = new Map<string, TBulkItemProgress>();
  if (actions.length === 0) return result;
  const pairs = actions.flatMap((a) => a.tenantIds.map((tenantId) => ({ id: a.id, tenantId })));
  const rows = await db.$queryRaw<
    {
      bulk_action_id: string;
      total: number;
      pending: number;
      left_out: number;
      skipped: number;
      discarded: number;
      retried: number;
      acknowledged: number;
      failed_again: number;
    }[]
  >`
    SELECT scope.bulk_action_id::text AS bulk_action_id,
           sum(p.total)::int AS total, sum(p.pending)::int AS pending, sum(p.left_out)::int AS left_out,
           sum(p.skipped)::int AS skipped, sum(p.discarded)::int AS discarded, sum(p.retried)::int AS retried,
           sum(p.acknowledged)::int AS acknowledged, sum(p.failed_again)::int AS failed_again
    FROM unnest(${pairs.map((p) => p.id)}::uuid[], ${pairs.map((p) => p.tenantId)}::uuid[])
         AS scope (bulk_action_id, tenant_id)
    CROSS JOIN LATERAL (
      SELECT count(*) AS total,
             count(*) FILTER (WHERE i.outcome IS NULL) AS pending,
             count(*) FILTER (WHERE i.outcome = 'left_out') AS left_out,
             count(*) FILTER (WHERE i.outcome = 'skipped') AS skipped,
             count(*) FILTER (WHERE i.outcome = 'discarded') AS discarded,
             count(*) FILTER (WHERE i.outcome = 'retried') AS retried,
             count(*) FILTER (WHERE i.outcome = 'retried' AND d.acknowledged_attempt >= i.attempt) AS acknowledged,
             count(*) FILTER (WHERE i.outcome = 'retried' AND d.dead_letter_attempt >= i.attempt
                              AND NOT coalesce(d.acknowledged_attempt >= i.attempt, false)) AS failed_again
      FROM bulk_action_item i
      LEFT JOIN dead_letter d ON d.tenant_id = i.tenant_id AND d.message_id = i.message_id
      WHERE i.tenant_id = scope.tenant_id AND i.bulk_action_id = scope.bulk_action_id
    ) p
    GROUP BY scope.bulk_action_id`;
  for (const r of rows) {
    result.set(r.bulk_action_id, {
      total: r.total,
      pending: r.pending,
      leftOut: r.left_out,
      skipped: r.skipped,
      discarded: r.discarded,
      retried: r.retried,
      acknowledged: r.acknowledged,
      failedAgain: r.failed_again,
      awaitingAcknowledgement: r.retried - r.acknowledged - r.failed_again,
    });
  }
  return result;
}

export type TBulkItemRow = {
  tenantId: string;
  tenantSlug: string;
  messageId: string;
  warnings: string[];
  isLikelyToFail: boolean;
  outcome: "retried" | "discarded" | "skipped" | "left_out" | null;
  outcomeDetail: string | null;
  attempt: number | null;
  processedAt: Date | null;
  /** for retried items: acknowledged, failed again, or awaiting acknowledgement */
  retryStatus: "acknowledged" | "failed_again" | "awaiting_acknowledgement" | null;
};

/** The items of one bulk action, first `limit` in key order, read inside its tenants. */
export async function listBulkItems(
  db: TDb | TDbTx,
  action: { id: string; tenantIds: readonly string[] },
  limit: number,
): Promise<TBulkItemRow[]> {
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      message_id: string;
      warnings: string[];
      is_likely_to_fail: boolean;
      outcome: TBulkItemRow["outcome"];
      outcome_detail: string | null;
      attempt: number | null;
      processed_at: Date | null;
      acknowledged_attempt: number | null;
      dead_letter_attempt: number | null;
    }[]
  >`
    SELECT i.tenant_id::text AS tenant_id, t.slug AS tenant_slug, i.message_id::text AS message_id,
           i.warnings, i.is_likely_to_fail, i.outcome::text AS outcome, i.outcome_detail, i.attempt,
           i.processed_at, d.acknowledged_attempt, d.dead_letter_attempt
    FROM bulk_action_item i
    JOIN tenant t ON t.id = i.tenant_id
    LEFT JOIN dead_letter d ON d.tenant_id = i.tenant_id AND d.message_id = i.message_id
    WHERE i.tenant_id = ANY (${[...action.tenantIds]}::uuid[]) AND i.bulk_action_id = ${action.id}::uuid
    ORDER BY i.tenant_id, i.message_id
    LIMIT ${limit}`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    messageId: r.message_id,
    warnings: r.warnings,
    isLikelyToFail: r.is_likely_to_fail,
    outcome: r.outcome,
    outcomeDetail: r.outcome_detail,
    attempt: r.attempt,
    processedAt: r.processed_at,
    retryStatus:
      r.outcome !== "retried" || r.attempt === null
        ? null
        : r.acknowledged_attempt !== null && r.acknowledged_attempt >= r.attempt
          ? "acknowledged"
          : r.dead_letter_attempt !== null && r.dead_letter_attempt >= r.attempt
            ? "failed_again"
            : "awaiting_acknowledgement",
  }));
}
