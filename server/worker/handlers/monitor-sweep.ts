// monitor.sweep (every minute): snoozes that ran out, stalled messages, stalled-share cohort
// alerts, orphan-age alerts, provider-error-rate alerts. Each step is idempotent, so an overlapping or retried run is harmless.
import type { TDb } from "@/server/db/client";
import { raiseOrphanAlerts } from "@/server/services/ingest/orphans";
import { reopenExpiredSnoozes } from "@/server/services/monitoring/alerts";
import { detectStalled } from "@/server/services/monitoring/detect-stalled";
import { detectProviderErrors } from "@/server/services/monitoring/detect-provider-errors";

export type TMonitorConfig = {
  cohortMinStalled: number;
  cohortJump: number;
  cohortBaselineMinutes: number;
  orphanAlertMinutes: number;
  providerErrors: { minRejected: number; jump: number; windowMinutes: number; baselineMinutes: number };
};

export async function handleMonitorSweep(deps: { db: TDb }, config: TMonitorConfig, now: Date) {
  const reopened = await reopenExpiredSnoozes(deps.db, now);
  const stalled = await detectStalled(deps.db, {
    now,
    cohort: {
      minStalled: config.cohortMinStalled,
      jump: config.cohortJump,
      baselineMinutes: config.cohortBaselineMinutes,
    },
    limitPerState: 500,
  });
  const orphans = await raiseOrphanAlerts(deps.db, { now, alertAfterMinutes: config.orphanAlertMinutes });
  const providerErrors = await detectProviderErrors(deps.db, { ...config.providerErrors, now });
  return {
    reopened,
    ...stalled,
    orphanAlertsOpen: orphans.open,
    orphanAlertsResolved: orphans.resolved,
    providerErrorAlertsOpened: providerErrors.opened,
    providerErrorAlertsResolved: providerErrors.resolved,
  };
}
