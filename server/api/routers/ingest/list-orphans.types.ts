import { z } from "zod";

export const ZListOrphansInputSchema = z.object({
  tenantId: z.uuid(),
  senderNumberId: z.uuid().optional(),
  includeResolved: z.boolean().default(false),
  limit: z.number().int().min(1).max(500).default(100),
});

export const ZOrphanSchema = z.object({
  id: z.string(),
  senderNumberId: z.string(),
  providerMessageId: z.string(),
  status: z.string(),
  providerTimestamp: z.date().nullable(),
  bizOpaqueCallbackData: z.string().nullable(),
  rawWebhookId: z.string(),
  receivedAt: z.date(),
  attachedAt: z.date().nullable(),
  attachedBy: z.string().nullable(),
  messageId: z.string().nullable(),
  discardedAt: z.date().nullable(),
  discardedBy: z.string().nullable(),
  discardReason: z.string().nullable(),
});

export const ZListOrphansOutputSchema = z.array(ZOrphanSchema);

export const ZDiscardOrphanInputSchema = z.object({
  tenantId: z.uuid(),
  orphanId: z.uuid(),
  reason: z.string().trim().min(3).max(500),
});

export const ZDiscardOrphanOutputSchema = z.object({
  id: z.string(),
  providerMessageId: z.string(),
  status: z.string(),
  senderNumberId: z.string(),
  discardedAt: z.date().nullable(),
});
