// Writes this worker's liveness row every few seconds; GET /api/health reads it.
import os from "node:os";
import type { TDb } from "@/server/db/client";

export function startHeartbeat(
  db: TDb,
  workerId: string,
  intervalSeconds: number,
  onError: (e: unknown) => void,
) {
  const startedAt = new Date();
  const beat = async () => {
    const now = new Date();
    await db.workerHeartbeat.upsert({
      where: { workerId },
      create: { workerId, hostname: os.hostname(), pid: process.pid, startedAt, lastSeenAt: now },
      update: { lastSeenAt: now, stoppedAt: null },
    });
  };
  const timer = setInterval(() => void beat().catch(onError), intervalSeconds * 1000);
  timer.unref();
  return {
    /** one beat now; the worker's start awaits the first (and retries it while the database is down) */
    beat,
    async stop() {
      clearInterval(timer);
      await db.workerHeartbeat.updateMany({ where: { workerId }, data: { stoppedAt: new Date() } });
    },
  };
}
