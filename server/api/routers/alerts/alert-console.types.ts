// Inputs and outputs of the Stalled & alerts page's procedures (one tenant, or every tenant).
import { z } from "zod";
import { STALLABLE_STATES } from "@/server/services/monitoring/stall-thresholds";
import { ALERT_KINDS } from "@/server/services/monitoring/alerts";
import { ZAlertStatusSchema } from "./alert-status.types";

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
