import { z } from "zod";
import { ZHeatCellSchema, ZMarkerSchema, ZWindowInputSchema, ZWindowSchema } from "./common.types";

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
