import { z } from "zod";

export const ZRetryMessageInputSchema = z.object({
  messageId: z.uuid(),
  reason: z.string().trim().min(3).max(1000),
  /** The console's id for this click: repeating it changes nothing. */
  operationId: z.uuid().optional(),
});

export const ZRetryMessageOutputSchema = z.object({ attempt: z.number().int(), isRepeat: z.boolean() });
