// Orphan statuses: a status whose wamid no provider_accepted has named yet (Meta's webhook beat
// our send response). It waits in webhook_orphan_status, visibly, and joins the message's ledger
//   1. when provider_accepted names its wamid: the re-attach projector of the ledger append, in the
//      same transaction as the send response (the contract with the sending pipeline);
//   2. through biz_opaque_callback_data (`<message id>:<attempt>`) when the send response never
//      came (a timeout, a crash): at once while the attempt it names is in doubt (no wamid
//      recorded for it: attachOrphansNamingMessage, before an in-doubt attempt is resent),
//      otherwise after a grace period; the status itself then proves acceptance of that attempt (R6);
//   3. by the sweep's safety net if a provider id exists but the hook did not run.
//
// Race between "status arrives" and "accept recorded" (both in flight): both sides take the same
// transaction-scoped advisory lock on (tenant, wamid) before looking at the other side's table,
// so either the processor sees the committed provider id, or the hook sees the committed orphan.
import type { TDb, TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import { compareStrings } from "@/server/domain/ledger/group-receipts";
import { parseCallbackData } from "@/server/domain/sending/send-request";
import { readStatusDraft, type TStatusDraft } from "@/server/ingest/status-draft";
import { appendBatch } from "@/server/services/ledger/append-batch";
import type { TAppendedEvent, TFollowUp, TLedgerProjector } from "@/server/services/ledger/projector";
import { alertKeys, raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import { addCounters } from "./counters";

type TOrphanRow = { id: string; draft: unknown; raw_webhook_id: string; received_at: Date };

export type TAttachedBy = "wamid" | "biz_opaque_callback_data";

/** Serialises "status for wamid W is unknown -> park it" against "accept names W -> attach". */
export function wamidLockKey(tenantId: string, providerMessageId: string): string {
  return `waybill.orphan:${tenantId}:${providerMessageId}`;
}

/** Takes the advisory locks of several wamids in one global order (no deadlock between two takers). */
export async function lockWamids(handle: TDbTx | TSql, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await toSql(handle).query(
    `SELECT count(pg_advisory_xact_lock(h))::int AS n FROM (
       SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY 1
     ) AS ordered`,
    [[...keys]],
  );
}

/**
 * The re-attach hook, a ledger projector: for each provider_accepted a ledger append records, the
 * waiting orphans of that wamid are appended to the message with the accepted attempt, in the
 * append's transaction (one lock statement, one select and one update for the whole batch).
 */
export const orphanReattachProjector: TLedgerProjector = {
  name: "orphan-reattach",
  followUps: async ({ sql, now, appended }) => {
    const accepts = appended
      .flatMap((m) =>
        m.appended
          .filter(
            (e): e is Extract<TAppendedEvent, { type: "provider_accepted" }> =>
              e.type === "provider_accepted",
          )
          .map((accept) => ({ tenantId: m.tenantId, messageId: m.messageId, accept })),
      )
      .sort((a, b) =>
        compareStrings(
          `${a.tenantId}|${a.messageId}|${a.accept.providerMessageId}`,
          `${b.tenantId}|${b.messageId}|${b.accept.providerMessageId}`,
        ),
      );
    if (accepts.length === 0) return [];
    await lockWamids(
      sql,
      accepts.map((a) => wamidLockKey(a.tenantId, a.accept.providerMessageId)),
    );
    const orphans = await sql.query<TOrphanRow & { tenant_id: string; provider_message_id: string }>(
      `SELECT o.tenant_id::text AS tenant_id, o.provider_message_id, o.id::text AS id, o.draft,
              o.raw_webhook_id::text AS raw_webhook_id, o.received_at
       FROM webhook_orphan_status o
       JOIN unnest($1::uuid[], $2::text[]) AS k(tenant_id, wamid)
         ON o.tenant_id = k.tenant_id AND o.provider_message_id = k.wamid
       WHERE o.attached_at IS NULL AND o.discarded_at IS NULL
       ORDER BY o.received_at, o.id
       FOR UPDATE OF o`,
      [accepts.map((a) => a.tenantId), accepts.map((a) => a.accept.providerMessageId)],
    );
    if (orphans.length === 0) return [];
    const followUps: TFollowUp[] = [];
    const attached: { tenantId: string; id: string; messageId: string }[] = [];
    const counters = new Map<string, number>();
    for (const { tenantId, messageId, accept } of accepts) {
      const own = orphans.filter(
        (o) => o.tenant_id === tenantId && o.provider_message_id === accept.providerMessageId,
      );
      if (own.length === 0) continue;
      followUps.push(
        ...orphanAppends(tenantId, messageId, own, accept.attempt).map((a) => ({
          ...a,
          causedBy: accept.dedupeKey,
        })),
      );
      attached.push(...own.map((o) => ({ tenantId, id: o.id, messageId })));
      counters.set(tenantId, (counters.get(tenantId) ?? 0) + own.length);
    }
    await markAttached(sql, attached, "wamid", now);
    await addCounters(
      sql,
      [...counters].map(([tenantId, value]) => ({ metric: "statuses_reattached" as const, tenantId, value })),
    );
    return followUps;
  },
};

/**
 * Parked statuses as ledger appends, one per raw webhook (in arrival order). Each keeps its
 * own raw webhook id, and its arrival time as the receipt time: it was received then, only parked.
 */
function orphanAppends(
  tenantId: string,
  messageId: string,
  orphans: readonly TOrphanRow[],
  attempt: number | null,
): (Omit<TFollowUp, "causedBy"> & { drafts: TStatusDraft[] })[] {
  const byRaw = new Map<string, Omit<TFollowUp, "causedBy"> & { drafts: TStatusDraft[] }>();
  for (const orphan of orphans) {
    const group = byRaw.get(orphan.raw_webhook_id) ?? {
      tenantId,
      messageId,
      drafts: [],
      rawWebhookId: orphan.raw_webhook_id,
      receivedAt: orphan.received_at,
    };
    group.drafts.push({ ...readStatusDraft(orphan.draft), attempt });
    byRaw.set(orphan.raw_webhook_id, group);
  }
  return [...byRaw.values()];
}

async function markAttached(
  sql: TSql,
  rows: readonly { tenantId: string; id: string; messageId: string }[],
  attachedBy: TAttachedBy,
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await sql.query(
    `UPDATE webhook_orphan_status o SET attached_at = $4::timestamptz, message_id = k.message_id, attached_by = $5
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS k(tenant_id, id, message_id)
     WHERE o.tenant_id = k.tenant_id AND o.id = k.id`,
    [
      rows.map((r) => r.tenantId),
      rows.map((r) => r.id),
      rows.map((r) => r.messageId),
      now.toISOString(),
      attachedBy,
    ],
  );
}

/**
 * Just before an in-doubt attempt is resent: the message's waiting orphans whose callback data
 * names it (either form) prove that an earlier attempt was accepted. They are appended now (the
 * attempt their callback data names, if it was started; else left to R3), in the caller's
 * transaction with the message already locked. Returns how many were attached.
 */
export async function attachOrphansNamingMessage(
  tx: TDbTx | TSql,
  target: { tenantId: string; messageId: string; senderNumberId: string; attemptCount: number },
  options: { now: Date },
): Promise<number> {
  const sql = toSql(tx);
  const orphans = await sql.query<TOrphanRow & { biz_opaque_callback_data: string }>(
    `SELECT id::text AS id, draft, raw_webhook_id::text AS raw_webhook_id, received_at, biz_opaque_callback_data
     FROM webhook_orphan_status
     WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid
       AND attached_at IS NULL AND discarded_at IS NULL
       AND (biz_opaque_callback_data = $3 OR biz_opaque_callback_data LIKE $4)
     ORDER BY received_at, id
     FOR UPDATE`,
    [target.tenantId, target.senderNumberId, target.messageId, `${target.messageId}:%`],
  );
  if (orphans.length === 0) return 0;
  const byAttempt = new Map<number | null, TOrphanRow[]>();
  for (const orphan of orphans) {
    const named = parseCallbackData(orphan.biz_opaque_callback_data);
    const attempt =
      named !== null && named.attempt !== null && named.attempt <= target.attemptCount ? named.attempt : null;
    byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), orphan]);
  }
  await appendBatch(
    sql,
    [...byAttempt].flatMap(([attempt, rows]) =>
      orphanAppends(target.tenantId, target.messageId, rows, attempt),
    ),
    { now: options.now },
  );
  await markAttached(
    sql,
    orphans.map((o) => ({ tenantId: target.tenantId, id: o.id, messageId: target.messageId })),
    "biz_opaque_callback_data",
    options.now,
  );
  await addCounters(sql, [
    { metric: "statuses_reattached", tenantId: target.tenantId, value: orphans.length },
  ]);
  return orphans.length;
}

export type TOrphanSweepConfig = {
  now: Date;
  /** orphans older than this are attached through biz_opaque_callback_data */
  matchGraceSeconds: number;
  /** at most this many orphans per run (the rest wait for the next run) */
  limit: number;
};

export type TOrphanSweepReport = {
  attachedByWamid: number;
  attachedByBizData: number;
  classedForeign: number;
};

/**
 * Attaches orphans that can be attached now: those whose wamid has a provider id (safety net)
 * and, past the grace period, those whose biz_opaque_callback_data names an existing message of
 * the same tenant and sender number. One transaction per message, message lock first (the same
 * order as the hook: message, then orphan rows).
 */
export async function sweepOrphans(db: TDb, config: TOrphanSweepConfig): Promise<TOrphanSweepReport> {
  const graceBefore = new Date(config.now.getTime() - config.matchGraceSeconds * 1000);
  const candidates = await db.$queryRaw<
    {
      tenant_id: string;
      message_id: string;
      attempt: number | null;
      attached_by: TAttachedBy;
      ids: string[];
    }[]
  >`
    WITH waiting AS (
      SELECT o.tenant_id, o.id, o.provider_message_id, o.biz_opaque_callback_data, o.sender_number_id, o.received_at
      FROM webhook_orphan_status o
      WHERE o.attached_at IS NULL AND o.discarded_at IS NULL AND o.foreign_at IS NULL
      ORDER BY o.received_at
      LIMIT ${config.limit}
    ),
    matched AS (
      SELECT w.tenant_id, w.id, p.message_id, p.attempt, 'wamid' AS attached_by
      FROM waiting w
      JOIN message_provider_id p ON p.tenant_id = w.tenant_id AND p.provider_message_id = w.provider_message_id
      UNION ALL
      -- callback data is '<message id>:<attempt>' (or the older '<message id>'): the attempt it
      -- names is the one that produced the status, if the message ever started it
      SELECT w.tenant_id, w.id, m.id,
             CASE WHEN w.cb_attempt <= m.attempt_count THEN w.cb_attempt END,
             'biz_opaque_callback_data'
      FROM (SELECT w0.*,
                   CASE WHEN split_part(w0.biz_opaque_callback_data, ':', 1) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                             AND w0.biz_opaque_callback_data ~ '^[^:]+(:[0-9]{1,6})?$'
                        THEN split_part(w0.biz_opaque_callback_data, ':', 1)::uuid END AS cb_message_id,
                   CASE WHEN w0.biz_opaque_callback_data ~ ':[0-9]{1,6}$'
                        THEN split_part(w0.biz_opaque_callback_data, ':', 2)::int END AS cb_attempt
            FROM waiting w0) w
      JOIN message m ON m.tenant_id = w.tenant_id
        AND m.id = w.cb_message_id
        AND m.sender_number_id = w.sender_number_id
      WHERE w.received_at <= ${graceBefore}
        AND NOT EXISTS (SELECT 1 FROM message_provider_id p
                        WHERE p.tenant_id = w.tenant_id AND p.provider_message_id = w.provider_message_id)
    )
    SELECT tenant_id::text, message_id::text, attempt, attached_by, array_agg(id::text ORDER BY id) AS ids
    FROM matched GROUP BY tenant_id, message_id, attempt, attached_by`;

  const report: TOrphanSweepReport = { attachedByWamid: 0, attachedByBizData: 0, classedForeign: 0 };
  for (const candidate of candidates) {
    const count = await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`
          SELECT 1 FROM message WHERE tenant_id = ${candidate.tenant_id}::uuid AND id = ${candidate.message_id}::uuid FOR UPDATE`;
        // re-checked under the lock: the hook may have attached them meanwhile
        const orphans = await tx.$queryRaw<TOrphanRow[]>`
          SELECT id::text AS id, draft, raw_webhook_id::text AS raw_webhook_id, received_at
          FROM webhook_orphan_status
          WHERE tenant_id = ${candidate.tenant_id}::uuid AND id = ANY(${candidate.ids}::uuid[])
            AND attached_at IS NULL AND discarded_at IS NULL
          ORDER BY received_at, id
          FOR UPDATE`;
        if (orphans.length === 0) return 0;
        const sql = toSql(tx);
        await appendBatch(
          sql,
          orphanAppends(candidate.tenant_id, candidate.message_id, orphans, candidate.attempt),
          { now: config.now },
        );
        await markAttached(
          sql,
          orphans.map((o) => ({ tenantId: candidate.tenant_id, id: o.id, messageId: candidate.message_id })),
          candidate.attached_by,
          config.now,
        );
        await addCounters(tx, [
          { metric: "statuses_reattached", tenantId: candidate.tenant_id, value: orphans.length },
        ]);
        return orphans.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (candidate.attached_by === "wamid") report.attachedByWamid += count;
    else report.attachedByBizData += count;
  }
  report.classedForeign = await classForeignOrphans(db, graceBefore, config.now);
  return report;
}

/**
 * Past the grace period, a status that neither its wamid nor its callback data ties to a message
 * Waybill sent from that number is foreign: another app on the same WABA, or WhatsApp Manager,
 * sent it. Every Waybill send carries its callback data, so nothing of ours is left to wait for.
 * It stays visible (counted per number) but raises no orphan alert; should its wamid turn up
 * after all (a send answer recorded late), the re-attach hook still attaches it.
 */
async function classForeignOrphans(db: TDb, graceBefore: Date, now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE webhook_orphan_status o SET foreign_at = ${now}
    WHERE o.attached_at IS NULL AND o.discarded_at IS NULL AND o.foreign_at IS NULL
      AND o.received_at <= ${graceBefore}
      AND NOT EXISTS (SELECT 1 FROM message_provider_id p
                      WHERE p.tenant_id = o.tenant_id AND p.provider_message_id = o.provider_message_id)
      AND NOT EXISTS (
        SELECT 1 FROM message m
        WHERE m.tenant_id = o.tenant_id AND m.sender_number_id = o.sender_number_id
          AND o.biz_opaque_callback_data ~ '^[^:]+(:[0-9]{1,6})?$'
          AND split_part(o.biz_opaque_callback_data, ':', 1) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
          AND m.id = split_part(o.biz_opaque_callback_data, ':', 1)::uuid)`;
}

/** Foreign statuses per number received since `since` (the operations view). */
export async function countForeignStatuses(db: TDb, tenantIds: readonly string[], since: Date) {
  if (tenantIds.length === 0) return [];
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      tenant_name: string;
      sender_number_id: string;
      display_number: string;
      n: number;
      last_at: Date;
    }[]
  >`
    SELECT o.tenant_id::text AS tenant_id, t.slug AS tenant_slug, t.name AS tenant_name,
           o.sender_number_id::text AS sender_number_id, s.display_number, count(*)::int AS n,
           max(o.received_at) AS last_at
    FROM webhook_orphan_status o
    JOIN tenant t ON t.id = o.tenant_id
    JOIN sender_number s ON s.tenant_id = o.tenant_id AND s.id = o.sender_number_id
    WHERE o.tenant_id = ANY(${[...tenantIds]}::uuid[]) AND o.foreign_at IS NOT NULL AND o.attached_at IS NULL
      AND o.discarded_at IS NULL AND o.received_at >= ${since}
    GROUP BY o.tenant_id, t.slug, t.name, o.sender_number_id, s.display_number
    ORDER BY count(*) DESC, t.slug, s.display_number`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantSlug: r.tenant_slug,
    tenantName: r.tenant_name,
    senderNumberId: r.sender_number_id,
    senderDisplayNumber: r.display_number,
    count: r.n,
    lastReceivedAt: r.last_at,
  }));
}

/**
 * Orphans still waiting after `alertAfterMinutes` raise one alert per sender number (refreshed
 * with the count and the oldest arrival while it lasts); numbers with none left resolve theirs.
 */
export async function raiseOrphanAlerts(
  db: TDb,
  config: { now: Date; alertAfterMinutes: number },
): Promise<{ open: number; resolved: number }> {
  const cutoff = new Date(config.now.getTime() - config.alertAfterMinutes * 60_000);
  const waiting = await db.$queryRaw<
    { tenant_id: string; sender_number_id: string; n: number; oldest: Date; wamids: string[] }[]
  >`
    SELECT tenant_id::text AS tenant_id, sender_number_id::text AS sender_number_id, count(*)::int AS n,
           min(received_at) AS oldest, (array_agg(DISTINCT provider_message_id))[1:5] AS wamids
    FROM webhook_orphan_status
    WHERE attached_at IS NULL AND discarded_at IS NULL AND foreign_at IS NULL AND received_at < ${cutoff}
    GROUP BY tenant_id, sender_number_id`;
  const openAlerts = await db.alert.findMany({
    where: { kind: "orphan_statuses", status: { not: "resolved" } },
    select: { tenantId: true, dedupeKey: true },
  });
  const stillWaiting = new Set(waiting.map((w) => `${w.tenant_id}|${alertKeys.orphans(w.sender_number_id)}`));
  let resolved = 0;
  await db.$transaction(async (tx) => {
    for (const w of waiting) {
      await raiseAlert(
        tx,
        {
          tenantId: w.tenant_id,
          senderNumberId: w.sender_number_id,
          kind: "orphan_statuses",
          dedupeKey: alertKeys.orphans(w.sender_number_id),
          severity: "warning",
          title: `${w.n} status update${w.n === 1 ? "" : "s"} for unknown messages waiting over ${config.alertAfterMinutes} min`,
          details: { waiting: w.n, oldestReceivedAt: w.oldest.toISOString(), sampleWamids: w.wamids },
          isNewOccurrence: false,
        },
        config.now,
      );
    }
    for (const alert of openAlerts) {
      if (stillWaiting.has(`${alert.tenantId}|${alert.dedupeKey}`)) continue;
      resolved += await resolveAlertsByKey(
        tx,
        alert.tenantId,
        [alert.dedupeKey],
        "no orphan status waiting any more",
        config.now,
      );
    }
  });
  return { open: waiting.length, resolved };
}
