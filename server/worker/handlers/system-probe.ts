// system.probe: proves the job pipeline end to end; records its completion in the audit trail.
import { setTimeout as sleep } from "node:timers/promises";
import type { TDb } from "@/server/db/client";
import { recordAudit } from "@/server/services/audit";
import type { TJobData } from "@/server/jobs/catalog";

export async function handleSystemProbe(
  deps: { db: TDb; workerId: string },
  data: TJobData<"system.probe">,
  signal: AbortSignal,
): Promise<void> {
  if (data.holdMs > 0) await sleep(data.holdMs, undefined, { signal });
  await recordAudit(deps.db, {
    actor: { kind: "system", label: "worker" },
    action: "system.probe_completed",
    targetType: "probe",
    targetId: data.probeId,
    data: { workerId: deps.workerId },
  });
}
