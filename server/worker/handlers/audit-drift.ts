// ledger.audit-drift: the drift audit as a job; its report goes to the audit trail.
import type { TDb } from "@/server/db/client";
import type { TJobData } from "@/server/jobs/catalog";
import { runAuditedDrift } from "@/server/services/audit-drift";

export async function handleAuditDrift(deps: { db: TDb }, data: TJobData<"ledger.audit-drift">) {
  const report = await runAuditedDrift(
    deps.db,
    { tenantId: data.tenantId, messageId: data.messageId },
    {
      rulesVersion: data.rulesVersion,
      apply: data.apply,
      actor: { kind: "system", label: `job:${data.requestedBy}` },
      reason: data.reason,
    },
  );
  return {
    checked: report.checked,
    drifted: report.drifted.length,
    applied: report.applied,
    summary: report.text,
  };
}
