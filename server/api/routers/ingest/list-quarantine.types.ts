import { z } from "zod";
import { QUARANTINE_REASONS } from "@/server/services/ingest/replay";
import { ZQuarantineItemSchema } from "./get-request.types";

export const ZListQuarantineInputSchema = z.object({
  reason: z.enum(QUARANTINE_REASONS).optional(),
  includeResolved: z.boolean().default(false),
  cursor: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const ZListQuarantineOutputSchema = z.object({
  items: z.array(ZQuarantineItemSchema),
  nextCursor: z.string().nullable(),
});
