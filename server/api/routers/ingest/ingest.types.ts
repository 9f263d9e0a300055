// Input and output schemas of the ingest procedures, one file for the area.
import { z } from "zod";
import { QUARANTINE_REASONS } from "@/server/services/ingest/replay";
import { ZReplayFilterSchema } from "@/server/services/ingest/replay";
import { HEALTH_FACT_SOURCES } from "@/server/domain/number-health/health-model";

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

export const ZDiscardQuarantineInputSchema = z.object({
  quarantineId: z.uuid(),
  reason: z.string().trim().min(3).max(500),
});

export const ZDiscardQuarantineOutputSchema = z.object({
  id: z.string(),
  resolvedAt: z.date().nullable(),
  resolution: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});

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

export const ZGetRequestInputSchema = z.object({ rawWebhookId: z.uuid() });

export const ZQuarantineItemSchema = z.object({
  id: z.string(),
  rawWebhookId: z.string(),
  itemPath: z.string(),
  reason: z.string(),
  detail: z.string(),
  field: z.string().nullable(),
  phoneNumberId: z.string().nullable(),
  wabaId: z.string().nullable(),
  item: z.unknown(),
  tenantId: z.string().nullable(),
  createdAt: z.date(),
  lastSeenAt: z.date(),
  resolvedAt: z.date().nullable(),
  resolution: z.string().nullable(),
  resolvedBy: z.string().nullable(),
});

export const ZGetRequestOutputSchema = ZRawWebhookSummarySchema.extend({
  headers: z.unknown(),
  bodySha256: z.string(),
  /** the body as received: UTF-8 text, or base64 when the bytes are not valid UTF-8; null once pruned */
  body: z.object({ encoding: z.enum(["utf8", "base64"]), text: z.string() }).nullable(),
  quarantine: z.array(ZQuarantineItemSchema),
  replays: z.array(
    z.object({
      replayId: z.string(),
      previousStatus: z.string(),
      status: z.string().nullable(),
      processedAt: z.date().nullable(),
      result: z.unknown(),
    }),
  ),
});

export const ZIngestOverviewSchema = z.object({
  pending: z.number().int(),
  oldestPendingAt: z.date().nullable(),
  lagSeconds: z.number(),
  quarantinedRequests: z.number().int(),
  failedRequests: z.number().int(),
  quarantineOpen: z.number().int(),
  orphansWaiting: z.number().int(),
});

export const ZListQuarantineInputSchema = z.object({
  reason: z.enum(QUARANTINE_REASONS).optional(),
  includeResolved: z.boolean().default(false),
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const ZListQuarantineOutputSchema = z.object({
  items: z.array(ZQuarantineItemSchema),
  nextCursor: z.string().nullable(),
});

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

export const ZSenderHealthInputSchema = z.object({
  tenantId: z.uuid(),
  senderNumberId: z.uuid(),
  limit: z.number().int().min(1).max(500).default(100),
});

export const ZSenderHealthOutputSchema = z.array(
  z.object({
    id: z.string(),
    field: z.string(),
    event: z.string().nullable(),
    providerTimestamp: z.date().nullable(),
    value: z.unknown(),
    applied: z.unknown(),
    rawWebhookId: z.string().nullable().describe("The raw webhook request (webhook facts only)"),
    source: z.enum(HEALTH_FACT_SOURCES),
    recordedAt: z.date(),
  }),
);

export const ZTemplatesInputSchema = z.object({ tenantId: z.uuid() });

export const ZTemplatesOutputSchema = z.array(
  z.object({
    wabaId: z.string(),
    templateId: z.string(),
    name: z.string().nullable(),
    language: z.string().nullable(),
    category: z.string().nullable(),
    status: z.string().nullable(),
    qualityScore: z.string().nullable(),
    lastEvent: z.string().nullable(),
    lastEventAt: z.date().nullable(),
    updatedAt: z.date(),
  }),
);
