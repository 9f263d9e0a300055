import { z } from "zod";
import { MessagingLimitTier, QualityRating, SenderStatus } from "@/server/db/generated/enums";
import {
  ZErrorInfoSchema,
  ZFailureStatesSchema,
  ZHealthChangeSchema,
  ZOutcomeTotalsSchema,
  ZWindowInputSchema,
  ZWindowSchema,
} from "./common.types";

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
