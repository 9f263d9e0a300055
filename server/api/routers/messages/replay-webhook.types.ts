import { z } from "zod";

export const ZReplayWebhookInputSchema = z.object({
  messageId: z.uuid(),
  /** a raw request linked to this message (one of its receipts came from it) */
  rawWebhookId: z.uuid(),
  reason: z.string().trim().min(3, "give a reason (at least 3 characters)").max(500),
});

export const ZReplayWebhookOutputSchema = z.object({
  replayId: z.uuid(),
  eventId: z.uuid(),
  state: z.string(),
});
