import { z } from "zod";
import { ZRawWebhookSummarySchema } from "./list-requests.types";

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
