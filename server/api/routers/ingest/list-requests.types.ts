import { z } from "zod";

export const ZInboxStatusSchema = z.enum(["pending", "processed", "quarantined", "failed"]);

export const ZListRequestsInputSchema = z.object({
  status: ZInboxStatusSchema.optional(),
  tenantId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const ZRawWebhookSummarySchema = z.object({
  id: z.string(),
  receivedAt: z.date(),
  status: ZInboxStatusSchema,
  bodyBytes: z.number().int(),
  signatureKeyIndex: z.number().int(),
  attempts: z.number().int(),
  processCount: z.number().int(),
  lastError: z.string().nullable(),
  processedAt: z.date().nullable(),
  result: z.unknown(),
  tenantIds: z.array(z.string()),
  duplicateCount: z.number().int(),
  lastDuplicateAt: z.date().nullable(),
  bodyPrunedAt: z.date().nullable(),
});

export const ZListRequestsOutputSchema = z.object({
  items: z.array(ZRawWebhookSummarySchema),
  nextCursor: z.string().nullable(),
});
