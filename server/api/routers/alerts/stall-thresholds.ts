// alerts.stallThresholds / alerts.setStallThresholds: how long a tenant's messages may wait in each state before they count as stalled.
import {
  describeStallThresholds,
  setStallThresholds as setStallThresholdsService,
} from "@/server/services/monitoring/stall-thresholds";
import { tenantPermissionProcedure } from "../../trpc";
import {
  ZSetStallThresholdsInputSchema,
  ZStallThresholdsInputSchema,
  ZStallThresholdsOutputSchema,
} from "./alerts.types";

export const getStallThresholds = tenantPermissionProcedure("tenant.read")
  .input(ZStallThresholdsInputSchema)
  .output(ZStallThresholdsOutputSchema)
  .query(({ ctx }) => describeStallThresholds(ctx.db, ctx.tenant.id));

export const setStallThresholds = tenantPermissionProcedure("operations.act")
  .input(ZSetStallThresholdsInputSchema)
  .output(ZStallThresholdsOutputSchema)
  .mutation(({ ctx, input }) =>
    setStallThresholdsService(ctx.db, ctx.actor, ctx.tenant.id, input.thresholds, input.reason),
  );
