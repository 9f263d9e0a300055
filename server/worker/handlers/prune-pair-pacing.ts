// sending.prune-pair-pacing: forgets pair-limit pacing rows that have long expired (a recipient
// that hit 131056 yesterday starts fresh).
import type { TDb } from "@/server/db/client";

export async function handlePrunePairPacing(deps: { db: TDb }, now: Date): Promise<{ pruned: number }> {
  const pruned = await deps.db.$executeRaw`
    DELETE FROM pair_pacing WHERE next_allowed_at < ${new Date(now.getTime() - 60 * 60_000)}`;
  return { pruned };
}
