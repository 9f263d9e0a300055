// Replays: an engineer re-runs processing of stored raw requests (one, a list, or a filter),
// e.g. after registering a number that was unknown or fixing a parser bug. The requests are
// queued again in the inbox (the drainer processes them like new ones, in its crash-safe
// transaction) and each one's before/after is recorded. Re-processing is idempotent: ledger facts
// dedupe by key, a replay adds no receipt for a fact the same request already delivered,
// orphans, health and template events dedupe by their keys.
import crypto from "node:crypto";
import { z } from "zod";
import type { TDb, TDbTx } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import { uuidV7Floor } from "@/server/ingest/uuid-v7";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";

export const QUARANTINE_REASONS = [
  "malformed_json",
  "invalid_envelope",
  "invalid_item",
  "unknown_status",
  "unknown_phone_number",
  "waba_mismatch",
  "unknown_waba",
  "ambiguous_waba",
  "unknown_sender",
] as const;

export const ZReplayFilterSchema = z
  .object({
    rawWebhookIds: z.array(z.uuid()).min(1).max(1000).optional(),
    status: z.enum(["processed", "quarantined", "failed"]).optional(),
    receivedFrom: z.date().optional(),
    receivedTo: z.date().optional(),
    tenantId: z.uuid().optional(),
    quarantineReason: z.enum(QUARANTINE_REASONS).optional(),
  })
  .refine(
    (f) =>
      f.rawWebhookIds !== undefined ||
      f.status !== undefined ||
      f.receivedFrom !== undefined ||
      f.quarantineReason !== undefined,
    {
      message: "name requests (rawWebhookIds) or narrow by status, receivedFrom or quarantineReason",
    },
  );
export type TReplayFilter = z.infer<typeof ZReplayFilterSchema>;

export const REPLAY_MAX_REQUESTS = 10_000;

export type TReplayRequest = {
  filter: TReplayFilter;
  reason: string;
  limit?: number;
  /** the replay's id when the caller names it first (an operator action keys its ledger event by it) */
  replayId?: string;
};
export type TReplayOutcome = { replayId: string; requestCount: number; isTruncated: boolean };

export async function requestReplay(
  db: TDb,
  actor: TActor,
  input: TReplayRequest,
  now: Date,
): Promise<TReplayOutcome> {
  return db.$transaction((tx) => requestReplayInTx(tx, actor, input, now), {
    timeout: 60_000,
    maxWait: 10_000,
  });
}

/**
 * The replay in the caller's transaction, so an operator action on a message (the
 * `replay_webhook` ledger event) commits together with the replay it records.
 */
export async function requestReplayInTx(
  tx: TDbTx,
  actor: TActor,
  input: TReplayRequest,
  now: Date,
): Promise<TReplayOutcome> {
  const filter = ZReplayFilterSchema.parse(input.filter);
  const limit = Math.min(input.limit ?? REPLAY_MAX_REQUESTS, REPLAY_MAX_REQUESTS);
  const conditions: Prisma.Sql[] = [
    // pending rows are processed anyway; pruned rows have nothing left to process
    Prisma.sql`w.status <> 'pending'`,
    Prisma.sql`w.body IS NOT NULL`,
  ];
  if (filter.rawWebhookIds) conditions.push(Prisma.sql`w.id = ANY(${filter.rawWebhookIds}::uuid[])`);
  if (filter.status) conditions.push(Prisma.sql`w.status = ${filter.status}::webhook_inbox_status`);
  // ids are UUIDv7: a time range is a primary-key range
  if (filter.receivedFrom)
    conditions.push(Prisma.sql`w.id >= ${uuidV7Floor(filter.receivedFrom.getTime())}::uuid`);
  if (filter.receivedTo)
    conditions.push(Prisma.sql`w.id < ${uuidV7Floor(filter.receivedTo.getTime())}::uuid`);
  if (filter.tenantId) conditions.push(Prisma.sql`${filter.tenantId}::uuid = ANY(w.tenant_ids)`);
  if (filter.quarantineReason)
    conditions.push(
      Prisma.sql`EXISTS (SELECT 1 FROM webhook_quarantine q WHERE q.raw_webhook_id = w.id AND q.reason = ${filter.quarantineReason} AND q.resolved_at IS NULL)`,
    );
  const replayId = input.replayId ?? crypto.randomUUID();
  const requestedBy = actorLabel(actor);

  const targets = await tx.$queryRaw<{ id: string }[]>`
    SELECT w.id::text AS id FROM webhook_inbox w
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY w.id
    LIMIT ${limit + 1}
    FOR UPDATE`;
  const isTruncated = targets.length > limit;
  const ids = targets.slice(0, limit).map((t) => t.id);
  if (ids.length === 0)
    throw new ServiceError(
      "NOT_FOUND",
      "no stored request matches (pending and pruned requests are not replayed)",
    );
  await tx.webhookReplay.create({
    data: {
      id: replayId,
      requestedBy,
      reason: input.reason,
      filter: JSON.parse(JSON.stringify(filter)) as Prisma.InputJsonValue,
      requestedAt: now,
      requestCount: ids.length,
      isTruncated,
    },
  });
  await tx.$executeRaw`
    INSERT INTO webhook_replay_item (replay_id, raw_webhook_id, previous_status, previous_result)
    SELECT ${replayId}::uuid, w.id, w.status, w.result FROM webhook_inbox w WHERE w.id = ANY(${ids}::uuid[])`;
  await tx.$executeRaw`
    UPDATE webhook_inbox SET status = 'pending', available_at = ${now}, attempts = 0, last_error = NULL,
                             replay_id = ${replayId}::uuid
    WHERE id = ANY(${ids}::uuid[])`;
  await recordAudit(tx, {
    actor,
    action: "webhook.replay_requested",
    tenantId: filter.tenantId ?? null,
    targetType: "webhook_replay",
    targetId: replayId,
    reason: input.reason,
    data: {
      requestCount: ids.length,
      isTruncated,
      filter: JSON.parse(JSON.stringify(filter)) as Prisma.InputJsonObject,
    },
  });
  return { replayId, requestCount: ids.length, isTruncated };
}

export type TReplayView = {
  id: string;
  requestedBy: string;
  reason: string;
  requestedAt: Date;
  requestCount: number;
  isTruncated: boolean;
  progress: { pending: number; processed: number; quarantined: number; failed: number };
  items: {
    rawWebhookId: string;
    previousStatus: string;
    status: string | null;
    processedAt: Date | null;
    result: unknown;
  }[];
};

export async function getReplay(db: TDb, replayId: string, itemLimit = 200): Promise<TReplayView> {
  const replay = await db.webhookReplay.findUnique({ where: { id: replayId } });
  if (!replay) throw new ServiceError("NOT_FOUND", "no such replay");
  const counts = await db.webhookReplayItem.groupBy({
    by: ["status"],
    where: { replayId },
    _count: { _all: true },
  });
  const progress = { pending: 0, processed: 0, quarantined: 0, failed: 0 };
  for (const c of counts)
    progress[c.status === null || c.status === "pending" ? "pending" : c.status] += c._count._all;
  const items = await db.webhookReplayItem.findMany({
    where: { replayId },
    orderBy: { rawWebhookId: "asc" },
    take: itemLimit,
    select: { rawWebhookId: true, previousStatus: true, status: true, processedAt: true, result: true },
  });
  return { ...replay, progress, items };
}
