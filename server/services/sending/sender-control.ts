// Sender numbers as the dispatcher sees them: paused (alone, with an alert) when the number
// cannot send, resumed by an engineer, throttled adaptively, and their queues observable.
import type { TDb, TDbTx } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import {
  heldAllReasonSql,
  heldTemplatesReasonSql,
  sqlTimestamp,
} from "@/server/services/number-health/hold-sql";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { raiseAlert, resolveAlertsByKey } from "@/server/services/monitoring/alerts";
import { toSql } from "@/server/db/sql";
import { publishSenderChange } from "@/server/services/triggers/sender-events";
import { ServiceError } from "@/server/services/errors";
import { retryMessageInTx } from "./retry-message";
import { notifyQueue } from "./send-queue";

/** Dedupe key of the open "sending paused" alert of a number: one open alert per number. */
export function pausedAlertKey(senderNumberId: string): string {
  return `sender_paused:${senderNumberId}`;
}

export type TPauseInput = {
  tenantId: string;
  senderNumberId: string;
  reason: string;
  errorCode: string | null;
  messageId: string | null;
  /** The dispatcher for automatic pauses, else the engineer. */
  actor: TActor;
  now: Date;
};

/**
 * Pauses a sender number (idempotent: an already paused number keeps its first reason) and opens
 * or refreshes its alert, in the caller's transaction. Returns whether this call paused it.
 */
export async function pauseSenderInTx(tx: TDbTx | TSql, input: TPauseInput): Promise<boolean> {
  const q = sqlTemplate(tx);
  const pausedBy = actorLabel(input.actor);
  const paused = await q<{ tenant_id: string }>`
    INSERT INTO sender_dispatch (tenant_id, sender_number_id, paused_at, paused_by, paused_reason,
                                 paused_error_code, paused_message_id, updated_at)
    VALUES (${input.tenantId}::uuid, ${input.senderNumberId}::uuid, ${input.now}, ${pausedBy},
            ${input.reason}, ${input.errorCode}, ${input.messageId}::uuid, ${input.now})
    ON CONFLICT (tenant_id, sender_number_id) DO UPDATE
      SET paused_at = EXCLUDED.paused_at, paused_by = EXCLUDED.paused_by,
          paused_reason = EXCLUDED.paused_reason, paused_error_code = EXCLUDED.paused_error_code,
          paused_message_id = EXCLUDED.paused_message_id, updated_at = EXCLUDED.updated_at
      WHERE sender_dispatch.paused_at IS NULL
    RETURNING tenant_id::text`;
  const [sender] = await q<{ displayNumber: string; phoneNumberId: string }>`
    SELECT display_number AS "displayNumber", phone_number_id AS "phoneNumberId" FROM sender_number
    WHERE tenant_id = ${input.tenantId}::uuid AND id = ${input.senderNumberId}::uuid`;
  // one open alert per number (the alert table's partial unique index); a repeat refreshes it
  await raiseAlert(
    tx,
    {
      tenantId: input.tenantId,
      senderNumberId: input.senderNumberId,
      kind: "sender_health",
      dedupeKey: pausedAlertKey(input.senderNumberId),
      severity: "critical",
      title: `Sending paused for ${sender?.displayNumber ?? input.senderNumberId}: ${input.reason}`,
      details: {
        reason: input.reason,
        errorCode: input.errorCode,
        phoneNumberId: sender?.phoneNumberId ?? null,
        pausedBy,
        action: "fix the cause, then resume the sender (sending.resumeSender)",
      },
      messageId: input.messageId,
      isNewOccurrence: true,
    },
    input.now,
  );
  const isNewlyPaused = paused.length > 0;
  if (isNewlyPaused) {
    await publishSenderChange(
      toSql(tx),
      {
        tenantId: input.tenantId,
        senderNumberId: input.senderNumberId,
        cause: "dispatch",
        before: { hold: null, quality: null, flag: null },
        after: {
          hold: { code: input.errorCode ?? "operator_pause", reason: input.reason },
          quality: null,
          flag: null,
        },
        changedBy: pausedBy,
      },
      input.now,
    );
    await recordAudit(tx, {
      actor: input.actor,
      action: "sending.sender_paused",
      tenantId: input.tenantId,
      targetType: "sender_number",
      targetId: input.senderNumberId,
      reason: input.reason,
      data: { errorCode: input.errorCode, messageId: input.messageId },
    });
  }
  return isNewlyPaused;
}

/** An engineer pauses a number by hand (e.g. while its token is rotated). */
export async function pauseSender(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; senderNumberId: string; reason: string },
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await assertSender(tx, input.tenantId, input.senderNumberId);
    const isNew = await pauseSenderInTx(tx, {
      ...input,
      errorCode: null,
      messageId: null,
      actor,
      now,
    });
    if (!isNew) throw new ServiceError("CONFLICT", "the sender is already paused");
  });
}

export type TResumeResult = { requeued: number };

/**
 * Resumes a paused number: its queue flows again and its alert is resolved. With
 * `requeueDeadLettered`, the messages dead-lettered because of the pause are retried too.
 */
export async function resumeSender(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; senderNumberId: string; reason: string; requeueDeadLettered: boolean },
  now: Date,
): Promise<TResumeResult> {
  return db.$transaction(
    async (tx) => {
      await assertSender(tx, input.tenantId, input.senderNumberId);
      const rows = await tx.$queryRaw<
        { paused_at: Date | null; paused_error_code: string | null; paused_reason: string | null }[]
      >`
        SELECT paused_at, paused_error_code, paused_reason FROM sender_dispatch
        WHERE tenant_id = ${input.tenantId}::uuid AND sender_number_id = ${input.senderNumberId}::uuid
        FOR UPDATE`;
      const state = rows[0];
      if (!state?.paused_at) throw new ServiceError("CONFLICT", "the sender is not paused");
      await tx.$executeRaw`
        UPDATE sender_dispatch
        SET paused_at = NULL, paused_by = NULL, paused_reason = NULL, paused_error_code = NULL,
            paused_message_id = NULL, rate = NULL, rate_changed_at = NULL, tokens_at = NULL, updated_at = ${now}
        WHERE tenant_id = ${input.tenantId}::uuid AND sender_number_id = ${input.senderNumberId}::uuid`;
      const label = actorLabel(actor);
      // through the alerts' one way, so the resolution also reaches the tenant's endpoints and
      // the operators' channels
      await resolveAlertsByKey(
        tx,
        input.tenantId,
        [pausedAlertKey(input.senderNumberId)],
        `sender resumed: ${input.reason}`,
        now,
        label,
      );
      await publishSenderChange(
        toSql(tx),
        {
          tenantId: input.tenantId,
          senderNumberId: input.senderNumberId,
          cause: "dispatch",
          before: {
            hold: { code: state.paused_error_code ?? "operator_pause", reason: state.paused_reason ?? "" },
            quality: null,
            flag: null,
          },
          after: { hold: null, quality: null, flag: null },
          changedBy: label,
        },
        now,
      );
      let requeued = 0;
      if (input.requeueDeadLettered && state.paused_error_code !== null) {
        // the messages this pause dead-lettered: same number, same error, since the pause began
        const victims = await tx.$queryRaw<{ message_id: string }[]>`
          SELECT DISTINCT e.message_id::text AS message_id
          FROM message m
          JOIN message_event e ON e.tenant_id = m.tenant_id AND e.message_id = m.id
          WHERE m.tenant_id = ${input.tenantId}::uuid AND m.sender_number_id = ${input.senderNumberId}::uuid
            AND m.state = 'dead_lettered' AND e.type = 'dead_lettered'
            AND e.error_code = ${state.paused_error_code}
            AND e.recorded_at >= ${state.paused_at}::timestamptz - interval '1 minute'`;
        for (const victim of victims) {
          await retryMessageInTx(tx, actor, {
            tenantId: input.tenantId,
            messageId: victim.message_id,
            reason: `sender resumed: ${input.reason}`,
            operationId: `resume:${input.senderNumberId}:${state.paused_at.getTime()}:${victim.message_id}`,
            now,
          });
          requeued += 1;
        }
      }
      await recordAudit(tx, {
        actor,
        action: "sending.sender_resumed",
        tenantId: input.tenantId,
        targetType: "sender_number",
        targetId: input.senderNumberId,
        reason: input.reason,
        data: { requeued },
      });
      // wake dispatchers: the number's queue is eligible again
      await notifyQueue(tx, input.tenantId);
      return { requeued };
    },
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** Sets (or clears, with null) a number's maximum send rate, e.g. after a throughput upgrade. */
export async function setSenderMaxRate(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; senderNumberId: string; maxRate: number | null; reason: string },
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await assertSender(tx, input.tenantId, input.senderNumberId);
    await tx.$executeRaw`
      INSERT INTO sender_dispatch (tenant_id, sender_number_id, max_rate, updated_at)
      VALUES (${input.tenantId}::uuid, ${input.senderNumberId}::uuid, ${input.maxRate}, ${now})
      ON CONFLICT (tenant_id, sender_number_id) DO UPDATE
        SET max_rate = EXCLUDED.max_rate, rate = NULL, rate_changed_at = NULL, updated_at = EXCLUDED.updated_at`;
    await recordAudit(tx, {
      actor,
      action: "sending.sender_rate_set",
      tenantId: input.tenantId,
      targetType: "sender_number",
      targetId: input.senderNumberId,
      reason: input.reason,
      data: { maxRate: input.maxRate },
    });
  });
}

async function assertSender(tx: TDbTx, tenantId: string, senderNumberId: string): Promise<void> {
  const sender = await tx.senderNumber.findUnique({
    where: { tenantId_id: { tenantId, id: senderNumberId } },
    select: { id: true },
  });
  if (!sender) throw new ServiceError("NOT_FOUND", "no such sender number in this tenant");
}

export type TSenderDispatchView = {
  tenantId: string;
  tenantSlug: string;
  senderNumberId: string;
  displayNumber: string;
  senderStatus: string;
  queued: number;
  due: number;
  inFlight: number;
  oldestDueAt: Date | null;
  /** Per-number override of WAYBILL_SENDER_MAX_RATE; null: the worker's default. */
  maxRateOverride: number | null;
  /** The rate the last 130429 lowered it to (it climbs back by itself); null: not lowered. */
  adaptedRate: number | null;
  adaptedAt: Date | null;
  throttleCount: number;
  lastThrottledAt: Date | null;
  pausedAt: Date | null;
  pausedBy: string | null;
  pausedReason: string | null;
  pausedErrorCode: string | null;
  /** Why the number's health holds its queue now (all messages, or its templates), or null. */
  holdReason: string | null;
};

/** Per number: queue depth, due and in-flight counts, current rate, pause. For the console. */
export async function listSenderDispatch(
  db: TDb,
  filter: { tenantId?: string | null; isPausedOnly?: boolean; isActorShown?: boolean },
  now: Date,
): Promise<TSenderDispatchView[]> {
  const tenantId = filter.tenantId ?? null;
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      sender_number_id: string;
      display_number: string;
      sender_status: string;
      max_rate: number | null;
      rate: number | null;
      rate_changed_at: Date | null;
      throttle_count: number;
      last_throttled_at: Date | null;
      paused_at: Date | null;
      paused_by: string | null;
      paused_reason: string | null;
      paused_error_code: string | null;
      queued: number;
      due: number;
      in_flight: number;
      oldest_due_at: Date | null;
      hold_reason: string | null;
    }[]
  >`
    SELECT s.tenant_id::text, t.slug AS tenant_slug, s.id::text AS sender_number_id, s.display_number,
           s.status::text AS sender_status, d.max_rate, d.rate, d.rate_changed_at,
           coalesce(d.throttle_count, 0)::int AS throttle_count,
           d.last_throttled_at, d.paused_at, d.paused_by, d.paused_reason, d.paused_error_code,
           coalesce(q.queued, 0)::int AS queued, coalesce(q.due, 0)::int AS due,
           coalesce(q.in_flight, 0)::int AS in_flight, q.oldest_due_at,
           coalesce(${Prisma.raw(heldAllReasonSql("h", sqlTimestamp(now)))},
                    ${Prisma.raw(heldTemplatesReasonSql("h", sqlTimestamp(now)))}) AS hold_reason
    -- every number, including one that has never sent (it has no dispatch row until it does)
    FROM sender_number s
    JOIN tenant t ON t.id = s.tenant_id
    LEFT JOIN sender_dispatch d ON d.tenant_id = s.tenant_id AND d.sender_number_id = s.id
    LEFT JOIN sender_health h ON h.tenant_id = s.tenant_id AND h.sender_number_id = s.id
    LEFT JOIN LATERAL (
      SELECT count(*) AS queued,
             count(*) FILTER (WHERE q.not_before <= ${now}) AS due,
             count(*) FILTER (WHERE q.lease_until >= ${now}) AS in_flight,
             min(q.not_before) FILTER (WHERE q.not_before <= ${now}) AS oldest_due_at
      FROM send_queue q WHERE q.tenant_id = s.tenant_id AND q.sender_number_id = s.id
    ) q ON true
    WHERE (${tenantId}::uuid IS NULL OR s.tenant_id = ${tenantId}::uuid)
      AND (${filter.isPausedOnly ?? false} = false OR d.paused_at IS NOT NULL)
    ORDER BY t.slug, s.display_number`;
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    senderNumberId: row.sender_number_id,
    displayNumber: row.display_number,
    senderStatus: row.sender_status,
    queued: row.queued,
    due: row.due,
    inFlight: row.in_flight,
    oldestDueAt: row.oldest_due_at,
    maxRateOverride: row.max_rate,
    adaptedRate: row.rate === null ? null : Math.round(row.rate * 100) / 100,
    adaptedAt: row.rate_changed_at,
    throttleCount: row.throttle_count,
    lastThrottledAt: row.last_throttled_at,
    pausedAt: row.paused_at,
    // tenants see that staff paused a number, not who: the audit trail names them
    pausedBy:
      filter.isActorShown === false && row.paused_by !== null
        ? (row.paused_by.split(":")[0] ?? null)
        : row.paused_by,
    pausedReason: row.paused_reason,
    pausedErrorCode: row.paused_error_code,
    holdReason: row.hold_reason,
  }));
}
