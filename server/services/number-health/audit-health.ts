// The drift audit of number health: re-derive every number's view from its history and compare
// it with the stored view (health, hold columns, rate ceiling). With `apply`, a drifted number's
// view is rewritten (the same refresh a new fact runs) and the run is audited. The hourly
// `number-health.audit` job runs it with `apply`, and a deploy runs `number-health:audit --apply`
// after a migration or rules change, so views carried over by a migration, or derived by an
// older rules version, are brought to the current rules without holding up the worker's start.
import type { TDb } from "@/server/db/client";
import { toSql } from "@/server/db/sql";
import {
  CURRENT_HEALTH_RULES,
  deriveHealth,
  HEALTH_RULES,
} from "@/server/domain/number-health/derive-health";
import type { TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import {
  loadHealthFacts,
  projectionColumns,
  readProjectionColumns,
  refreshNumberHealth,
  type TProjectionColumns,
} from "./health-store";

export type THealthDrift = {
  tenantId: string;
  senderNumberId: string;
  /** the columns that differ: stored -> derived */
  columns: string[];
};

export type THealthAuditResult = {
  rulesVersion: number;
  checked: number;
  drifted: THealthDrift[];
  repaired: number;
};

function diffColumns(stored: TProjectionColumns | null, derived: TProjectionColumns): string[] {
  if (stored === null) return ["(no view)"];
  return (Object.keys(derived) as (keyof TProjectionColumns)[]).filter((k) => stored[k] !== derived[k]);
}

export async function auditNumberHealth(
  db: TDb,
  options: {
    tenantId?: string | null;
    rulesVersion?: number;
    apply: boolean;
    actor: TActor;
    reason?: string;
  },
  now: Date,
): Promise<THealthAuditResult> {
  const rules = HEALTH_RULES[options.rulesVersion ?? CURRENT_HEALTH_RULES.version];
  if (!rules) throw new Error(`no number-health rules version ${options.rulesVersion}`);
  const numbers = await db.senderNumber.findMany({
    where: options.tenantId ? { tenantId: options.tenantId } : {},
    select: { tenantId: true, id: true },
    orderBy: [{ tenantId: "asc" }, { id: "asc" }],
  });
  const drifted: THealthDrift[] = [];
  let repaired = 0;
  for (const number of numbers) {
    const sql = toSql(db);
    const facts = await loadHealthFacts(sql, number.tenantId, number.id);
    // a number never reported on has no view, and needs none
    const stored = await readProjectionColumns(sql, number.tenantId, number.id, false);
    if (stored === null && facts.length === 0) continue;
    const derived = projectionColumns(deriveHealth(facts, rules));
    const columns = diffColumns(stored, derived);
    if (columns.length === 0) continue;
    drifted.push({ tenantId: number.tenantId, senderNumberId: number.id, columns });
    if (options.apply) {
      await db.$transaction(async (tx) => {
        await refreshNumberHealth(toSql(tx), number.tenantId, number.id, now, rules);
      });
      repaired += 1;
    }
  }
  if (options.apply && repaired > 0) {
    await db.$transaction(async (tx) => {
      await recordAudit(tx, {
        actor: options.actor,
        action: "number_health.rederived",
        tenantId: options.tenantId ?? null,
        targetType: "sender_number",
        reason: options.reason ?? `number health re-derived with rules v${rules.version}`,
        data: { rulesVersion: rules.version, checked: numbers.length, repaired },
      });
    });
  }
  return { rulesVersion: rules.version, checked: numbers.length, drifted, repaired };
}
