// Input and output schemas of the alerts procedures, one file for the area.
import { z } from "zod";
import { STALLABLE_STATES } from "@/server/services/monitoring/stall-thresholds";
import { ALERT_KINDS } from "@/server/services/monitoring/alerts";

export const ZAlertStatusSchema = z.enum(["open", "acknowledged", "snoozed", "resolved"]);

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

// Inputs and outputs of the Stalled & alerts page's procedures (one tenant, or every tenant).
const ZTenantRefSchema = { tenantId: z.uuid(), tenantSlug: z.string(), tenantName: z.string() };

export const ZAlertFeedInputSchema = z.object({
  /** default: the unresolved ones (open, acknowledged, snoozed) */
  statuses: z.array(ZAlertStatusSchema).min(1).max(4).default(["open", "acknowledged", "snoozed"]),
  kind: z.enum(ALERT_KINDS).optional(),
  senderNumberId: z.uuid().optional(),
  cursor: z.object({ openedAt: z.date(), id: z.uuid() }).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const ZAlertHistoryEntrySchema = z.object({
  kind: z.enum(["opened", "acknowledged", "snoozed", "snooze_ended", "resolved"]),
  at: z.date(),
  actor: z.string(),
  reason: z.string().nullable(),
  until: z.date().nullable(),
});

export const ZAlertFeedItemSchema = z.object({
  ...ZTenantRefSchema,
  id: z.uuid(),
  senderNumberId: z.uuid().nullable(),
  senderDisplayNumber: z.string().nullable(),
  kind: z.string(),
  status: ZAlertStatusSchema,
  severity: z.string(),
  title: z.string(),
  details: z.unknown(),
  messageId: z.uuid().nullable(),
  openedAt: z.date(),
  lastSeenAt: z.date(),
  occurrences: z.number().int(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: z.string().nullable(),
  snoozedUntil: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  history: z.array(ZAlertHistoryEntrySchema),
});

export const ZAlertFeedOutputSchema = z.object({
  items: z.array(ZAlertFeedItemSchema),
  nextCursor: z.object({ openedAt: z.date(), id: z.uuid() }).nullable(),
});

export const ZAlertCountsOutputSchema = z.array(
  z.object({
    ...ZTenantRefSchema,
    senderNumberId: z.uuid().nullable(),
    senderDisplayNumber: z.string().nullable(),
    kind: z.string(),
    status: ZAlertStatusSchema,
    count: z.number().int(),
    oldestOpenedAt: z.date(),
  }),
);

export const ZStalledInputSchema = z.object({
  state: z.enum(STALLABLE_STATES).optional(),
  senderNumberId: z.uuid().optional(),
  cursor: z.object({ since: z.date(), id: z.uuid() }).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const ZStalledOutputSchema = z.object({
  items: z.array(
    z.object({
      ...ZTenantRefSchema,
      messageId: z.uuid(),
      senderNumberId: z.uuid(),
      senderDisplayNumber: z.string(),
      templateName: z.string().nullable(),
      state: z.enum(STALLABLE_STATES),
      since: z.date(),
      retryDueAt: z.date().nullable(),
      thresholdSeconds: z.number(),
      stalledAt: z.date(),
      attemptCount: z.number().int(),
      explanation: z.string(),
      alert: z.object({ id: z.uuid(), status: ZAlertStatusSchema }).nullable(),
    }),
  ),
  nextCursor: z.object({ since: z.date(), id: z.uuid() }).nullable(),
  counts: z.array(
    z.object({
      tenantId: z.uuid(),
      state: z.enum(STALLABLE_STATES),
      count: z.number().int(),
      isCapped: z.boolean(),
    }),
  ),
  checkedAt: z.date(),
});

export const ZStallThresholdsInputSchema = z.object({ tenantId: z.uuid() });

export const ZStallThresholdsOutputSchema = z.array(
  z.object({
    state: z.enum(STALLABLE_STATES),
    effectiveSeconds: z.number().int().nullable(),
    defaultSeconds: z.number().int(),
    isOverridden: z.boolean(),
  }),
);

/** seconds (30 s .. 60 days), null: never flag this state, "default": back to STALL_THRESHOLDS_V1 */
const ZThresholdValueSchema = z.union([
  z
    .number()
    .int()
    .min(30)
    .max(60 * 86_400),
  z.null(),
  z.literal("default"),
]);

export const ZSetStallThresholdsInputSchema = z.object({
  tenantId: z.uuid(),
  thresholds: z
    .partialRecord(z.enum(STALLABLE_STATES), ZThresholdValueSchema)
    .refine((t) => Object.keys(t).length > 0, {
      message: "name at least one state",
    }),
  reason: z.string().trim().max(500).optional(),
});
