// The webhook inbox drainer: `concurrency` loops, each claiming and processing one batch per
// transaction (server/services/ingest/process-inbox.ts, ADR 005). A loop goes straight on while
// it finds full batches, and polls every `pollMs` when the inbox is empty. Stopping lets every
// loop finish (commit) its current batch; a killed process leaves its batch to PostgreSQL's
// rollback and the next claim.
// The same loops attach orphans whose grace period ran out (every ORPHAN_SWEEP_MS): a cron job
// ticks once a minute, too coarse for a sender waiting on a webhook to resolve an in-doubt send.
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import type { TDb } from "@/server/db/client";
import type { TLogger } from "@/server/platform/logger";
import { sweepOrphans } from "@/server/services/ingest/orphans";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";

export type TDrainerConfig = {
  batchSize: number;
  concurrency: number;
  pollMs: number;
  maxAttempts: number;
  orphanGraceSeconds: number;
};

const ORPHAN_SWEEP_MS = 10_000;
const MAX_ERROR_BACKOFF_MS = 5_000;

export function startInboxDrainer(deps: { db: TDb; pool: pg.Pool; log: TLogger }, config: TDrainerConfig) {
  const controller = new AbortController();
  const { signal } = controller;

  async function loop(index: number) {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const report = await drainInboxOnce(deps.pool, {
          batchSize: config.batchSize,
          maxAttempts: config.maxAttempts,
          now: () => new Date(),
          onRowError: (rowId, error, attempts) =>
            deps.log.warn(
              { rawWebhookId: rowId, attempts, err: error },
              "webhook processing failed; will retry",
            ),
        });
        failures = 0;
        if (report.claimed > 0) {
          deps.log.debug({ loop: index, ...report }, "webhook batch processed");
          if (report.failed > 0)
            deps.log.error({ loop: index, failed: report.failed }, "webhooks marked failed (replayable)");
        }
        if (report.claimed >= config.batchSize) continue;
        await sleep(config.pollMs, undefined, { signal }).catch(() => {});
      } catch (error) {
        // the database is unreachable (or restarting): nothing was claimed, back off and retry
        failures += 1;
        deps.log.warn({ loop: index, err: error, failures }, "webhook drain step failed");
        await sleep(Math.min(config.pollMs * 2 ** failures, MAX_ERROR_BACKOFF_MS), undefined, {
          signal,
        }).catch(() => {});
      }
    }
  }

  async function orphanLoop() {
    while (!signal.aborted) {
      await sleep(ORPHAN_SWEEP_MS, undefined, { signal }).catch(() => {});
      if (signal.aborted) break;
      try {
        const report = await sweepOrphans(deps.db, {
          now: new Date(),
          matchGraceSeconds: config.orphanGraceSeconds,
          limit: 1000,
        });
        if (report.attachedByWamid + report.attachedByBizData > 0)
          deps.log.info(report, "orphan statuses attached");
      } catch (error) {
        deps.log.warn({ err: error }, "orphan sweep failed");
      }
    }
  }

  const loops = [...Array.from({ length: config.concurrency }, (_, i) => loop(i)), orphanLoop()];
  return {
    /** Stops taking batches and resolves once every running batch has committed or rolled back. */
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
  };
}
