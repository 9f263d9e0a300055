// Reads of the Operations page (engineers and admins, every tenant): webhook requests per minute,
// waiting orphans, send queues and in-doubt attempts per tenant, pg-boss queues, and provider
// errors per tenant. Tenant-owned rows are read per tenant (a LATERAL join over the tenants), so
// each read is a range scan of a tenant-first index and none spans tenants.
import type { TDb } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { uuidV7Floor } from "@/server/ingest/uuid-v7";

export type TInboxStatus = "pending" | "processed" | "quarantined" | "failed";

/**
 * Requests received per minute since `from`, by their current status. The inbox id is a UUIDv7
 * (time-ordered), so the window is a primary-key range: the last hour costs the same whatever
 * the inbox holds. Re-posted bodies are not rows (they are counted on the original).
 */
export function readRequestsPerMinute(db: TDb, from: Date) {
  return db.$queryRaw<{ minute: Date; status: TInboxStatus; n: number }[]>`
    SELECT date_trunc('minute', received_at) AS minute, status::text AS status, count(*)::int AS n
    FROM webhook_inbox
    WHERE id >= ${uuidV7Floor(from.getTime())}::uuid
    GROUP BY 1, 2
    ORDER BY 1, 2`;
}

export type TOrphanCursor = { receivedAt: Date; id: string };

/** Statuses waiting for their message, oldest first, across `tenantIds` (keyset pages). */
export async function listWaitingOrphans(
  db: TDb,
  tenantIds: readonly string[],
  filter: { after?: TOrphanCursor; limit: number },
) {
  if (tenantIds.length === 0) return { rows: [], nextCursor: null };
  const after = filter.after ?? null;
  const take = filter.limit + 1;
  // served by webhook_orphan_status_waiting_age_idx (tenant_id, received_at), partial: waiting only
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      id: string;
      sender_number_id: string;
      display_number: string;
      provider_message_id: string;
      status: string;
      provider_timestamp: Date | null;
      biz_opaque_callback_data: string | null;
      raw_webhook_id: string;
      received_at: Date;
    }[]
  >`
    SELECT o.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name, o.id::text AS id,
           o.sender_number_id::text AS sender_number_id, s.display_number, o.provider_message_id, o.status,
           o.provider_timestamp, o.biz_opaque_callback_data, o.raw_webhook_id::text AS raw_webhook_id, o.received_at
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    CROSS JOIN LATERAL (
      SELECT o.* FROM webhook_orphan_status o
      WHERE o.tenant_id = scope.tenant_id AND o.attached_at IS NULL AND o.discarded_at IS NULL
        -- foreign statuses (messages Waybill never sent) are counted apart, not waited for
        AND o.foreign_at IS NULL
        ${
          after
            ? Prisma.sql`AND o.received_at >= ${after.receivedAt} AND (o.received_at > ${after.receivedAt} OR o.id > ${after.id}::uuid)`
            : Prisma.empty
        }
      ORDER BY o.received_at, o.id
      LIMIT ${take}
    ) o
    JOIN tenant t ON t.id = o.tenant_id
    JOIN sender_number s ON s.tenant_id = o.tenant_id AND s.id = o.sender_number_id
    ORDER BY o.received_at, o.id
    LIMIT ${take}`;
  const page = rows.slice(0, filter.limit).map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    id: r.id,
    senderNumberId: r.sender_number_id,
    senderDisplayNumber: r.display_number,
    providerMessageId: r.provider_message_id,
    status: r.status,
    providerTimestamp: r.provider_timestamp,
    bizOpaqueCallbackData: r.biz_opaque_callback_data,
    rawWebhookId: r.raw_webhook_id,
    receivedAt: r.received_at,
  }));
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: rows.length > filter.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
  };
}

/**
 * Per tenant: the send queue (depth, due now, leased, oldest due and oldest queued), paused
 * numbers, and attempts in doubt (messages left `submitting` longer than `inDoubtAfterMs`, not
 * leased by a live worker: what sending.listInDoubt lists). Tenants with nothing are omitted.
 */
export async function readSendQueuesPerTenant(
  db: TDb,
  tenantIds: readonly string[],
  now: Date,
  inDoubtAfterMs: number,
) {
  if (tenantIds.length === 0) return [];
  const inDoubtBefore = new Date(now.getTime() - inDoubtAfterMs);
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      queued: number;
      due: number;
      leased: number;
      oldest_due_at: Date | null;
      oldest_enqueued_at: Date | null;
      paused_numbers: number;
      in_doubt: number;
      in_doubt_held: number;
    }[]
  >`
    SELECT t.id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
           q.queued, q.due, q.leased, q.oldest_due_at, q.oldest_enqueued_at, p.paused_numbers,
           d.in_doubt, d.in_doubt_held
    FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
    JOIN tenant t ON t.id = scope.tenant_id
    -- send_queue_tenant_id_sender_number_id_not_before_idx: the tenant's rows only
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS queued,
             count(*) FILTER (WHERE q.not_before <= ${now})::int AS due,
             count(*) FILTER (WHERE q.lease_until >= ${now})::int AS leased,
             min(q.not_before) FILTER (WHERE q.not_before <= ${now}) AS oldest_due_at,
             min(q.enqueued_at) AS oldest_enqueued_at
      FROM send_queue q WHERE q.tenant_id = scope.tenant_id
    ) q
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS paused_numbers FROM sender_dispatch d
      WHERE d.tenant_id = scope.tenant_id AND d.paused_at IS NOT NULL
    ) p
    -- message_tenant_id_submitting_idx (tenant_id, state_reached_at) WHERE state = 'submitting'
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS in_doubt,
             count(*) FILTER (WHERE sq.in_doubt_attempt IS NULL)::int AS in_doubt_held
      FROM message m
      LEFT JOIN send_queue sq ON sq.tenant_id = m.tenant_id AND sq.message_id = m.id
      WHERE m.tenant_id = scope.tenant_id AND m.state = 'submitting' AND m.state_reached_at <= ${inDoubtBefore}
        AND (sq.lease_until IS NULL OR sq.lease_until < ${now})
    ) d
    WHERE q.queued > 0 OR p.paused_numbers > 0 OR d.in_doubt > 0
    ORDER BY t.name`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    queued: r.queued,
    due: r.due,
    leased: r.leased,
    oldestDueAt: r.oldest_due_at,
    oldestEnqueuedAt: r.oldest_enqueued_at,
    pausedNumbers: r.paused_numbers,
    inDoubt: r.in_doubt,
    inDoubtHeld: r.in_doubt_held,
  }));
}

/**
 * pg-boss queues (schema `pgboss`): jobs waiting (created, retry), active, the oldest waiting
 * job, and jobs failed since `failedSince` (still in the job table or already archived). Null
 * when the schema does not exist yet (no process has started the queue).
 */
export async function readJobQueues(db: TDb, failedSince: Date) {
  const [exists] = await db.$queryRaw<{ ok: boolean }[]>`
    SELECT to_regclass('pgboss.job') IS NOT NULL AND to_regclass('pgboss.archive') IS NOT NULL AS ok`;
  if (!exists?.ok) return null;
  // pgboss.job is partitioned by queue name; the archive is indexed by archived_on, which is
  // never before completed_on, so it bounds the failed-since scan
  const rows = await db.$queryRaw<
    {
      name: string;
      created: number;
      retry: number;
      active: number;
      failed: number;
      oldest_waiting_at: Date | null;
      last_failed_at: Date | null;
    }[]
  >`
    SELECT q.name,
           coalesce(j.created, 0)::int AS created, coalesce(j.retry, 0)::int AS retry,
           coalesce(j.active, 0)::int AS active,
           (coalesce(j.failed, 0) + coalesce(a.failed, 0))::int AS failed,
           j.oldest_waiting_at, greatest(j.last_failed_at, a.last_failed_at) AS last_failed_at
    FROM pgboss.queue q
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE j.state = 'created') AS created,
             count(*) FILTER (WHERE j.state = 'retry') AS retry,
             count(*) FILTER (WHERE j.state = 'active') AS active,
             count(*) FILTER (WHERE j.state = 'failed' AND j.completed_on >= ${failedSince}) AS failed,
             min(j.created_on) FILTER (WHERE j.state IN ('created', 'retry')) AS oldest_waiting_at,
             max(j.completed_on) FILTER (WHERE j.state = 'failed') AS last_failed_at
      FROM pgboss.job j
      WHERE j.name = q.name AND (j.state < 'completed' OR (j.state = 'failed' AND j.completed_on >= ${failedSince}))
    ) j ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS failed, max(a.completed_on) AS last_failed_at FROM pgboss.archive a
      WHERE a.name = q.name AND a.archived_on >= ${failedSince} AND a.state = 'failed'
        AND a.completed_on >= ${failedSince}
    ) a ON true
    -- pg-boss's own queues (e.g. __pgboss__send-it, its cron hand-off) are not ours to watch
    WHERE q.name NOT LIKE '\_\_pgboss\_\_%'
    ORDER BY q.name`;
  return rows.map((r) => ({
    name: r.name,
    waiting: r.created + r.retry,
    retrying: r.retry,
    active: r.active,
    failed: r.failed,
    oldestWaitingAt: r.oldest_waiting_at,
    lastFailedAt: r.last_failed_at,
  }));
}

/**
 * Provider errors per tenant since `since`: rejections (provider_rejected) and failure statuses
 * (status_failed) by error code, and the messages requested in the same window (the rate's
 * denominator). Per tenant, the error codes are walked with a loose index scan of
 * message_event_tenant_id_error_code_idx (tenant_id, error_code, recorded_at) and each code's
 * window is a range of that index, so the cost follows the errors of the hour, not the ledger.
 */
export async function readProviderErrorsPerTenant(db: TDb, tenantIds: readonly string[], since: Date) {
  if (tenantIds.length === 0) return { requested: [], errors: [] };
  const [requested, errors] = await Promise.all([
    db.$queryRaw<{ tenant_id: string; n: number }[]>`
      SELECT scope.tenant_id::text AS tenant_id, c.n
      FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
      -- message_tenant_id_created_at_idx
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS n FROM message m
        WHERE m.tenant_id = scope.tenant_id AND m.created_at >= ${since}
      ) c`,
    db.$queryRaw<{ tenant_id: string; error_code: string; type: string; n: number; last_at: Date }[]>`
      WITH RECURSIVE codes AS (
        SELECT scope.tenant_id,
               (SELECT min(e.error_code) FROM message_event e
                WHERE e.tenant_id = scope.tenant_id AND e.error_code IS NOT NULL) AS error_code
        FROM unnest(${[...tenantIds]}::uuid[]) AS scope (tenant_id)
        UNION ALL
        SELECT c.tenant_id,
               (SELECT min(e.error_code) FROM message_event e
                WHERE e.tenant_id = c.tenant_id AND e.error_code IS NOT NULL AND e.error_code > c.error_code)
        FROM codes c WHERE c.error_code IS NOT NULL
      )
      SELECT c.tenant_id::text AS tenant_id, c.error_code, e.type::text AS type, count(*)::int AS n,
             max(e.recorded_at) AS last_at
      FROM codes c
      JOIN message_event e ON e.tenant_id = c.tenant_id AND e.error_code = c.error_code
        AND e.recorded_at >= ${since}
      WHERE c.error_code IS NOT NULL AND e.type IN ('provider_rejected', 'status_failed')
      GROUP BY c.tenant_id, c.error_code, e.type
      ORDER BY c.tenant_id, n DESC, c.error_code`,
  ]);
  return {
    requested: requested.map((r) => ({ tenantId: r.tenant_id, count: r.n })),
    errors: errors.map((e) => ({
      tenantId: e.tenant_id,
      errorCode: e.error_code,
      type: e.type as "provider_rejected" | "status_failed",
      count: e.n,
      lastAt: e.last_at,
    })),
  };
}
