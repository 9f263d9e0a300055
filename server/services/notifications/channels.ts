// Operator channels (admins): where platform alerts are sent. Every change is audited in its own
// transaction. A Slack-compatible webhook URL is a credential, so it is stored sealed with the
// platform key (bound to the channel's id) and shown only as its origin and last characters.
import crypto from "node:crypto";
import { z } from "zod";
import type { TDb } from "@/server/db/client";
import {
  checkChannelTarget,
  describeTarget,
  ZAlertSeveritySchema,
  ZChannelKindSchema,
  type TAlertSeverityLevel,
  type TChannelKind,
} from "@/server/domain/notifications/operator-channel";
import type { TUrlPolicy } from "@/server/domain/triggers/endpoint-url";
import type { TSecretBox } from "@/server/platform/secret-box";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";

export const ZCreateChannelSchema = z.object({
  kind: ZChannelKindSchema,
  /** the incoming-webhook URL (slack) or the address (email) */
  target: z.string().trim().min(3).max(2000),
  description: z.string().trim().max(200).default(""),
  minSeverity: ZAlertSeveritySchema.default("warning"),
});
export type TCreateChannel = z.infer<typeof ZCreateChannelSchema>;

export type TChannelView = {
  id: string;
  kind: TChannelKind;
  /** masked for webhooks */
  target: string;
  description: string;
  minSeverity: TAlertSeverityLevel;
  isEnabled: boolean;
  createdBy: string;
  createdAt: Date;
  pending: number;
  failed: number;
  lastSentAt: Date | null;
  lastError: string | null;
};

const SEALED_PREFIX = "sealed:v1:";

function sealContext(channelId: string) {
  return `operator_channel:${channelId}`;
}

function sealTarget(box: TSecretBox, channelId: string, target: string): string {
  const s = box.seal(target, sealContext(channelId));
  return `${SEALED_PREFIX}${s.keyId}:${s.iv.toString("base64")}:${s.authTag.toString("base64")}:${s.ciphertext.toString("base64")}`;
}

/** The channel's real target (a webhook URL unsealed); the worker's sender and the masked view read it. */
export function openTarget(box: TSecretBox, channelId: string, stored: string): string {
  if (!stored.startsWith(SEALED_PREFIX)) return stored;
  const [keyId, iv, authTag, ciphertext] = stored.slice(SEALED_PREFIX.length).split(":");
  if (!keyId || !iv || !authTag || !ciphertext) throw new Error("operator channel target is malformed");
  return box.open(
    {
      keyId,
      iv: Buffer.from(iv, "base64"),
      authTag: Buffer.from(authTag, "base64"),
      ciphertext: Buffer.from(ciphertext, "base64"),
    },
    sealContext(channelId),
  );
}

export async function createChannel(
  db: TDb,
  box: TSecretBox,
  actor: TActor,
  input: TCreateChannel,
  policy: TUrlPolicy,
  now: Date,
): Promise<TChannelView> {
  const checked = checkChannelTarget(input.kind, input.target, policy);
  if (!checked.ok) throw new ServiceError("BAD_REQUEST", `target ${checked.reason}`);
  const id = crypto.randomUUID();
  const stored = input.kind === "slack" ? sealTarget(box, id, checked.target) : checked.target;
  await db.$transaction(async (tx) => {
    await tx.operatorChannel.create({
      data: {
        id,
        kind: input.kind,
        target: stored,
        description: input.description,
        minSeverity: input.minSeverity,
        createdBy: actorLabel(actor),
        createdAt: now,
        updatedAt: now,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "operator_channel.created",
      targetType: "operator_channel",
      targetId: id,
      data: {
        kind: input.kind,
        target: describeTarget(input.kind, checked.target),
        minSeverity: input.minSeverity,
      },
    });
  });
  const [view] = await listChannels(db, box, { channelId: id });
  if (!view) throw new Error("createChannel: the channel vanished");
  return view;
}

export async function listChannels(
  db: TDb,
  box: TSecretBox,
  filter: { channelId?: string } = {},
): Promise<TChannelView[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      kind: TChannelKind;
      target: string;
      description: string;
      min_severity: TAlertSeverityLevel;
      is_enabled: boolean;
      created_by: string;
      created_at: Date;
      pending: number;
      failed: number;
      last_sent_at: Date | null;
      last_error: string | null;
    }[]
  >`
    SELECT c.id::text AS id, c.kind, c.target, c.description, c.min_severity, c.is_enabled, c.created_by, c.created_at,
           (SELECT count(*)::int FROM operator_notification n WHERE n.channel_id = c.id AND n.status = 'pending') AS pending,
           (SELECT count(*)::int FROM operator_notification n WHERE n.channel_id = c.id AND n.status = 'failed') AS failed,
           (SELECT max(n.sent_at) FROM operator_notification n WHERE n.channel_id = c.id) AS last_sent_at,
           (SELECT n.last_error FROM operator_notification n
             WHERE n.channel_id = c.id AND n.last_error IS NOT NULL AND n.status <> 'succeeded'
             ORDER BY n.last_attempt_at DESC NULLS LAST LIMIT 1) AS last_error
    FROM operator_channel c
    WHERE ${filter.channelId ?? null}::uuid IS NULL OR c.id = ${filter.channelId ?? null}::uuid
    ORDER BY c.created_at, c.id`;
  return rows.map((r) => {
    let target: string;
    try {
      target = describeTarget(r.kind, openTarget(box, r.id, r.target));
    } catch {
      // sealed with a key this process no longer has: the channel still lists, and says so
      target = "(sealed with an unknown key; recreate the channel)";
    }
    return {
      id: r.id,
      kind: r.kind,
      target,
      description: r.description,
      minSeverity: r.min_severity,
      isEnabled: r.is_enabled,
      createdBy: r.created_by,
      createdAt: r.created_at,
      pending: r.pending,
      failed: r.failed,
      lastSentAt: r.last_sent_at,
      lastError: r.last_error,
    };
  });
}

export const ZUpdateChannelSchema = z.object({
  channelId: z.uuid(),
  isEnabled: z.boolean().optional(),
  minSeverity: ZAlertSeveritySchema.optional(),
  description: z.string().trim().max(200).optional(),
});
export type TUpdateChannel = z.infer<typeof ZUpdateChannelSchema>;

/** Enables or disables a channel, or changes its minimum severity or description. */
export async function updateChannel(db: TDb, actor: TActor, input: TUpdateChannel, now: Date): Promise<void> {
  const { channelId, ...changes } = input;
  if (Object.values(changes).every((v) => v === undefined))
    throw new ServiceError("BAD_REQUEST", "nothing to change");
  await db.$transaction(async (tx) => {
    const updated = await tx.operatorChannel.updateMany({
      where: { id: channelId },
      data: {
        ...(changes.isEnabled === undefined ? {} : { isEnabled: changes.isEnabled }),
        ...(changes.minSeverity === undefined ? {} : { minSeverity: changes.minSeverity }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        updatedAt: now,
      },
    });
    if (updated.count === 0) throw new ServiceError("NOT_FOUND", "no such operator channel");
    await recordAudit(tx, {
      actor,
      action: "operator_channel.updated",
      targetType: "operator_channel",
      targetId: channelId,
      data: JSON.parse(JSON.stringify(changes)) as Record<string, string>,
    });
  });
}

/** Deletes a channel and its notification history. */
export async function removeChannel(
  db: TDb,
  actor: TActor,
  input: { channelId: string; reason: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const removed = await tx.operatorChannel.deleteMany({ where: { id: input.channelId } });
    if (removed.count === 0) throw new ServiceError("NOT_FOUND", "no such operator channel");
    await recordAudit(tx, {
      actor,
      action: "operator_channel.removed",
      targetType: "operator_channel",
      targetId: input.channelId,
      reason: input.reason,
    });
  });
}

/**
 * Queues a test notification to one channel; the worker sends it like an alert (so the test
 * proves the worker's SMTP settings and network path too, not just the web process's).
 */
export async function queueTestNotification(
  db: TDb,
  actor: TActor,
  input: { channelId: string },
  now: Date,
): Promise<{ notificationId: string }> {
  const notificationId = crypto.randomUUID();
  await db.$transaction(async (tx) => {
    const channel = await tx.operatorChannel.findUnique({
      where: { id: input.channelId },
      select: { id: true, isEnabled: true },
    });
    if (!channel) throw new ServiceError("NOT_FOUND", "no such operator channel");
    if (!channel.isEnabled) throw new ServiceError("CONFLICT", "the channel is disabled; enable it first");
    await tx.operatorNotification.create({
      data: {
        id: notificationId,
        channelId: channel.id,
        tenantId: null,
        // a test is its own "alert": a fresh id, so every test is sent
        alertId: crypto.randomUUID(),
        change: "opened",
        subject: "[Waybill info] Test notification",
        body: `A test of this operator channel, sent by ${actorLabel(actor)}.\nPlatform alerts will arrive here like this.`,
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "operator_channel.tested",
      targetType: "operator_channel",
      targetId: channel.id,
    });
  });
  return { notificationId };
}

export type TNotificationView = {
  id: string;
  channelId: string;
  tenantId: string | null;
  change: string;
  subject: string;
  status: "pending" | "succeeded" | "failed";
  attemptCount: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
};

/** The latest notifications, optionally of one channel (newest first). */
export async function listNotifications(
  db: TDb,
  input: { channelId?: string; limit: number },
): Promise<TNotificationView[]> {
  return db.operatorNotification.findMany({
    where: input.channelId ? { channelId: input.channelId } : {},
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: input.limit,
    select: {
      id: true,
      channelId: true,
      tenantId: true,
      change: true,
      subject: true,
      status: true,
      attemptCount: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      lastError: true,
      sentAt: true,
      createdAt: true,
    },
  });
}
