import { z } from "zod";
import { STALLABLE_STATES } from "@/server/services/monitoring/stall-thresholds";

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
