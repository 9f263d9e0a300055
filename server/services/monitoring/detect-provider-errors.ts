// The provider-error-rate sweep (monitor.sweep, every minute): per tenant and per sender number,
// Meta's refusals of send requests (`provider_rejected`, throttling 130429 among them) in the
// last window against the messages requested in it, compared with the baseline window before it;
// the decision is pure (`decideProviderErrorRate`). An alert opens (critical for the tenant,
// warning for a number), stays while the rate stays up, and resolves when it falls back, each
// change reaching the tenant's endpoints and the operators' channels through the alerts' one way.
import type { TDb } from "@/server/db/client";
import {
  decideProviderErrorRate,
  describeErrorJump,
  THROTTLE_CODE,
  type TErrorSample,
  type TProviderErrorRules,
} from "@/server/domain/monitoring/provider-error-rate";
import { alertKeys, raiseAlert, resolveAlertsByKey } from "./alerts";

export type TProviderErrorSweepConfig = TProviderErrorRules & {
  now: Date;
  windowMinutes: number;
  baselineMinutes: number;
};

type TCountRow = {
  tenant_id: string;
  sender_number_id: string;
  is_current: boolean;
  requested: number;
  rejected: number;
  throttled: number;
};

/**
 * Counts per tenant, number and window (current or baseline). Requested messages come from
 * message_tenant_id_created_at_idx; rejections walk each tenant's error codes with a loose index
 * scan of message_event_tenant_id_error_code_idx (tenant_id, error_code, recorded_at), each code's
 * window a range of that index, so the cost follows the errors of the windows, not the ledger.
 */
async function countWindows(db: TDb, config: TProviderErrorSweepConfig): Promise<TCountRow[]> {
  const split = new Date(config.now.getTime() - config.windowMinutes * 60_000);
  const since = new Date(split.getTime() - config.baselineMinutes * 60_000);
  return db.$queryRaw<TCountRow[]>`
    WITH tenants AS (SELECT id AS tenant_id FROM tenant WHERE status = 'active'),
    requested AS (
      SELECT m.tenant_id, m.sender_number_id, m.created_at >= ${split} AS is_current, count(*)::int AS n
      FROM tenants t
      JOIN message m ON m.tenant_id = t.tenant_id AND m.created_at >= ${since} AND m.created_at < ${config.now}
      GROUP BY 1, 2, 3
    ),
    codes AS (
      WITH RECURSIVE walk AS (
        SELECT t.tenant_id,
               (SELECT min(e.error_code) FROM message_event e
                WHERE e.tenant_id = t.tenant_id AND e.error_code IS NOT NULL) AS error_code
        FROM tenants t
        UNION ALL
        SELECT w.tenant_id,
               (SELECT min(e.error_code) FROM message_event e
                WHERE e.tenant_id = w.tenant_id AND e.error_code IS NOT NULL AND e.error_code > w.error_code)
        FROM walk w WHERE w.error_code IS NOT NULL
      )
      SELECT tenant_id, error_code FROM walk WHERE error_code IS NOT NULL
    ),
    rejected AS (
      SELECT e.tenant_id, m.sender_number_id, e.recorded_at >= ${split} AS is_current, count(*)::int AS n,
             count(*) FILTER (WHERE e.error_code = ${THROTTLE_CODE})::int AS throttled
      FROM codes c
      JOIN message_event e ON e.tenant_id = c.tenant_id AND e.error_code = c.error_code
        AND e.recorded_at >= ${since} AND e.recorded_at < ${config.now}
      JOIN message m ON m.tenant_id = e.tenant_id AND m.id = e.message_id
      WHERE e.type = 'provider_rejected'
      GROUP BY 1, 2, 3
    )
    SELECT coalesce(r.tenant_id, j.tenant_id)::text AS tenant_id,
           coalesce(r.sender_number_id, j.sender_number_id)::text AS sender_number_id,
           coalesce(r.is_current, j.is_current) AS is_current,
           coalesce(r.n, 0) AS requested, coalesce(j.n, 0) AS rejected, coalesce(j.throttled, 0) AS throttled
    FROM requested r
    FULL JOIN rejected j ON j.tenant_id = r.tenant_id AND j.sender_number_id = r.sender_number_id
      AND j.is_current = r.is_current`;
}

const empty = (): TErrorSample => ({ requested: 0, rejected: 0, throttled: 0 });
const add = (a: TErrorSample, b: TErrorSample): TErrorSample => ({
  requested: a.requested + b.requested,
  rejected: a.rejected + b.rejected,
  throttled: a.throttled + b.throttled,
});

export async function detectProviderErrors(
  db: TDb,
  config: TProviderErrorSweepConfig,
): Promise<{ opened: number; resolved: number }> {
  const rows = await countWindows(db, config);
  const open = await db.alert.findMany({
    where: { kind: "provider_error_rate", status: { not: "resolved" } },
    select: { tenantId: true, senderNumberId: true, details: true },
  });
  // per tenant: each number and the tenant as a whole (null), current and baseline samples
  type TScope = { current: TErrorSample; baseline: TErrorSample };
  const tenants = new Map<string, Map<string | null, TScope>>();
  const scopeOf = (tenantId: string, senderNumberId: string | null): TScope => {
    let scopes = tenants.get(tenantId);
    if (!scopes) tenants.set(tenantId, (scopes = new Map()));
    let scope = scopes.get(senderNumberId);
    if (!scope) scopes.set(senderNumberId, (scope = { current: empty(), baseline: empty() }));
    return scope;
  };
  for (const r of rows) {
    const sample = { requested: r.requested, rejected: r.rejected, throttled: r.throttled };
    for (const scope of [scopeOf(r.tenant_id, r.sender_number_id), scopeOf(r.tenant_id, null)]) {
      if (r.is_current) scope.current = add(scope.current, sample);
      else scope.baseline = add(scope.baseline, sample);
    }
  }
  // an open alert whose scope had no traffic at all is judged on an empty window (and resolves)
  for (const a of open) scopeOf(a.tenantId, a.senderNumberId);

  const numberIds = [...new Set(rows.map((r) => r.sender_number_id))];
  const numbers = new Map(
    (
      await db.senderNumber.findMany({
        where: { id: { in: numberIds } },
        select: { id: true, displayNumber: true },
      })
    ).map((n) => [n.id, n.displayNumber]),
  );

  let opened = 0;
  let resolved = 0;
  for (const [tenantId, scopes] of tenants) {
    // most tenants have nothing to open and nothing open: no transaction for them
    const isQuiet =
      [...scopes.values()].every((s) => s.current.rejected < config.minRejected) &&
      !open.some((a) => a.tenantId === tenantId);
    if (isQuiet) continue;
    await db.$transaction(async (tx) => {
      for (const [senderNumberId, { current, baseline }] of scopes) {
        const openAlert = open.find((a) => a.tenantId === tenantId && a.senderNumberId === senderNumberId);
        const openBaseline = (openAlert?.details as { baselineRate?: number } | undefined)?.baselineRate ?? 0;
        const decision = decideProviderErrorRate(
          current,
          baseline,
          openAlert ? { baselineRate: openBaseline } : null,
          config,
        );
        const key = alertKeys.providerErrors(senderNumberId);
        switch (decision.action) {
          case "open":
          case "keep": {
            const baselineRate = decision.action === "open" ? decision.baselineRate : openBaseline;
            const scope =
              senderNumberId === null ? "the tenant" : (numbers.get(senderNumberId) ?? senderNumberId);
            await raiseAlert(
              tx,
              {
                tenantId,
                senderNumberId,
                kind: "provider_error_rate",
                dedupeKey: key,
                severity: senderNumberId === null ? "critical" : "warning",
                title: describeErrorJump(scope, current, baselineRate, config.windowMinutes),
                details: {
                  rate: decision.rate,
                  baselineRate,
                  requested: current.requested,
                  rejected: current.rejected,
                  throttled: current.throttled,
                  windowMinutes: config.windowMinutes,
                  baselineMinutes: config.baselineMinutes,
                },
                isNewOccurrence: false,
              },
              config.now,
            );
            if (decision.action === "open") opened += 1;
            break;
          }
          case "resolve":
            resolved += await resolveAlertsByKey(
              tx,
              tenantId,
              [key],
              `provider errors back to ${Math.round(decision.rate * 100)}% of attempts`,
              config.now,
            );
            break;
          case "none":
            break;
          default: {
            const unreachable: never = decision;
            throw new Error(`unhandled decision ${JSON.stringify(unreachable)}`);
          }
        }
      }
    });
  }
  return { opened, resolved };
}
