// Failure heatmaps: per tenant by sender number, error code and template x time; across tenants
// tenants x time. Quality/limit changes come along as markers. Rollups only.
import type { TDb } from "@/server/db/client";
import {
  countPendingDeltas,
  readCrossTenantCells,
  readHealthEventsInRange,
  readOutcomeRows,
  readTemplateRows,
  readTenantTotals,
  readOpenAlertCounts,
} from "@/server/db/queries/insights";
import { listSenderNumbers } from "@/server/db/queries/tenants";
import { errorCodeInfo } from "@/server/domain/insights/error-hints";
import { healthChangesOf } from "@/server/domain/insights/health-changes";
import { outcomeOf } from "@/server/domain/insights/rollup";
import {
  heatmapByErrorCode,
  heatmapBySender,
  heatmapByTemplate,
  type TOutcomeTotals,
} from "@/server/domain/insights/summarize";
import { columnOf, windowRange, type TInsightWindow } from "@/server/domain/insights/windows";
import { changeView, describeWindow } from "./number-health";

const TEMPLATE_ROWS = 12;
const MARKERS = 300;

type TOptions = { window: TInsightWindow; untilMs: number; now: Date };

export async function getTenantHeatmap(db: TDb, tenantId: string, options: TOptions) {
  const range = windowRange(options.window, options.untilMs);
  const [senders, outcomes, templateRows, healthRows, pending] = await Promise.all([
    listSenderNumbers(db, tenantId),
    readOutcomeRows(db, tenantId, range),
    readTemplateRows(db, tenantId, range),
    readHealthEventsInRange(db, [tenantId], range, MARKERS),
    countPendingDeltas(db, [tenantId]),
  ]);
  const sendersById = new Map(senders.map((s) => [s.id, s]));
  const templates = heatmapByTemplate(range, templateRows, TEMPLATE_ROWS);
  return {
    window: describeWindow(range),
    columns: range.columns.map((ms) => new Date(ms)),
    generatedAt: options.now,
    pendingChanges: pending,
    bySender: heatmapBySender(
      range,
      senders.map((s) => s.id),
      outcomes,
    ).map((row) => ({
      ...row,
      label: sendersById.get(row.key)?.displayNumber ?? row.key,
      sublabel: sendersById.get(row.key)?.label ?? null,
      hint: null,
    })),
    byErrorCode: heatmapByErrorCode(range, outcomes).map((row) => {
      const info = errorCodeInfo(row.key);
      return { ...row, label: row.key === "" ? "no code" : row.key, sublabel: info.title, hint: info.hint };
    }),
    byTemplate: {
      rows: templates.rows.map((row) => ({
        ...row,
        label: row.key === "" ? "(free-form text)" : row.key,
        sublabel: null,
        hint: null,
      })),
      omitted: templates.omitted,
    },
    markers: healthRows
      .flatMap(healthChangesOf)
      .filter((c) => columnOf(range, c.atMs) >= 0 && c.kind !== "other")
      .map((c) => ({
        ...changeView(c),
        tenantId,
        displayNumber: sendersById.get(c.senderNumberId)?.displayNumber ?? null,
      })),
  };
}

export type TVisibleTenant = { id: string; slug: string; name: string; status: string };

export async function getCrossTenantHeatmap(db: TDb, tenants: readonly TVisibleTenant[], options: TOptions) {
  const range = windowRange(options.window, options.untilMs);
  const ids = tenants.map((t) => t.id);
  const [cells, healthRows, senders, pending] = await Promise.all([
    readCrossTenantCells(db, ids, range),
    readHealthEventsInRange(db, ids, range, MARKERS),
    ids.length === 0
      ? Promise.resolve([])
      : db.senderNumber.findMany({
          where: { tenantId: { in: ids } },
          select: { id: true, tenantId: true, displayNumber: true },
        }),
    countPendingDeltas(db, ids),
  ]);
  const displayNumbers = new Map(senders.map((s) => [`${s.tenantId}:${s.id}`, s.displayNumber]));
  const rows = tenants.map((tenant) => {
    const own = cells
      .filter((c) => c.tenantId === tenant.id)
      .map((c) => ({
        column: columnOf(range, c.bucketStartMs),
        messages: c.messages,
        failures: c.failed + c.deadLettered + c.rejected,
        byState: { failed: c.failed, dead_lettered: c.deadLettered, rejected: c.rejected },
        sendersFailing: c.sendersFailing,
        topErrorCode: c.topErrorCode,
        topErrorTitle: c.topErrorCode === null ? null : errorCodeInfo(c.topErrorCode).title,
        topErrorFailures: c.topErrorFailures,
      }))
      .filter((c) => c.column >= 0)
      .sort((a, b) => a.column - b.column);
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      failures: own.reduce((sum, c) => sum + c.failures, 0),
      messages: own.reduce((sum, c) => sum + c.messages, 0),
      cells: own,
    };
  });
  return {
    window: describeWindow(range),
    columns: range.columns.map((ms) => new Date(ms)),
    generatedAt: options.now,
    pendingChanges: pending,
    rows,
    markers: healthRows
      .flatMap((row) => healthChangesOf(row).map((c) => ({ ...c, tenantId: row.tenantId })))
      .filter((c) => columnOf(range, c.atMs) >= 0 && c.kind !== "other")
      .map((c) => ({
        ...changeView(c),
        tenantId: c.tenantId,
        displayNumber: displayNumbers.get(`${c.tenantId}:${c.senderNumberId}`) ?? null,
      })),
  };
}

/** The all-tenants health overview: per tenant its totals, commonest failure, numbers at risk, alerts. */
export async function getTenantsOverview(db: TDb, tenants: readonly TVisibleTenant[], options: TOptions) {
  const range = windowRange(options.window, options.untilMs);
  const ids = tenants.map((t) => t.id);
  const [totals, senders, alerts] = await Promise.all([
    readTenantTotals(db, ids, range),
    ids.length === 0
      ? Promise.resolve([])
      : db.senderNumber.findMany({
          where: { tenantId: { in: ids } },
          select: { tenantId: true, qualityRating: true, status: true },
        }),
    readOpenAlertCounts(db, ids),
  ]);
  return {
    window: describeWindow(range),
    generatedAt: options.now,
    tenants: tenants.map((tenant) => {
      const t: TOutcomeTotals = {
        messages: 0,
        delivered: 0,
        failed: 0,
        inFlight: 0,
        cancelled: 0,
        deliveryRate: null,
        failureRate: null,
      };
      const codes = new Map<string, number>();
      for (const row of totals.filter((r) => r.tenantId === tenant.id)) {
        t.messages += row.messages;
        const outcome = outcomeOf(row.state);
        if (outcome === "delivered") t.delivered += row.messages;
        else if (outcome === "failed") {
          t.failed += row.messages;
          codes.set(row.errorCode, (codes.get(row.errorCode) ?? 0) + row.messages);
        } else if (outcome === "in_flight") t.inFlight += row.messages;
        else t.cancelled += row.messages;
      }
      t.deliveryRate = t.messages > 0 ? t.delivered / t.messages : null;
      t.failureRate = t.messages > 0 ? t.failed / t.messages : null;
      const top = [...codes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      const own = senders.filter((s) => s.tenantId === tenant.id);
      const ownAlerts = alerts.filter((a) => a.tenantId === tenant.id);
      return {
        tenantId: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        totals: t,
        topFailure: top ? { ...errorCodeInfo(top[0]), messages: top[1] } : null,
        senders: own.length,
        sendersAtRisk: own.filter(
          (s) =>
            s.qualityRating === "RED" ||
            s.qualityRating === "YELLOW" ||
            !["CONNECTED", "PENDING"].includes(s.status),
        ).length,
        openAlerts: ownAlerts.reduce((sum, a) => sum + a.alerts, 0),
        stalled: ownAlerts.filter((a) => a.kind === "message_stalled").reduce((sum, a) => sum + a.alerts, 0),
      };
    }),
  };
}
