// Number health for one tenant over a window: per sender number its outcome totals and series,
// failures by error code with hints, time to delivered, open alerts and stalled messages, and its
// quality/limit history; plus the tenant's templates. Rollups only (server/db/queries/insights.ts).
import type { TDb } from "@/server/db/client";
import {
  countPendingDeltas,
  listOpenNumberAlerts,
  readLatencyRows,
  readOpenAlertCounts,
  readOutcomeRows,
  readRecentHealthEvents,
  readTemplateRows,
} from "@/server/db/queries/insights";
import { listMessageTemplates } from "@/server/db/queries/ingest";
import { listSenderNumbers } from "@/server/db/queries/tenants";
import { errorCodeInfo } from "@/server/domain/insights/error-hints";
import { healthChangesOf, tierSteps, type THealthChange } from "@/server/domain/insights/health-changes";
import { summarizeSenders, summarizeTotals, templateTotals } from "@/server/domain/insights/summarize";
import { WINDOW_SPECS, windowRange, type TInsightWindow } from "@/server/domain/insights/windows";

const HISTORY_PER_NUMBER = 50;
const CHANGES_SHOWN = 20;
const ALERTS_SHOWN = 50;

export function describeWindow(range: ReturnType<typeof windowRange>) {
  return {
    key: range.window,
    label: WINDOW_SPECS[range.window].label,
    from: new Date(range.fromMs),
    to: new Date(range.toMs),
    bucketMinutes: range.bucketMinutes,
  };
}

export function changeView(change: THealthChange) {
  return {
    eventId: change.eventId,
    senderNumberId: change.senderNumberId,
    at: new Date(change.atMs),
    kind: change.kind,
    event: change.event,
    from: change.from,
    to: change.to,
    direction: change.direction,
    summary: change.summary,
  };
}

export async function getNumberHealth(
  db: TDb,
  tenantId: string,
  options: { window: TInsightWindow; untilMs: number; now: Date },
) {
  const range = windowRange(options.window, options.untilMs);
  const [senders, outcomes, latency, templateRows, templates, healthRows, alertCounts, alerts, pending] =
    await Promise.all([
      listSenderNumbers(db, tenantId),
      readOutcomeRows(db, tenantId, range),
      readLatencyRows(db, tenantId, range),
      readTemplateRows(db, tenantId, range),
      listMessageTemplates(db, tenantId),
      readRecentHealthEvents(db, tenantId, HISTORY_PER_NUMBER),
      readOpenAlertCounts(db, [tenantId]),
      listOpenNumberAlerts(db, tenantId, ALERTS_SHOWN),
      countPendingDeltas(db, [tenantId]),
    ]);
  const summaries = summarizeSenders(
    range,
    senders.map((s) => s.id),
    outcomes,
    latency,
  );
  const changesBySender = new Map<string, THealthChange[]>();
  for (const row of healthRows) {
    const list = changesBySender.get(row.senderNumberId) ?? [];
    list.push(...healthChangesOf(row));
    changesBySender.set(row.senderNumberId, list);
  }
  const byTemplate = templateTotals(templateRows);
  const knownTemplates = new Set(templates.map((t) => t.name ?? ""));

  return {
    window: describeWindow(range),
    generatedAt: options.now,
    pendingChanges: pending,
    totals: summarizeTotals(outcomes),
    senders: senders.map((sender) => {
      const summary = summaries.get(sender.id)!;
      const changes = (changesBySender.get(sender.id) ?? []).sort((a, b) => b.atMs - a.atMs);
      const counts = alertCounts.filter((a) => a.senderNumberId === sender.id);
      return {
        id: sender.id,
        displayNumber: sender.displayNumber,
        label: sender.label,
        status: sender.status,
        qualityRating: sender.qualityRating,
        messagingLimitTier: sender.messagingLimitTier,
        totals: summary.totals,
        series: summary.series.map(({ bucketStartMs, ...point }) => ({
          bucketStart: new Date(bucketStartMs),
          ...point,
        })),
        failuresByCode: summary.failuresByCode.map((f) => ({ ...f, ...errorCodeInfo(f.code) })),
        latency: summary.latency,
        stalled: counts.filter((a) => a.kind === "message_stalled").reduce((sum, a) => sum + a.alerts, 0),
        openAlerts: counts.reduce((sum, a) => sum + a.alerts, 0),
        criticalAlerts: counts.reduce((sum, a) => sum + a.critical, 0),
        alerts: alerts.filter((a) => a.senderNumberId === sender.id),
        changes: changes.slice(0, CHANGES_SHOWN).map(changeView),
        tierSteps: tierSteps(changes, range.fromMs, range.toMs, sender.messagingLimitTier).map((s) => ({
          at: new Date(s.atMs),
          tier: s.tier,
          level: s.level,
        })),
      };
    }),
    templates: [
      ...templates.map((t) => ({
        name: t.name,
        language: t.language,
        category: t.category,
        status: t.status,
        qualityScore: t.qualityScore,
        lastEventAt: t.lastEventAt,
        messages: byTemplate.get(t.name ?? "")?.messages ?? 0,
        failed: byTemplate.get(t.name ?? "")?.failed ?? 0,
      })),
      // templates sent in the window that Meta has not told us about (no status webhook yet)
      ...[...byTemplate.entries()]
        .filter(([name]) => name !== "" && !knownTemplates.has(name))
        .map(([name, totals]) => ({
          name,
          language: null,
          category: null,
          status: null,
          qualityScore: null,
          lastEventAt: null,
          ...totals,
        })),
    ].sort(
      (a, b) => b.failed - a.failed || b.messages - a.messages || (a.name ?? "").localeCompare(b.name ?? ""),
    ),
  };
}
