// Input and output schemas of the insights procedures, one file for the area.
import { z } from "zod";
import { INSIGHT_WINDOWS } from "@/server/domain/insights/windows";
import { MessagingLimitTier, QualityRating, SenderStatus } from "@/server/db/generated/enums";

// Schemas shared by the insights procedures: the window input and the pieces of their outputs.
export const ZWindowInputSchema = z.object({
  window: z.enum(INSIGHT_WINDOWS).default("24h"),
  /** the window ends with the bucket holding this time (default: now); for zooming into the past */
  until: z.date().optional(),
});

export const ZWindowSchema = z.object({
  key: z.enum(INSIGHT_WINDOWS),
  label: z.string(),
  from: z.date(),
  to: z.date(),
  bucketMinutes: z.number().int(),
});

export const ZOutcomeTotalsSchema = z.object({
  messages: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  inFlight: z.number().int(),
  cancelled: z.number().int(),
  deliveryRate: z.number().nullable(),
  failureRate: z.number().nullable(),
});

export const ZFailureStatesSchema = z.object({
  failed: z.number().int(),
  dead_lettered: z.number().int(),
  rejected: z.number().int(),
});

export const ZHeatCellSchema = z.object({
  column: z.number().int(),
  messages: z.number().int(),
  failures: z.number().int(),
  byState: ZFailureStatesSchema,
});

export const ZHealthChangeSchema = z.object({
  eventId: z.string(),
  senderNumberId: z.string(),
  at: z.date(),
  kind: z.enum(["quality", "limit", "status", "account", "error", "other"]),
  event: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  direction: z.enum(["worse", "better", "neutral"]),
  summary: z.string(),
});

export const ZMarkerSchema = ZHealthChangeSchema.extend({
  tenantId: z.string(),
  displayNumber: z.string().nullable(),
});

export const ZErrorInfoSchema = z.object({
  code: z.string(),
  title: z.string(),
  hint: z.string().nullable(),
  disposition: z.string().nullable(),
});

export const ZCrossTenantHeatmapInputSchema = ZWindowInputSchema;

export const ZCrossTenantHeatmapOutputSchema = z.object({
  window: ZWindowSchema,
  columns: z.array(z.date()),
  generatedAt: z.date(),
  pendingChanges: z.number().int(),
  rows: z.array(
    z.object({
      tenantId: z.string(),
      slug: z.string(),
      name: z.string(),
      failures: z.number().int(),
      messages: z.number().int(),
      cells: z.array(
        ZHeatCellSchema.extend({
          /** the tenant's numbers with failures in the cell */
          sendersFailing: z.number().int(),
          topErrorCode: z.string().nullable(),
          topErrorTitle: z.string().nullable(),
          topErrorFailures: z.number().int(),
        }),
      ),
    }),
  ),
  markers: z.array(ZMarkerSchema),
});

export const ZSenderHealthInputSchema = ZWindowInputSchema.extend({ tenantId: z.uuid() });

const ZSenderSchema = z.object({
  id: z.string(),
  displayNumber: z.string(),
  label: z.string().nullable(),
  status: z.enum(SenderStatus),
  qualityRating: z.enum(QualityRating),
  messagingLimitTier: z.enum(MessagingLimitTier),
  totals: ZOutcomeTotalsSchema,
  series: z.array(
    z.object({
      bucketStart: z.date(),
      messages: z.number().int(),
      delivered: z.number().int(),
      failed: z.number().int(),
      inFlight: z.number().int(),
      cancelled: z.number().int(),
    }),
  ),
  failuresByCode: z.array(
    ZErrorInfoSchema.extend({ messages: z.number().int(), byState: ZFailureStatesSchema }),
  ),
  latency: z.object({
    counted: z.number().int(),
    medianMs: z.number().nullable(),
    p90Ms: z.number().nullable(),
    histogram: z.array(z.object({ bucket: z.number().int(), label: z.string(), messages: z.number().int() })),
  }),
  stalled: z.number().int(),
  openAlerts: z.number().int(),
  criticalAlerts: z.number().int(),
  alerts: z.array(
    z.object({
      id: z.string(),
      senderNumberId: z.string().nullable(),
      kind: z.string(),
      severity: z.string(),
      status: z.string(),
      title: z.string(),
      openedAt: z.date(),
      occurrences: z.number().int(),
    }),
  ),
  changes: z.array(ZHealthChangeSchema),
  tierSteps: z.array(
    z.object({ at: z.date(), tier: z.string().nullable(), level: z.number().int().nullable() }),
  ),
});

export const ZSenderHealthOutputSchema = z.object({
  window: ZWindowSchema,
  generatedAt: z.date(),
  /** rollup changes not folded yet; already included in the figures */
  pendingChanges: z.number().int(),
  totals: ZOutcomeTotalsSchema,
  senders: z.array(ZSenderSchema),
  templates: z.array(
    z.object({
      name: z.string().nullable(),
      language: z.string().nullable(),
      category: z.string().nullable(),
      status: z.string().nullable(),
      qualityScore: z.string().nullable(),
      lastEventAt: z.date().nullable(),
      messages: z.number().int(),
      failed: z.number().int(),
    }),
  ),
});

export const ZTenantHeatmapInputSchema = ZWindowInputSchema.extend({ tenantId: z.uuid() });

const ZHeatRowSchema = z.object({
  /** sender number id, error code ('' = none) or template name ('' = free-form text) */
  key: z.string(),
  label: z.string(),
  sublabel: z.string().nullable(),
  hint: z.string().nullable(),
  failures: z.number().int(),
  messages: z.number().int(),
  cells: z.array(ZHeatCellSchema),
});

export const ZTenantHeatmapOutputSchema = z.object({
  window: ZWindowSchema,
  columns: z.array(z.date()),
  generatedAt: z.date(),
  pendingChanges: z.number().int(),
  bySender: z.array(ZHeatRowSchema),
  byErrorCode: z.array(ZHeatRowSchema),
  byTemplate: z.object({ rows: z.array(ZHeatRowSchema), omitted: z.number().int() }),
  markers: z.array(ZMarkerSchema),
});

export const ZTenantsOverviewInputSchema = ZWindowInputSchema;

export const ZTenantsOverviewOutputSchema = z.object({
  window: ZWindowSchema,
  generatedAt: z.date(),
  tenants: z.array(
    z.object({
      tenantId: z.string(),
      slug: z.string(),
      name: z.string(),
      totals: ZOutcomeTotalsSchema,
      topFailure: ZErrorInfoSchema.extend({ messages: z.number().int() }).nullable(),
      senders: z.number().int(),
      /** numbers with Medium/Low quality, or not connected */
      sendersAtRisk: z.number().int(),
      openAlerts: z.number().int(),
      stalled: z.number().int(),
    }),
  ),
});
