import { z } from "zod";
import { ZAlertStatusSchema } from "./alert-status.types";

/** Snooze choices offered by the console, in minutes (1 h, 4 h, 1 day, 1 week). */
export const SNOOZE_MINUTES = [60, 240, 1440, 10_080] as const;

export const ZActOnAlertInputSchema = z.object({
  tenantId: z.uuid(),
  alertId: z.uuid(),
  // every manual action says why: the alert's history shows it with the actor
  reason: z.string().trim().min(3, "give a reason (at least 3 characters)").max(500),
  action: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("acknowledge") }),
    z
      .object({
        kind: z.literal("snooze"),
        /** an absolute end, or a duration from the server's clock (the console sends minutes) */
        until: z.date().optional(),
        minutes: z
          .number()
          .int()
          .min(5)
          .max(30 * 24 * 60)
          .optional(),
      })
      .refine((a) => (a.until === undefined) !== (a.minutes === undefined), {
        message: "give either until or minutes",
      }),
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
