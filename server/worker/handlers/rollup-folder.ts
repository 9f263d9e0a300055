// The insights rollup folder: every FOLD_POLL_MS, folds the pending rollup deltas of every tenant
// into the rollups (server/services/insights/fold-rollups.ts), going straight on while batches
// come back full. A loop rather than a cron job: pg-boss schedules by the minute, and the pages
// read pending deltas on top of the rollups, so a backlog costs read time, never correctness.
// Several workers may fold at once (disjoint rows, SKIP LOCKED). Stopping lets the running batch
// commit; a killed process leaves its batch to PostgreSQL's rollback.
import { setTimeout as sleep } from "node:timers/promises";
import type { TDb } from "@/server/db/client";
import type { TLogger } from "@/server/platform/logger";
import { foldRollupDeltas } from "@/server/services/insights/fold-rollups";

export const FOLD_POLL_MS = 2_000;
export const FOLD_BATCH_SIZE = 5_000;
const MAX_ERROR_BACKOFF_MS = 30_000;

export function startRollupFolder(deps: { db: TDb; log: TLogger }, config = { pollMs: FOLD_POLL_MS }) {
  const controller = new AbortController();
  const { signal } = controller;

  async function loop() {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const report = await foldRollupDeltas(deps.db, { batchSize: FOLD_BATCH_SIZE });
        failures = 0;
        if (report.deltas > 0) deps.log.debug(report, "insights rollups folded");
        if (report.hasMore) continue;
        await sleep(config.pollMs, undefined, { signal }).catch(() => {});
      } catch (error) {
        failures += 1;
        deps.log.warn({ err: error, failures }, "insights rollup fold failed; the deltas stay pending");
        await sleep(Math.min(config.pollMs * 2 ** failures, MAX_ERROR_BACKOFF_MS), undefined, {
          signal,
        }).catch(() => {});
      }
    }
  }

  const running = loop();
  return {
    /** Stops after the running batch has committed or rolled back. */
    async stop() {
      controller.abort();
      await running;
    },
  };
}
