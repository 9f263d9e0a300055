import { z } from "zod";

export const ZIngestOverviewSchema = z.object({
  pending: z.number().int(),
  oldestPendingAt: z.date().nullable(),
  lagSeconds: z.number(),
  quarantinedRequests: z.number().int(),
  failedRequests: z.number().int(),
  quarantineOpen: z.number().int(),
  orphansWaiting: z.number().int(),
});
