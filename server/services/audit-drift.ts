// Replay and audit of the ledger: recompute each message's state from its ledger and compare it
// with the stored projection (an operator use case: it lives beside the audit trail it writes,
// outside the ledger service).  Read-only unless `apply` is set; then each drifted message gets its
// projection rewritten and a `state_recomputed` event naming the actor, in one transaction per
// message. With other rules it is the dry run of a rules change ("rules v2 would change N
// messages: X sent->delivered").
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import {
  diffDerived,
  formatDriftSummary,
  summarizeDrift,
  ZDerivedSnapshotSchema,
  type TDerivedDiff,
  type TDriftSummary,
} from "@/server/domain/reconciliation/diff-derived";
import {
  CURRENT_RULES,
  rulesForVersion,
  type TReconciliationRules,
} from "@/server/domain/reconciliation/rules";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";

export type TDriftScope = { tenantId?: string; messageId?: string };

export type TDriftItem = { tenantId: string; messageId: string; diff: TDerivedDiff };

export type TDriftReport = {
  rulesVersion: number;
  checked: number;
  drifted: TDriftItem[];
  summary: TDriftSummary;
  text: string;
  applied: number;
};

const PAGE = 500;

export async function auditDrift(
  db: TDb,
  scope: TDriftScope,
  options: { rules?: TReconciliationRules; apply: boolean; actor: TActor; reason?: string; now: () => Date },
): Promise<TDriftReport> {
  const rules = options.rules ?? CURRENT_RULES;
  if (scope.messageId && !scope.tenantId)
    throw new Error("a message is addressed within its tenant: give tenantId");
  const drifted: TDriftItem[] = [];
  // every diff, changed or not, so the summary can say "N of M messages"
  const diffs: TDerivedDiff[] = [];
  let checked = 0;
  let applied = 0;
  let cursor: { tenantId: string; id: string } | null = null;
  for (;;) {
    const page: {
      tenantId: string;
      id: string;
      state: string;
      rulesVersion: number;
      deciderDedupeKey: string | null;
      conflictKinds: string[];
      stateExplanation: string;
    }[] = await db.message.findMany({
      where: {
        ...(scope.tenantId ? { tenantId: scope.tenantId } : {}),
        ...(scope.messageId ? { id: scope.messageId } : {}),
        ...(cursor
          ? {
              OR: [
                { tenantId: { gt: cursor.tenantId } },
                { tenantId: cursor.tenantId, id: { gt: cursor.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ tenantId: "asc" }, { id: "asc" }],
      take: PAGE,
      select: {
        tenantId: true,
        id: true,
        state: true,
        rulesVersion: true,
        deciderDedupeKey: true,
        conflictKinds: true,
        stateExplanation: true,
      },
    });
    for (const message of page) {
      checked += 1;
      const chain = await loadChain(db, message.tenantId, message.id);
      const recomputed = deriveState(chain, rules);
      const stored = ZDerivedSnapshotSchema.parse({
        rulesVersion: message.rulesVersion,
        state: message.state,
        deciderKey: message.deciderDedupeKey,
        conflictKinds: message.conflictKinds,
        explanation: message.stateExplanation,
      });
      const diff = diffDerived(stored, recomputed);
      diffs.push(diff);
      if (!diff.isChanged) continue;
      drifted.push({ tenantId: message.tenantId, messageId: message.id, diff });
      if (options.apply) {
        await db.$transaction(async (tx) => {
          const now = options.now();
          // the event records the repair; appending it re-derives and rewrites the projection
          await appendEvents(
            tx,
            message.tenantId,
            message.id,
            [
              {
                type: "state_recomputed",
                source: "operator",
                providerTimestamp: null,
                dedupeKey: dedupeKey.worker(crypto.randomUUID()),
                payload: { actor: actorLabel(options.actor), reason: options.reason ?? "drift repair" },
                rulesVersion: rules.version,
                fromState: stored.state,
                toState: recomputed.state,
              },
            ],
            { now, rules },
          );
        });
        applied += 1;
      }
    }
    if (page.length < PAGE) break;
    const last = page.at(-1)!;
    cursor = { tenantId: last.tenantId, id: last.id };
  }
  const summary = summarizeDrift(diffs);
  return {
    rulesVersion: rules.version,
    checked,
    drifted,
    summary,
    text: formatDriftSummary(summary),
    applied,
  };
}

/**
 * The drift audit as operators run it (CLI, job): rules chosen by version, the run itself
 * audited with its summary and the first drifted messages.
 */
export async function runAuditedDrift(
  db: TDb,
  scope: TDriftScope,
  options: { rulesVersion?: number; apply: boolean; actor: TActor; reason?: string },
): Promise<TDriftReport> {
  const rules = options.rulesVersion === undefined ? CURRENT_RULES : rulesForVersion(options.rulesVersion);
  if (rules === null) throw new ServiceError("BAD_REQUEST", `unknown rules version ${options.rulesVersion}`);
  if (options.apply && !options.reason) throw new ServiceError("BAD_REQUEST", "a repair needs a reason");
  const report = await auditDrift(db, scope, { ...options, rules, now: () => new Date() });
  await recordAudit(db, {
    actor: options.actor,
    action: options.apply ? "ledger.drift_repaired" : "ledger.drift_audited",
    tenantId: scope.tenantId ?? null,
    targetType: scope.messageId ? "message" : scope.tenantId ? "tenant" : "platform",
    targetId: scope.messageId ?? scope.tenantId,
    reason: options.reason,
    data: {
      rulesVersion: report.rulesVersion,
      checked: report.checked,
      drifted: report.drifted.length,
      applied: report.applied,
      summary: report.text,
      messages: report.drifted.slice(0, 100).map((d) => ({ tenantId: d.tenantId, messageId: d.messageId })),
    },
  });
  return report;
}
