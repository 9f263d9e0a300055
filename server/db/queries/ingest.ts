// Reads of webhook ingestion for the console: the platform inbox and quarantine (engineers),
// and tenant-scoped orphans, alerts, sender health and templates (every function over
// tenant-owned rows takes tenantId and puts it in `where`).
import type { THealthFactSource } from "@/server/domain/number-health/health-model";
import type { TDb } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

export type TInboxStatus = "pending" | "processed" | "quarantined" | "failed";

export async function readIngestOverview(db: TDb, now: Date) {
  const [inbox, quarantineOpen, orphansWaiting] = await Promise.all([
    db.$queryRaw<{ status: TInboxStatus; n: number; oldest: Date | null }[]>`
      SELECT status::text AS status, count(*)::int AS n, min(available_at) AS oldest
      FROM webhook_inbox WHERE status IN ('pending', 'quarantined', 'failed') GROUP BY status`,
    db.webhookQuarantine.count({ where: { resolvedAt: null } }),
    db.webhookOrphanStatus.count({ where: { attachedAt: null, discardedAt: null, foreignAt: null } }),
  ]);
  const of = (status: TInboxStatus) => inbox.find((r) => r.status === status);
  const oldestPending = of("pending")?.oldest ?? null;
  return {
    pending: of("pending")?.n ?? 0,
    oldestPendingAt: oldestPending,
    lagSeconds: oldestPending ? Math.max(0, (now.getTime() - oldestPending.getTime()) / 1000) : 0,
    quarantinedRequests: of("quarantined")?.n ?? 0,
    failedRequests: of("failed")?.n ?? 0,
    quarantineOpen,
    orphansWaiting,
  };
}

const inboxListSelect = {
  id: true,
  receivedAt: true,
  status: true,
  bodyBytes: true,
  signatureKeyIndex: true,
  attempts: true,
  processCount: true,
  lastError: true,
  processedAt: true,
  result: true,
  tenantIds: true,
  duplicateCount: true,
  lastDuplicateAt: true,
  bodyPrunedAt: true,
} satisfies Prisma.WebhookInboxSelect;

/** Raw requests, newest first (ids are UUIDv7: id order is arrival order). */
export async function listRawWebhooks(
  db: TDb,
  filter: { status?: TInboxStatus; tenantId?: string; cursor?: string; limit: number },
) {
  const rows = await db.webhookInbox.findMany({
    where: {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.tenantId ? { tenantIds: { has: filter.tenantId } } : {}),
      ...(filter.cursor ? { id: { lt: filter.cursor } } : {}),
    },
    orderBy: { id: "desc" },
    take: filter.limit + 1,
    select: inboxListSelect,
  });
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function getRawWebhook(db: TDb, id: string) {
  const row = await db.webhookInbox.findUnique({
    where: { id },
    select: { ...inboxListSelect, headers: true, body: true, bodySha256: true },
  });
  if (!row) return null;
  const [quarantine, replays] = await Promise.all([
    db.webhookQuarantine.findMany({ where: { rawWebhookId: id }, orderBy: { itemPath: "asc" } }),
    db.webhookReplayItem.findMany({ where: { rawWebhookId: id }, orderBy: { replayId: "asc" } }),
  ]);
  return { ...row, quarantine, replays };
}

export async function listQuarantine(
  db: TDb,
  filter: { reason?: string; includeResolved: boolean; cursor?: string; limit: number },
) {
  const rows = await db.webhookQuarantine.findMany({
    where: {
      ...(filter.reason ? { reason: filter.reason } : {}),
      ...(filter.includeResolved ? {} : { resolvedAt: null }),
      ...(filter.cursor ? { id: { lt: filter.cursor } } : {}),
    },
    // ids are UUIDv7: id order is creation order, and the cursor follows it
    orderBy: { id: "desc" },
    take: filter.limit + 1,
  });
  const items = rows.slice(0, filter.limit);
  return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
}

export async function listSenderHealthEvents(
  db: TDb,
  tenantId: string,
  senderNumberId: string,
  limit: number,
) {
  const rows = await db.senderHealthEvent.findMany({
    where: { tenantId, senderNumberId },
    orderBy: [{ providerTimestamp: { sort: "desc", nulls: "last" } }, { recordedAt: "desc" }],
    take: limit,
    select: {
      id: true,
      field: true,
      event: true,
      providerTimestamp: true,
      value: true,
      applied: true,
      rawWebhookId: true,
      source: true,
      recordedAt: true,
    },
  });
  // the column's CHECK constraint holds the sources to this list
  return rows.map((row) => ({ ...row, source: row.source as THealthFactSource }));
}

export function listMessageTemplates(db: TDb, tenantId: string) {
  return db.messageTemplate.findMany({
    where: { tenantId },
    orderBy: [{ name: "asc" }, { language: "asc" }],
    select: {
      wabaId: true,
      templateId: true,
      name: true,
      language: true,
      category: true,
      status: true,
      qualityScore: true,
      lastEvent: true,
      lastEventAt: true,
      updatedAt: true,
    },
  });
}
