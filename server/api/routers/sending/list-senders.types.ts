import { z } from "zod";

export const ZListSendersInputSchema = z.object({ isPausedOnly: z.boolean().default(false) });

export const ZSenderDispatchSchema = z.object({
  tenantId: z.uuid(),
  tenantSlug: z.string(),
  senderNumberId: z.uuid(),
  displayNumber: z.string(),
  senderStatus: z.string(),
  queued: z.number().int(),
  due: z.number().int(),
  inFlight: z.number().int(),
  oldestDueAt: z.date().nullable(),
  maxRateOverride: z.number().nullable(),
  adaptedRate: z.number().nullable(),
  adaptedAt: z.date().nullable(),
  throttleCount: z.number().int(),
  lastThrottledAt: z.date().nullable(),
  pausedAt: z.date().nullable(),
  pausedBy: z.string().nullable(),
  pausedReason: z.string().nullable(),
  pausedErrorCode: z.string().nullable(),
  holdReason: z.string().nullable().describe("Why the number's health holds its queue now, or null"),
});

export const ZListSendersOutputSchema = z.array(ZSenderDispatchSchema);

export const ZListPausedSendersInputSchema = z.object({ tenantId: z.uuid().optional() });
