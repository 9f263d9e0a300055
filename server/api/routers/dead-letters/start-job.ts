// Hands an approved bulk action to the worker. The operation is already committed as approved;
// a queue that does not answer leaves it approved, and startBulk queues it again (running it twice
// is harmless: every item is idempotent).
import type PgBoss from "pg-boss";
import { enqueue } from "@/server/jobs/queue";

export async function startBulkJob(queue: () => Promise<PgBoss>, bulkActionId: string): Promise<boolean> {
  try {
    await enqueue(await queue(), "dead-letters.run-bulk", { bulkActionId });
    return true;
  } catch {
    return false;
  }
}
