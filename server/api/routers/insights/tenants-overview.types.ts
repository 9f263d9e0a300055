import { z } from "zod";
import { ZErrorInfoSchema, ZOutcomeTotalsSchema, ZWindowInputSchema, ZWindowSchema } from "./common.types";

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
