import { z } from "zod";
import { HEALTH_FACT_SOURCES } from "@/server/domain/number-health/health-model";

export const ZSenderHealthInputSchema = z.object({
  tenantId: z.uuid(),
  senderNumberId: z.uuid(),
  limit: z.number().int().min(1).max(500).default(100),
});

export const ZSenderHealthOutputSchema = z.array(
  z.object({
    id: z.string(),
    field: z.string(),
    event: z.string().nullable(),
    providerTimestamp: z.date().nullable(),
    value: z.unknown(),
    applied: z.unknown(),
    rawWebhookId: z.string().nullable().describe("The raw webhook request (webhook facts only)"),
    source: z.enum(HEALTH_FACT_SOURCES),
    recordedAt: z.date(),
  }),
);

export const ZTemplatesInputSchema = z.object({ tenantId: z.uuid() });

export const ZTemplatesOutputSchema = z.array(
  z.object({
    wabaId: z.string(),
    templateId: z.string(),
    name: z.string().nullable(),
    language: z.string().nullable(),
    category: z.string().nullable(),
    status: z.string().nullable(),
    qualityScore: z.string().nullable(),
    lastEvent: z.string().nullable(),
    lastEventAt: z.date().nullable(),
    updatedAt: z.date(),
  }),
);
