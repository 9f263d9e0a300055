// Schemas shared by the insights procedures: the window input and the pieces of their outputs.
import { z } from "zod";
import { INSIGHT_WINDOWS } from "@/server/domain/insights/windows";

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
