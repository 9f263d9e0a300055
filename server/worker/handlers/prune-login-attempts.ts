// system.prune-login-attempts: forgets console sign-in attempts older than a week. The throttle
// reads only its window (WAYBILL_LOGIN_WINDOW_SECONDS, 15 minutes by default; it must stay under
// this retention), and failures worth keeping are in the audit trail; without pruning, a password
// spraying run would grow the table without bound.
import type { TDb } from "@/server/db/client";

export const LOGIN_ATTEMPT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export async function handlePruneLoginAttempts(deps: { db: TDb }, now: Date): Promise<number> {
  const { count } = await deps.db.loginAttempt.deleteMany({
    where: { attemptedAt: { lt: new Date(now.getTime() - LOGIN_ATTEMPT_RETENTION_MS) } },
  });
  return count;
}
