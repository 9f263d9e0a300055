// Inputs and outputs of channels.*: operator channels for platform alerts (admins).
import { z } from "zod";
import { CHANNEL_KINDS, ALERT_SEVERITIES } from "@/server/domain/notifications/operator-channel";

export const ZChannelOutputSchema = z.object({
  id: z.string(),
  kind: z.enum(CHANNEL_KINDS),
  target: z.string(),
  description: z.string(),
  minSeverity: z.enum(ALERT_SEVERITIES),
  isEnabled: z.boolean(),
  createdBy: z.string(),
  createdAt: z.date(),
  pending: z.number(),
  failed: z.number(),
  lastSentAt: z.date().nullable(),
  lastError: z.string().nullable(),
});

export const ZNotificationOutputSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  tenantId: z.string().nullable(),
  change: z.string(),
  subject: z.string(),
  status: z.enum(["pending", "succeeded", "failed"]),
  attemptCount: z.number(),
  nextAttemptAt: z.date(),
  lastAttemptAt: z.date().nullable(),
  lastError: z.string().nullable(),
  sentAt: z.date().nullable(),
  createdAt: z.date(),
});

export const ZListChannelsOutputSchema = z.object({
  channels: z.array(ZChannelOutputSchema),
  notifications: z.array(ZNotificationOutputSchema),
});

export const ZChannelIdInputSchema = z.object({ channelId: z.uuid() });
export const ZRemoveChannelInputSchema = ZChannelIdInputSchema.extend({
  reason: z.string().trim().min(1).max(500),
});
