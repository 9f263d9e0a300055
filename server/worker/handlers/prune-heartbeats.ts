// system.prune-heartbeats: forgets workers that have been gone for a day.
import type { TDb } from "@/server/db/client";

const GONE_FOR_MS = 24 * 60 * 60 * 1000;

export async function handlePruneHeartbeats(deps: { db: TDb }, now: Date): Promise<number> {
  const { count } = await deps.db.workerHeartbeat.deleteMany({
    where: { lastSeenAt: { lt: new Date(now.getTime() - GONE_FOR_MS) } },
  });
  return count;
}
