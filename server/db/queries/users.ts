// Reads and writes of a console user's own preferences. Keyed by the user's id: a user only ever
// changes their own row (the procedure passes ctx.user.id, never an input).
import type { TDb } from "@/server/db/client";

export async function getUserTimeZone(db: TDb, userId: string): Promise<string | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { timeZone: true } });
  return row?.timeZone ?? null;
}

export async function setUserTimeZone(db: TDb, userId: string, timeZone: string | null): Promise<void> {
  await db.user.update({ where: { id: userId }, data: { timeZone } });
}
