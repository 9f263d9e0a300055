import { z } from "zod";
import { ZIdempotencyKeySchema, ZSendMessageRequestSchema } from "@/server/domain/sending/send-request";
import { ZMessageViewSchema } from "@/server/services/sending/message-views";

export const ZSendTestMessageInputSchema = z.object({
  request: ZSendMessageRequestSchema,
  /** The console sends one per form submission, so a double click sends once. */
  idempotencyKey: ZIdempotencyKeySchema.optional(),
});

export const ZSendTestMessageOutputSchema = z.object({
  message: ZMessageViewSchema,
  isReplay: z.boolean(),
});
