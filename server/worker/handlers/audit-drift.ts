// ledger.audit-drift: the drift audit as a job; its report goes to the audit trail.
import type { TDb } from "@/server/db/client";
import { rulesForVersion } from "@/server/domain/reconciliation/rules";
import type { TJobData } from "@/server/jobs/catalog";
import { recordAudit } from "@/server/services/audit";
import { auditDrift } from "@/server/services/ledger/audit-drift";

export async function handleAuditDrift(deps: { db: TDb }, data: TJobData<"ledger.audit-drift">) {
  const rules = data.rulesVersion === undefined ? undefined : rulesForVersion(data.rulesVersion);
  if (rules === null) throw new Error(`unknown rules version ${data.rulesVersion}`);
  const actor = { kind: "system" as const, label: `job:${data.requestedBy}` };
  const report = await auditDrift(
    deps.db,
    { tenantId: data.tenantId, messageId: data.messageId },
    { rules, apply: data.apply, actor, reason: data.reason, now: () => new Date() },
  );
  await recordAudit(deps.db, {
    actor,
    action: data.apply ? "ledger.drift_repaired" : "ledger.drift_audited",
    tenantId: data.tenantId ?? null,
    targetType: data.messageId ? "message" : data.tenantId ? "tenant" : "platform",
    targetId: data.messageId ?? data.tenantId,
    reason: data.reason,
    data: {
      rulesVersion: report.rulesVersion,
      checked: report.checked,
      drifted: report.drifted.length,
      applied: report.applied,
      summary: report.text,
      messages: report.drifted.slice(0, 100).map((d) => ({ tenantId: d.tenantId, messageId: d.messageId })),
    },
  });
  return {
    checked: report.checked,
    drifted: report.drifted.length,
    applied: report.applied,
    summary: report.text,
  };
}
