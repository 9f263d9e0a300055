// dead-letters.run-bulk: runs an approved bulk retry or discard of dead letters, item by item.
import type { TDb } from "@/server/db/client";
import type { TJobData } from "@/server/jobs/catalog";
import { executeBulkAction } from "@/server/services/dead-letters/bulk-actions";

export async function handleRunBulkAction(
  deps: { db: TDb; clock?: () => Date },
  data: TJobData<"dead-letters.run-bulk">,
) {
  return executeBulkAction(deps.db, {
    bulkActionId: data.bulkActionId,
    clock: deps.clock ?? (() => new Date()),
  });
}
