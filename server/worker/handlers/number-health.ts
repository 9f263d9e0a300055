// number-health.sync and number-health.audit: the Graph API sync of number health and its drift
// audit as jobs; the work is in server/services/number-health/.
import type { TDb } from "@/server/db/client";
import type { TJobData } from "@/server/jobs/catalog";
import type { TSecretBox } from "@/server/platform/secret-box";
import { createGraphPhoneNumberReader } from "@/server/providers/whatsapp-cloud/client";
import { auditNumberHealth } from "@/server/services/number-health/audit-health";
import { syncNumberHealth } from "@/server/services/number-health/sync-health";
import { readSenderAccessToken } from "@/server/services/tenants";

export async function handleNumberHealthSync(
  deps: { db: TDb; box: TSecretBox },
  config: {
    graphApiUrl: string;
    graphApiVersion: string;
    timeoutMs: number;
    batchSize: number;
    minIntervalMs: number;
    readsPerSecond: number;
  },
  data: TJobData<"number-health.sync">,
  signal?: AbortSignal,
) {
  const report = await syncNumberHealth(
    {
      db: deps.db,
      reader: createGraphPhoneNumberReader({
        baseUrl: config.graphApiUrl,
        version: config.graphApiVersion,
        timeoutMs: config.timeoutMs,
      }),
      accessToken: (tenantId, senderNumberId) =>
        readSenderAccessToken(deps.db, deps.box, tenantId, senderNumberId),
      clock: () => new Date(),
    },
    {
      batchSize: config.batchSize,
      minIntervalMs: config.minIntervalMs,
      readsPerSecond: config.readsPerSecond,
      tenantId: data.tenantId,
    },
    signal,
  );
  return { read: report.read, recorded: report.recorded, unchanged: report.unchanged, failed: report.failed };
}

export async function handleNumberHealthAudit(deps: { db: TDb }, data: TJobData<"number-health.audit">) {
  const result = await auditNumberHealth(
    deps.db,
    {
      tenantId: data.tenantId ?? null,
      rulesVersion: data.rulesVersion,
      apply: data.apply,
      actor: { kind: "system", label: `job:${data.requestedBy}` },
      reason: data.reason,
    },
    new Date(),
  );
  return {
    rulesVersion: result.rulesVersion,
    checked: result.checked,
    drifted: result.drifted.length,
    repaired: result.repaired,
  };
}
