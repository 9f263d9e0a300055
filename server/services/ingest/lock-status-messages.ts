// The messages a batch's statuses belong to, locked before anything of the batch is written, and
// without waiting for another drainer: a message another transaction holds is "busy", and every
// raw request with a status for it is left pending for a later claim instead.
//
// Why not wait, as a single append does: drain loops claim consecutive stretches of the inbox,
// and a message's statuses (sent, delivered, read) arrive close together, so two batches in
// flight nearly always share a message or two. appendBatch locks all of a batch's messages in
// one statement in (tenant, message) order, so the second batch waited on the first one's whole
// transaction and the loops took turns instead of running side by side (measured: two loops drained
// barely faster than one, their backends waiting on `transactionid` locks). Deferring a request
// is free of ordering risk: derivation does not depend on the order facts arrive in, and the
// request keeps its place at the head of the inbox (its `available_at` is unchanged).
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";

export type TStatusPair = { tenantId: string; wamid: string };
export type TKnownWamid = { messageId: string; attempt: number };

export const wamidKey = (tenantId: string, wamid: string) => `${tenantId}|${wamid}`;

type TWamidRow = { tenant_id: string; provider_message_id: string; message_id: string; attempt: number };

const columns = (list: readonly TStatusPair[]) => [list.map((p) => p.tenantId), list.map((p) => p.wamid)];

/** The recorded wamids among `pairs`, with their message and attempt (no lock). */
export async function lookupWamids(sql: TSql, pairs: readonly TStatusPair[]): Promise<TWamidRow[]> {
  if (pairs.length === 0) return [];
  const [tenantIds, wamids] = columns(pairs);
  return sqlTemplate(sql)<TWamidRow>`
    SELECT p.tenant_id::text AS tenant_id, p.provider_message_id, p.message_id::text AS message_id, p.attempt
    FROM message_provider_id p
    JOIN unnest(${tenantIds}::uuid[], ${wamids}::text[]) AS q(tenant_id, wamid)
      ON p.tenant_id = q.tenant_id AND p.provider_message_id = q.wamid`;
}

/**
 * Locks (FOR UPDATE, SKIP LOCKED) the messages of `pairs` whose wamids are recorded. Returns the
 * wamids whose messages are now held by this transaction (`known`, as applyStatuses resolves
 * them) and those whose messages another transaction holds (`busy`); a wamid in neither is not
 * recorded (yet): an orphan candidate, resolved by applyStatuses under its advisory lock.
 */
export async function lockStatusMessages(
  sql: TSql,
  pairs: readonly TStatusPair[],
): Promise<{ known: Map<string, TKnownWamid>; busy: Set<string> }> {
  const known = new Map<string, TKnownWamid>();
  const busy = new Set<string>();
  if (pairs.length === 0) return { known, busy };
  const [tenantIds, wamids] = columns(pairs);
  const locked = await sqlTemplate(sql)<TWamidRow>`
    SELECT p.tenant_id::text AS tenant_id, p.provider_message_id, p.message_id::text AS message_id, p.attempt
    FROM message_provider_id p
    JOIN unnest(${tenantIds}::uuid[], ${wamids}::text[]) AS q(tenant_id, wamid)
      ON p.tenant_id = q.tenant_id AND p.provider_message_id = q.wamid
    JOIN message m ON m.tenant_id = p.tenant_id AND m.id = p.message_id
    FOR UPDATE OF m SKIP LOCKED`;
  for (const r of locked)
    known.set(wamidKey(r.tenant_id, r.provider_message_id), { messageId: r.message_id, attempt: r.attempt });
  // not returned: either busy or not recorded; a second look (no lock) tells them apart
  const rest = pairs.filter((p) => !known.has(wamidKey(p.tenantId, p.wamid)));
  for (const r of await lookupWamids(sql, rest)) busy.add(wamidKey(r.tenant_id, r.provider_message_id));
  return { known, busy };
}
