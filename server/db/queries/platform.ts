// Reads of platform tables (users, audit trail, worker liveness).
import type { TDb } from "@/server/db/client";

export function listUsers(db: TDb) {
  return db.user.findMany({
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      tenantId: true,
      disabledAt: true,
      createdAt: true,
      tenant: { select: { name: true } },
    },
    orderBy: { email: "asc" },
  });
}

export async function listAuditEvents(
  db: TDb,
  filter: { tenantId?: string; action?: string; actor?: string; cursor?: bigint; limit: number },
) {
  const rows = await db.auditEvent.findMany({
    where: {
      ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
      ...(filter.action ? { action: filter.action } : {}),
      // part of the label ("eve@", "cli:"): people search by the email they remember
      // Prisma passes LIKE wildcards through: escaped, a typed % or _ matches only itself
      ...(filter.actor
        ? { actorLabel: { contains: filter.actor.replace(/[\\%_]/g, "\\$&"), mode: "insensitive" as const } }
        : {}),
      ...(filter.cursor ? { id: { lt: filter.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  return { items: page, nextCursor: rows.length > filter.limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Every action name the audit trail holds, for the console's filter suggestions. A loose index
 * scan over audit_event (action, created_at): one index probe per distinct action, so it stays
 * fast however long the trail grows, and the list never drifts from what is really recorded.
 */
export async function listAuditActions(db: TDb): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`
    WITH RECURSIVE actions AS (
      (SELECT action FROM audit_event ORDER BY action LIMIT 1)
      UNION ALL
      SELECT (SELECT e.action FROM audit_event e WHERE e.action > a.action ORDER BY e.action LIMIT 1)
      FROM actions a
      WHERE a.action IS NOT NULL
    )
    SELECT action FROM actions WHERE action IS NOT NULL`;
  return rows.map((r) => r.action);
}

export type TSystemHealth = {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs: number | null; error?: string };
  worker: { ok: boolean; lastSeenAt: Date | null; liveWorkers: number };
  checkedAt: Date;
};

/** A worker is live when its heartbeat is younger than this. */
export const WORKER_STALE_AFTER_MS = 30_000;

export async function readSystemHealth(db: TDb, now: Date): Promise<TSystemHealth> {
  const started = performance.now();
  try {
    await db.$queryRaw`SELECT 1`;
  } catch (error) {
    return {
      status: "down",
      database: {
        ok: false,
        latencyMs: null,
        error: error instanceof Error ? error.message.split("\n")[0] : "unreachable",
      },
      worker: { ok: false, lastSeenAt: null, liveWorkers: 0 },
      checkedAt: now,
    };
  }
  const latencyMs = Math.round((performance.now() - started) * 10) / 10;
  const since = new Date(now.getTime() - WORKER_STALE_AFTER_MS);
  const [live, latest] = await Promise.all([
    db.workerHeartbeat.count({ where: { lastSeenAt: { gte: since }, stoppedAt: null } }),
    db.workerHeartbeat.findFirst({ orderBy: { lastSeenAt: "desc" }, select: { lastSeenAt: true } }),
  ]);
  return {
    status: live > 0 ? "ok" : "degraded",
    database: { ok: true, latencyMs },
    worker: { ok: live > 0, lastSeenAt: latest?.lastSeenAt ?? null, liveWorkers: live },
    checkedAt: now,
  };
}
