// ingest.prune-webhooks (hourly): raw body and inbox retention.
import type { TDb } from "@/server/db/client";
import { pruneWebhooks } from "@/server/services/ingest/prune";

export async function handlePruneWebhooks(
  deps: { db: TDb },
  config: { bodyRetentionDays: number; dedupeRetentionDays: number },
  now: Date,
) {
  return pruneWebhooks(deps.db, { now, ...config });
}
