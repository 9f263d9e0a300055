import { z } from "zod";

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
