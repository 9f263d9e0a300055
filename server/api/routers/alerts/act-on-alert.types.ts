import { z } from "zod";
import { ZAlertStatusSchema } from "./list-alerts.types";

export const ZActOnAlertInputSchema = z.object({
  tenantId: z.uuid(),
  alertId: z.uuid(),
  reason: z.string().trim().max(500).optional(),
  action: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("acknowledge") }),
    z.object({ kind: z.literal("snooze"), until: z.date() }),
    z.object({ kind: z.literal("resolve") }),
  ]),
});

export const ZActOnAlertOutputSchema = z.object({
  id: z.string(),
  status: ZAlertStatusSchema,
  acknowledgedAt: z.date().nullable(),
  snoozedUntil: z.date().nullable(),
  resolvedAt: z.date().nullable(),
});
