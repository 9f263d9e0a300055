// Alerts: always scoped to a tenant (and to a sender number when one is concerned), at most one
// unresolved alert per dedupe key (a partial unique index), resolved by the system when the
// condition goes away and acknowledged, snoozed or resolved by operators (audited).
import type { TDb, TDbTx } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { uuidV7 } from "@/server/ingest/uuid-v7";
import { ServiceError } from "@/server/services/errors";
import { toSql, type TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { publishAlertChanges, type TAlertChange } from "@/server/services/triggers/alert-events";

export const ALERT_KINDS = [
  "message_stalled",
  "stalled_share_jump",
  "orphan_statuses",
  "sender_health",
  // a tenant's webhook endpoint failed for too long and was disabled
  "endpoint_disabled",
  // provider rejections or throttling (130429) of a tenant or number jumped
  "provider_error_rate",
] as const;
export type TAlertKind = (typeof ALERT_KINDS)[number];
export type TAlertSeverity = "info" | "warning" | "critical";

export type TAlertRaise = {
  tenantId: string;
  senderNumberId: string | null;
  kind: TAlertKind;
  dedupeKey: string;
  severity: TAlertSeverity;
  title: string;
  details: Prisma.InputJsonObject;
  messageId?: string | null;
  /** a new occurrence of the condition (true) or the same one seen again by a sweep (false) */
  isNewOccurrence: boolean;
};

export const alertKeys = {
  messageStalled: (messageId: string, deciderKey: string | null) =>
    `message_stalled:${messageId}:${deciderKey ?? "-"}`,
  stalledShare: (senderNumberId: string | null) => `stalled_share_jump:${senderNumberId ?? "tenant"}`,
  orphans: (senderNumberId: string) => `orphan_statuses:${senderNumberId}`,
  senderHealth: (senderNumberId: string) => `sender_health:${senderNumberId}`,
  providerErrors: (senderNumberId: string | null) => `provider_error_rate:${senderNumberId ?? "tenant"}`,
} as const;

/** Opens the alert, or refreshes the unresolved one with the same key. */
export async function raiseAlert(
  tx: TDbTx | TSql,
  alert: TAlertRaise,
  now: Date,
): Promise<{ id: string; isNew: boolean }> {
  const q = sqlTemplate(tx);
  const rows = await q<{ id: string; inserted: boolean }>`
    INSERT INTO alert AS a (tenant_id, id, sender_number_id, kind, dedupe_key, status, severity, title, details,
                            message_id, opened_at, last_seen_at, occurrences, updated_at)
    VALUES (${alert.tenantId}::uuid, ${uuidV7(now.getTime())}::uuid, ${alert.senderNumberId}::uuid, ${alert.kind},
            ${alert.dedupeKey}, 'open', ${alert.severity}, ${alert.title}, ${JSON.stringify(alert.details)}::jsonb,
            ${alert.messageId ?? null}::uuid, ${now}, ${now}, 1, ${now})
    ON CONFLICT (tenant_id, dedupe_key) WHERE status <> 'resolved'
    DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
                  occurrences = a.occurrences + ${alert.isNewOccurrence ? 1 : 0},
                  severity = EXCLUDED.severity, title = EXCLUDED.title, details = EXCLUDED.details,
                  updated_at = EXCLUDED.updated_at
    RETURNING id::text AS id, (xmax = 0) AS inserted`;
  const row = rows[0];
  if (!row) throw new Error("raiseAlert: no row returned");
  if (row.inserted) {
    await publishAlertChanges(
      toSql(tx),
      [
        {
          change: "opened",
          alertId: row.id,
          tenantId: alert.tenantId,
          senderNumberId: alert.senderNumberId,
          messageId: alert.messageId ?? null,
          kind: alert.kind,
          severity: alert.severity,
          title: alert.title,
          details: alert.details,
        },
      ],
      now,
    );
  }
  return { id: row.id, isNew: row.inserted };
}

/**
 * Resolves unresolved alerts of a tenant by key (the system saw the condition end, or a person
 * ended it: `resolvedBy`), publishing alert.resolved in the same transaction.
 */
export async function resolveAlertsByKey(
  tx: TDbTx | TSql,
  tenantId: string,
  dedupeKeys: readonly string[],
  resolution: string,
  now: Date,
  resolvedBy = "system",
): Promise<number> {
  if (dedupeKeys.length === 0) return 0;
  const resolved = await toSql(tx).query<TResolvedAlertRow>(
    `UPDATE alert SET status = 'resolved', resolved_at = $1, resolved_by = $5, resolution = $2,
                      snoozed_until = NULL, updated_at = $1
     WHERE tenant_id = $3::uuid AND dedupe_key = ANY($4::text[]) AND status <> 'resolved'
     RETURNING ${RESOLVED_COLUMNS}`,
    [now, resolution, tenantId, [...dedupeKeys], resolvedBy],
  );
  await publishResolved(tx, resolved, now);
  return resolved.length;
}

type TResolvedAlertRow = {
  id: string;
  tenant_id: string;
  sender_number_id: string | null;
  message_id: string | null;
  kind: string;
  severity: string;
  title: string;
  details: unknown;
  resolution: string | null;
};

const RESOLVED_COLUMNS = `id::text AS id, tenant_id::text AS tenant_id, sender_number_id::text AS sender_number_id,
  message_id::text AS message_id, kind, severity, title, details, resolution`;

/** Resolved alerts leave as alert.resolved events and operator notifications (same transaction). */
async function publishResolved(
  tx: TDbTx | TSql,
  rows: readonly TResolvedAlertRow[],
  now: Date,
): Promise<void> {
  const changes: TAlertChange[] = rows.map((r) => ({
    change: "resolved",
    alertId: r.id,
    tenantId: r.tenant_id,
    senderNumberId: r.sender_number_id,
    messageId: r.message_id,
    kind: r.kind,
    severity: r.severity,
    title: r.title,
    details: r.details,
    resolution: r.resolution,
  }));
  await publishAlertChanges(toSql(tx), changes, now);
}

export type TMessageMove = { tenantId: string; messageId: string; state: string; deciderKey: string | null };

/**
 * "Resolved automatically when the message moves on": an unresolved stalled alert whose message
 * now has another deciding fact is resolved, naming the new state. Set-based, for a whole batch.
 */
export async function resolveStalledAlertsForMoves(
  tx: TDbTx | TSql,
  moves: readonly TMessageMove[],
  now: Date,
): Promise<number> {
  if (moves.length === 0) return 0;
  const q = sqlTemplate(tx);
  const rows = moves.map((m) => ({
    tenant_id: m.tenantId,
    message_id: m.messageId,
    state: m.state,
    decider: m.deciderKey,
  }));
  const resolved = await q<TResolvedAlertRow>`
    UPDATE alert a SET status = 'resolved', resolved_at = ${now}, resolved_by = 'system',
                       resolution = 'message moved on to ' || r.state, snoozed_until = NULL, updated_at = ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(tenant_id uuid, message_id uuid, state text, decider text)
    WHERE a.tenant_id = r.tenant_id AND a.message_id = r.message_id AND a.kind = 'message_stalled'
      AND a.status <> 'resolved' AND (a.details->>'deciderKey') IS DISTINCT FROM r.decider
    RETURNING a.id::text AS id, a.tenant_id::text AS tenant_id, a.sender_number_id::text AS sender_number_id,
              a.message_id::text AS message_id, a.kind, a.severity, a.title, a.details, a.resolution`;
  await publishResolved(tx, resolved, now);
  return resolved.length;
}

/** Snoozes that ran out become open again. */
export async function reopenExpiredSnoozes(db: TDb, now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE alert SET status = 'open', snoozed_until = NULL, updated_at = ${now}
    WHERE status = 'snoozed' AND snoozed_until <= ${now}`;
}

export type TAlertAction =
  { action: "acknowledge" } | { action: "snooze"; until: Date } | { action: "resolve" };

/**
 * An operator's action on one alert of a tenant, audited in the same transaction with the
 * reason (the alert's lifecycle history reads it back from the audit trail).
 */
export async function actOnAlert(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; alertId: string; reason: string } & TAlertAction,
  now: Date,
) {
  return db.$transaction(async (tx) => {
    const alert = await tx.alert.findUnique({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.alertId } },
      select: { id: true, status: true, kind: true, dedupeKey: true },
    });
    if (!alert) throw new ServiceError("NOT_FOUND", "no such alert in this tenant");
    if (alert.status === "resolved") throw new ServiceError("CONFLICT", "this alert is already resolved");
    const by = actorLabel(actor);
    const data: Prisma.AlertUpdateInput = (() => {
      switch (input.action) {
        case "acknowledge":
          return { status: "acknowledged", acknowledgedAt: now, acknowledgedBy: by, snoozedUntil: null };
        case "snooze":
          if (input.until <= now) throw new ServiceError("BAD_REQUEST", "snooze until a time in the future");
          return { status: "snoozed", snoozedUntil: input.until };
        case "resolve":
          return {
            status: "resolved",
            resolvedAt: now,
            resolvedBy: by,
            resolution: input.reason,
            snoozedUntil: null,
          };
        default: {
          const unreachable: never = input;
          return unreachable;
        }
      }
    })();
    const updated = await tx.alert.update({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.alertId } },
      data: { ...data, updatedAt: now },
      select: {
        id: true,
        status: true,
        acknowledgedAt: true,
        snoozedUntil: true,
        resolvedAt: true,
        senderNumberId: true,
        messageId: true,
        severity: true,
        title: true,
        details: true,
      },
    });
    if (input.action === "resolve") {
      await publishResolved(
        tx,
        [
          {
            id: updated.id,
            tenant_id: input.tenantId,
            sender_number_id: updated.senderNumberId,
            message_id: updated.messageId,
            kind: alert.kind,
            severity: updated.severity,
            title: updated.title,
            details: updated.details,
            resolution: input.reason,
          },
        ],
        now,
      );
    }
    await recordAudit(tx, {
      actor,
      action: `alert.${input.action}`,
      tenantId: input.tenantId,
      targetType: "alert",
      targetId: alert.id,
      reason: input.reason,
      data: {
        kind: alert.kind,
        dedupeKey: alert.dedupeKey,
        ...(input.action === "snooze" ? { until: input.until.toISOString() } : {}),
      },
    });
    return updated;
  });
}
