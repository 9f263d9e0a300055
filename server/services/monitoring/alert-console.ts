// The console's view of alerts: a page of alerts (one tenant or every visible one) with each
// alert's lifecycle history (opened, acknowledged, snoozed, snooze ran out, resolved: who, when,
// why), assembled from the alert rows and the audit trail by the pure buildAlertHistory.
import type { TDb } from "@/server/db/client";
import {
  listAlertAuditEvents,
  listAlertsForTenants,
  type TAlertListFilter,
} from "@/server/db/queries/alerts";
import { buildAlertHistory, type TAlertOperatorAction } from "@/server/domain/monitoring/alert-history";

function toOperatorAction(row: {
  action: string;
  actorLabel: string;
  reason: string | null;
  data: unknown;
  createdAt: Date;
}): TAlertOperatorAction | null {
  const action = row.action.slice("alert.".length);
  if (action !== "acknowledge" && action !== "snooze" && action !== "resolve") return null;
  const until = (row.data as { until?: unknown } | null)?.until;
  return {
    action,
    actor: row.actorLabel,
    reason: row.reason,
    at: row.createdAt.getTime(),
    until: action === "snooze" && typeof until === "string" ? Date.parse(until) : null,
  };
}

export async function listAlertsWithHistory(
  db: TDb,
  tenantIds: readonly string[],
  filter: TAlertListFilter,
  now: Date,
) {
  const page = await listAlertsForTenants(db, tenantIds, filter);
  const audit = await listAlertAuditEvents(
    db,
    tenantIds,
    page.rows.map((r) => r.id),
  );
  const actionsByAlert = new Map<string, TAlertOperatorAction[]>();
  for (const row of audit) {
    const action = toOperatorAction(row);
    if (!action || row.targetId === null) continue;
    const list = actionsByAlert.get(row.targetId) ?? [];
    list.push(action);
    actionsByAlert.set(row.targetId, list);
  }
  return {
    items: page.rows.map((alert) => ({
      ...alert,
      history: buildAlertHistory(
        {
          status: alert.status,
          openedAt: alert.openedAt.getTime(),
          lastSeenAt: alert.lastSeenAt.getTime(),
          occurrences: alert.occurrences,
          resolvedAt: alert.resolvedAt?.getTime() ?? null,
          resolvedBy: alert.resolvedBy,
          resolution: alert.resolution,
        },
        actionsByAlert.get(alert.id) ?? [],
        now.getTime(),
      ).map((entry) => ({
        ...entry,
        at: new Date(entry.at),
        until: entry.until === null ? null : new Date(entry.until),
      })),
    })),
    nextCursor: page.nextCursor,
  };
}
