import { z } from "zod";

export const ZListInDoubtInputSchema = z.object({
  tenantId: z.uuid().optional(),
  /** Attempts younger than this may still be in flight or answered shortly. */
  olderThanSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400 * 30)
    .default(120),
  limit: z.number().int().min(1).max(500).default(100),
});

export const ZInDoubtAttemptSchema = z.object({
  tenantId: z.uuid(),
  tenantSlug: z.string(),
  messageId: z.uuid(),
  senderNumberId: z.uuid(),
  senderDisplayNumber: z.string(),
  recipient: z.string(),
  attempt: z.number().int(),
  startedAt: z.date(),
  explanation: z.string(),
  handling: z.enum(["automatic", "held"]),
  autoRetryAt: z.date().nullable(),
  lastError: z
    .object({ code: z.string(), title: z.string(), message: z.string(), details: z.string().nullable() })
    .nullable(),
});

export const ZListInDoubtOutputSchema = z.array(ZInDoubtAttemptSchema);
