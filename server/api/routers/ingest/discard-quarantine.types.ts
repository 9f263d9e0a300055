import { z } from "zod";

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
