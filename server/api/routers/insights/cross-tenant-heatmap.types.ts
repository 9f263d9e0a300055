import { z } from "zod";
import { ZHeatCellSchema, ZMarkerSchema, ZWindowInputSchema, ZWindowSchema } from "./common.types";

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
