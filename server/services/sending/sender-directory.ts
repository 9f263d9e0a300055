// Which of a tenant's sender numbers a send request's `from` names (its Waybill id, its Graph
// phone_number_id or its display number), remembered briefly per process so the intake does
// not read it for every message. An entry is only a hint: the intake statement re-checks that
// the number still belongs to the tenant and still answers to `from`, and resolves again
// without the cache when it does not (request-send.ts).
import type { TSql } from "@/server/db/sql";

export type TSenderRef = { id: string; phoneNumberId: string; displayNumber: string };

export type TSenderDirectory = {
  resolve(
    sql: TSql,
    tenantId: string,
    from: string,
    options?: { isFresh?: boolean },
  ): Promise<TSenderRef | null>;
  forget(tenantId: string, from: string): void;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ENTRIES = 10_000;

export function createSenderDirectory(
  options: { ttlMs?: number; clock?: () => number } = {},
): TSenderDirectory {
  const ttlMs = options.ttlMs ?? 30_000;
  const clock = options.clock ?? Date.now;
  const cache = new Map<string, { value: TSenderRef; expiresAt: number }>();
  const key = (tenantId: string, from: string) => `${tenantId}|${from}`;
  return {
    async resolve(sql, tenantId, from, { isFresh = false } = {}) {
      const k = key(tenantId, from);
      const hit = isFresh ? undefined : cache.get(k);
      if (hit && hit.expiresAt > clock()) return hit.value;
      const value = await readSender(sql, tenantId, from);
      if (value && ttlMs > 0) {
        if (cache.size >= MAX_ENTRIES) cache.clear();
        cache.set(k, { value, expiresAt: clock() + ttlMs });
      }
      return value;
    },
    forget(tenantId, from) {
      cache.delete(key(tenantId, from));
    },
  };
}

async function readSender(sql: TSql, tenantId: string, from: string): Promise<TSenderRef | null> {
  const columns = `SELECT id::text AS id, phone_number_id AS "phoneNumberId", display_number AS "displayNumber"
    FROM sender_number WHERE tenant_id = $1::uuid`;
  let rows: TSenderRef[];
  if (UUID.test(from)) {
    rows = await sql.query<TSenderRef>(`${columns} AND id = $2::uuid`, [tenantId, from.toLowerCase()]);
  } else if (from.startsWith("+")) {
    rows = await sql.query<TSenderRef>(`${columns} AND display_number = $2 ORDER BY id LIMIT 1`, [
      tenantId,
      from,
    ]);
  } else {
    rows = await sql.query<TSenderRef>(`${columns} AND phone_number_id = $2`, [tenantId, from]);
  }
  return rows[0] ?? null;
}
