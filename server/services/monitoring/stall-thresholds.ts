// Stall thresholds per tenant: STALL_THRESHOLDS_V1 unless the tenant set its own (a row per
// state; a null threshold turns flagging of that state off).
import type { TDb, TDbTx } from "@/server/db/client";
import {
  STALL_THRESHOLDS_V1,
  type TStallableState,
  type TStallThresholds,
} from "@/server/domain/reconciliation/is-stalled";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";

export const STALLABLE_STATES = [
  "queued",
  "submitting",
  "accepted",
  "sent",
  "retrying",
] as const satisfies readonly TStallableState[];

export type TThresholdView = {
  state: TStallableState;
  /** seconds, or null: never flagged */
  effectiveSeconds: number | null;
  defaultSeconds: number;
  isOverridden: boolean;
};

export async function loadStallThresholds(
  db: TDb | TDbTx,
  tenantIds: readonly string[],
): Promise<Map<string, TStallThresholds>> {
  const rows = await db.tenantStallThreshold.findMany({
    where: { tenantId: { in: [...tenantIds] } },
    select: { tenantId: true, state: true, thresholdSeconds: true },
  });
  const result = new Map<string, TStallThresholds>();
  for (const tenantId of tenantIds) {
    const own = rows.filter((r) => r.tenantId === tenantId);
    const thresholds: { [S in TStallableState]?: number } = { ...STALL_THRESHOLDS_V1 };
    for (const row of own) {
      const state = row.state as TStallableState;
      if (row.thresholdSeconds === null) delete thresholds[state];
      else thresholds[state] = row.thresholdSeconds * 1000;
    }
    result.set(tenantId, thresholds);
  }
  return result;
}

export async function describeStallThresholds(db: TDb, tenantId: string): Promise<TThresholdView[]> {
  const rows = await db.tenantStallThreshold.findMany({
    where: { tenantId },
    select: { state: true, thresholdSeconds: true },
  });
  return STALLABLE_STATES.map((state) => {
    const row = rows.find((r) => r.state === state);
    const defaultSeconds = STALL_THRESHOLDS_V1[state] / 1000;
    return {
      state,
      effectiveSeconds: row ? row.thresholdSeconds : defaultSeconds,
      defaultSeconds,
      isOverridden: row !== undefined,
    };
  });
}

/** Sets (a number), disables (null) or resets to the default (undefined) each named state. */
export async function setStallThresholds(
  db: TDb,
  actor: TActor,
  tenantId: string,
  changes: Partial<Record<TStallableState, number | null | "default">>,
  reason: string | undefined,
) {
  await db.$transaction(async (tx) => {
    for (const [state, value] of Object.entries(changes) as [TStallableState, number | null | "default"][]) {
      if (value === "default") {
        await tx.tenantStallThreshold.deleteMany({ where: { tenantId, state } });
        continue;
      }
      await tx.tenantStallThreshold.upsert({
        where: { tenantId_state: { tenantId, state } },
        create: { tenantId, state, thresholdSeconds: value, updatedBy: actorLabel(actor) },
        update: { thresholdSeconds: value, updatedBy: actorLabel(actor), updatedAt: new Date() },
      });
    }
    await recordAudit(tx, {
      actor,
      action: "tenant.stall_thresholds_changed",
      tenantId,
      targetType: "tenant",
      targetId: tenantId,
      reason,
      data: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v ?? "never"])),
    });
  });
  return describeStallThresholds(db, tenantId);
}
