import { z } from "zod";
import { ALERT_KINDS } from "@/server/services/monitoring/alerts";

export const ZAlertStatusSchema = z.enum(["open", "acknowledged", "snoozed", "resolved"]);

export const ZListAlertsInputSchema = z.object({
  tenantId: z.uuid(),
  statuses: z.array(ZAlertStatusSchema).min(1).optional(),
  kind: z.enum(ALERT_KINDS).optional(),
  senderNumberId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const ZAlertSchema = z.object({
  tenantId: z.string(),
  id: z.string(),
  senderNumberId: z.string().nullable(),
  kind: z.string(),
  dedupeKey: z.string(),
  status: ZAlertStatusSchema,
  severity: z.string(),
  title: z.string(),
  details: z.unknown(),
  messageId: z.string().nullable(),
  openedAt: z.date(),
  lastSeenAt: z.date(),
  occurrences: z.number().int(),
  acknowledgedAt: z.date().nullable(),
  acknowledgedBy: z.string().nullable(),
  snoozedUntil: z.date().nullable(),
  resolvedAt: z.date().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  updatedAt: z.date(),
});

export const ZListAlertsOutputSchema = z.object({
  items: z.array(ZAlertSchema),
  nextCursor: z.string().nullable(),
});
