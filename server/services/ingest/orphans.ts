// Orphan statuses: a status whose wamid no provider_accepted has named yet (Meta's webhook beat
// our send response). It waits in webhook_orphan_status, visibly, and joins the message's ledger
//   1. when provider_accepted names its wamid: the hook at the end of appendEvents, in the same
//      transaction as the send response (the contract with the sending pipeline);
//   2. through biz_opaque_callback_data (`<message id>:<attempt>`) when the send response never
//      came (a timeout, a crash): at once while the attempt it names is in doubt (no wamid
//      recorded for it: attachInDoubt, called by the drainer), otherwise after a grace period;
//      the status itself then proves acceptance of that attempt (R6);
//   3. by the sweep's safety net if a provider id exists but the hook did not run.
//
// Race between "status arrives" and "accept recorded" (both in flight): both sides take the same
// transaction-scoped advisory lock on (tenant, wamid) before looking at the other side's table,
// so either the processor sees the committed provider id, or the hook sees the committed orphan.
import type { TDb, TDbTx } from "@/server/db/client";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import type { TDerived } from "@/server/domain/reconciliation/derive-state";
import type { TReconciliationRules } from "@/server/domain/reconciliation/rules";
import { parseCallbackData } from "@/server/domain/sending/send-request";
import { readStatusDraft, type TStatusDraft } from "@/server/ingest/status-draft";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { alertKeys, raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import { addCounters } from "./counters";

/** The shape of appendEvents, passed in (it calls this module: importing it would be a cycle). */
export type TAppendFn = (
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  drafts: readonly TEventDraft[],
  options: { now: Date; rawWebhookId?: string | null; rules?: TReconciliationRules },
) => Promise<TAppendResultLike>;

export type TAppendResultLike = {
  appended: TChainedEvent[];
  duplicates: { dedupeKey: string; eventId: string; isDivergent: boolean }[];
  derived: TDerived;
};

type TOrphanRow = { id: string; draft: unknown; raw_webhook_id: string; received_at: Date };

export type TAttachedBy = "wamid" | "biz_opaque_callback_data";

/** Serialises "status for wamid W is unknown -> park it" against "accept names W -> attach". */
export function wamidLockKey(tenantId: string, providerMessageId: string): string {
  return `waybill.orphan:${tenantId}:${providerMessageId}`;
}

/** Takes the advisory locks of several wamids in one global order (no deadlock between two takers). */
export async function lockWamids(tx: TDbTx, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.$queryRaw`
    SELECT count(pg_advisory_xact_lock(h))::int AS n FROM (
      SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${[...keys]}::text[]) AS k ORDER BY 1
    ) AS ordered`;
}

/**
 * The hook appendEvents runs after appending: for each provider_accepted it just recorded, the
 * waiting orphans of that wamid are appended to the message with the accepted attempt, in the
 * caller's transaction. Returns the caller's result extended with what the orphans added.
 */
export async function reattachOrphansOnAccept<R extends TAppendResultLike>(
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  result: R,
  options: { now: Date; rules?: TReconciliationRules },
  append: TAppendFn,
): Promise<R> {
  const accepts = result.appended
    .filter((e): e is Extract<TChainedEvent, { type: "provider_accepted" }> => e.type === "provider_accepted")
    .sort((a, b) => (a.providerMessageId < b.providerMessageId ? -1 : 1));
  if (accepts.length === 0) return result;
  await lockWamids(
    tx,
    accepts.map((a) => wamidLockKey(tenantId, a.providerMessageId)),
  );
  let merged: R = result;
  let attached = 0;
  for (const accept of accepts) {
    const orphans = await tx.$queryRaw<TOrphanRow[]>`
      SELECT id::text AS id, draft, raw_webhook_id::text AS raw_webhook_id, received_at
      FROM webhook_orphan_status
      WHERE tenant_id = ${tenantId}::uuid AND provider_message_id = ${accept.providerMessageId}
        AND attached_at IS NULL AND discarded_at IS NULL
      ORDER BY received_at, id
      FOR UPDATE`;
    if (orphans.length === 0) continue;
    const added = await appendOrphans(
      tx,
      tenantId,
      messageId,
      orphans,
      accept.attempt,
      "wamid",
      options,
      append,
    );
    attached += orphans.length;
    merged = {
      ...merged,
      appended: [...merged.appended, ...added.appended],
      duplicates: [...merged.duplicates, ...added.duplicates],
      derived: added.derived,
    };
  }
  if (attached > 0) await addCounters(tx, [{ metric: "statuses_reattached", tenantId, value: attached }]);
  return merged;
}

/**
 * Appends parked statuses to `messageId` and marks them attached. Each keeps its own raw webhook
 * id, and its arrival time as the receipt time: it was received then, only parked.
 */
async function appendOrphans(
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  orphans: readonly TOrphanRow[],
  attempt: number | null,
  attachedBy: TAttachedBy,
  options: { now: Date; rules?: TReconciliationRules },
  append: TAppendFn,
): Promise<TAppendResultLike> {
  const byRaw = new Map<string, { receivedAt: Date; drafts: TStatusDraft[] }>();
  for (const orphan of orphans) {
    const group = byRaw.get(orphan.raw_webhook_id) ?? { receivedAt: orphan.received_at, drafts: [] };
    group.drafts.push({ ...readStatusDraft(orphan.draft), attempt });
    byRaw.set(orphan.raw_webhook_id, group);
  }
  let last: TAppendResultLike | null = null;
  const appended: TChainedEvent[] = [];
  const duplicates: TAppendResultLike["duplicates"] = [];
  for (const [rawWebhookId, group] of byRaw) {
    const result = await append(tx, tenantId, messageId, group.drafts, {
      now: group.receivedAt,
      rawWebhookId,
      rules: options.rules,
    });
    appended.push(...result.appended);
    duplicates.push(...result.duplicates);
    last = result;
  }
  await tx.$executeRaw`
    UPDATE webhook_orphan_status
    SET attached_at = ${options.now}, message_id = ${messageId}::uuid, attached_by = ${attachedBy}
    WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${orphans.map((o) => o.id)}::uuid[])`;
  if (!last) throw new Error("appendOrphans called without orphans");
  return { appended, duplicates, derived: last.derived };
}

/**
 * Just before an in-doubt attempt is resent: the message's waiting orphans whose callback data
 * names it (either form) prove that an earlier attempt was accepted. They are appended now (the
 * attempt their callback data names, if it was started; else left to R3), in the caller's
 * transaction with the message already locked. Returns how many were attached.
 */
export async function attachOrphansNamingMessage(
  tx: TDbTx,
  target: { tenantId: string; messageId: string; senderNumberId: string; attemptCount: number },
  options: { now: Date; rules?: TReconciliationRules },
  append: TAppendFn,
): Promise<number> {
  const orphans = await tx.$queryRaw<(TOrphanRow & { biz_opaque_callback_data: string })[]>`
    SELECT id::text AS id, draft, raw_webhook_id::text AS raw_webhook_id, received_at, biz_opaque_callback_data
    FROM webhook_orphan_status
    WHERE tenant_id = ${target.tenantId}::uuid AND sender_number_id = ${target.senderNumberId}::uuid
      AND attached_at IS NULL AND discarded_at IS NULL
      AND (biz_opaque_callback_data = ${target.messageId} OR biz_opaque_callback_data LIKE ${`${target.messageId}:%`})
    ORDER BY received_at, id
    FOR UPDATE`;
  if (orphans.length === 0) return 0;
  const byAttempt = new Map<number | null, TOrphanRow[]>();
  for (const orphan of orphans) {
    const named = parseCallbackData(orphan.biz_opaque_callback_data);
    const attempt =
      named !== null && named.attempt !== null && named.attempt <= target.attemptCount ? named.attempt : null;
    byAttempt.set(attempt, [...(byAttempt.get(attempt) ?? []), orphan]);
  }
  for (const [attempt, rows] of byAttempt) {
    await appendOrphans(
      tx,
      target.tenantId,
      target.messageId,
      rows,
      attempt,
      "biz_opaque_callback_data",
      options,
      append,
    );
  }
  await addCounters(tx, [
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

export type TOrphanSweepReport = { attachedByWamid: number; attachedByBizData: number };

/**
 * Attaches orphans that can be attached now: those whose wamid has a provider id (safety net)
 * and, past the grace period, those whose biz_opaque_callback_data names an existing message of
 * the same tenant and sender number. One transaction per message, message lock first (the same
 * order as the hook: message, then orphan rows).
 */
export async function sweepOrphans(
  db: TDb,
  config: TOrphanSweepConfig,
  append: TAppendFn,
): Promise<TOrphanSweepReport> {
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
      WHERE o.attached_at IS NULL AND o.discarded_at IS NULL
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

  const report: TOrphanSweepReport = { attachedByWamid: 0, attachedByBizData: 0 };
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
        await appendOrphans(
          tx,
          candidate.tenant_id,
          candidate.message_id,
          orphans,
          candidate.attempt,
          candidate.attached_by,
          { now: config.now },
          append,
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
  return report;
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
    WHERE attached_at IS NULL AND discarded_at IS NULL AND received_at < ${cutoff}
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
