import { z } from "zod";

const reason = z.string().trim().min(3).max(1000);

export const ZPauseSenderInputSchema = z.object({ senderNumberId: z.uuid(), reason });

export const ZResumeSenderInputSchema = z.object({
  senderNumberId: z.uuid(),
  reason,
  /** Also retry the messages the pause dead-lettered (same number, same error, since the pause). */
  requeueDeadLettered: z.boolean().default(false),
});

export const ZResumeSenderOutputSchema = z.object({ requeued: z.number().int() });

export const ZSetSenderMaxRateInputSchema = z.object({
  senderNumberId: z.uuid(),
  /** Messages per second; null returns the number to WAYBILL_SENDER_MAX_RATE. */
  maxRate: z
    .number("a number of messages per second")
    .positive("must be above 0")
    .max(10_000, "at most 10,000 a second")
    .nullable(),
  reason,
});
