import { z } from "zod";
import { ZReplayFilterSchema } from "@/server/services/ingest/replay";

export const ZReplayInputSchema = z.object({
  filter: ZReplayFilterSchema,
  reason: z.string().trim().min(3).max(500),
});

export const ZReplayOutputSchema = z.object({
  replayId: z.string(),
  requestCount: z.number().int(),
  isTruncated: z.boolean(),
});

export const ZGetReplayInputSchema = z.object({ replayId: z.uuid() });

export const ZGetReplayOutputSchema = z.object({
  id: z.string(),
  requestedBy: z.string(),
  reason: z.string(),
  requestedAt: z.date(),
  requestCount: z.number().int(),
  isTruncated: z.boolean(),
  progress: z.object({
    pending: z.number().int(),
    processed: z.number().int(),
    quarantined: z.number().int(),
    failed: z.number().int(),
  }),
  items: z.array(
    z.object({
      rawWebhookId: z.string(),
      previousStatus: z.string(),
      status: z.string().nullable(),
      processedAt: z.date().nullable(),
      result: z.unknown(),
    }),
  ),
});
