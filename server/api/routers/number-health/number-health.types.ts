import { z } from "zod";
import { HEALTH_FACT_SOURCES } from "@/server/domain/number-health/health-model";
import { HOLD_CODES } from "@/server/domain/number-health/sending-hold";

export const ZGetNumberHealthInputSchema = z.object({ tenantId: z.uuid(), senderNumberId: z.uuid() });

const ZHoldSchema = z.object({
  scope: z.enum(["all", "templates"]),
  code: z.enum(HOLD_CODES),
  reason: z.string(),
  untilMs: z.number().nullable(),
});

export const ZGetNumberHealthOutputSchema = z.object({
  sender: z.object({
    id: z.string(),
    displayNumber: z.string(),
    label: z.string().nullable(),
    phoneNumberId: z.string(),
    wabaId: z.string(),
  }),
  /** the derived view (server/domain/number-health/health-model.ts TNumberHealth) */
  health: z.record(z.string(), z.unknown()),
  display: z.object({
    limit: z.string(),
    portfolioLimit: z.string().nullable(),
    throughputPerSecond: z.number().nullable(),
  }),
  rulesVersion: z.number().int(),
  derivedAt: z.date().nullable(),
  syncedAt: z.date().nullable(),
  isHealthy: z.boolean(),
  activeRestrictions: z.array(
    z.object({ type: z.string(), label: z.string(), expiresAtMs: z.number().nullable() }),
  ),
  decision: z.object({
    all: ZHoldSchema.nullable(),
    templates: ZHoldSchema.nullable(),
    overriddenBy: z.string().nullable(),
  }),
  queued: z.number().int(),
  held: z.number().int(),
  override: z
    .object({
      mode: z.enum(["hold", "send"]),
      reason: z.string(),
      actor: z.string(),
      expiresAtMs: z.number(),
    })
    .nullable(),
  timeline: z.array(
    z.object({
      id: z.string(),
      source: z.enum(HEALTH_FACT_SOURCES),
      field: z.string(),
      event: z.string().nullable(),
      at: z.date(),
      recordedAt: z.date(),
      lines: z.array(z.string()),
    }),
  ),
});

export const ZSetOverrideInputSchema = z.object({
  tenantId: z.uuid(),
  senderNumberId: z.uuid(),
  mode: z.enum(["hold", "send", "clear"]),
  reason: z.string().trim().min(3).max(500),
  expiresAt: z.date().nullable(),
});

export const ZSetOverrideOutputSchema = z.object({
  override: z
    .object({ mode: z.enum(["hold", "send"]), reason: z.string(), expiresAtMs: z.number() })
    .passthrough()
    .nullable(),
});

export const ZListUnhealthyOutputSchema = z.array(
  z.object({
    tenantId: z.string(),
    tenantSlug: z.string(),
    senderNumberId: z.string(),
    displayNumber: z.string(),
    holdReason: z.string().nullable(),
    problems: z.array(z.string()),
    queued: z.number().int(),
    held: z.number().int(),
  }),
);
