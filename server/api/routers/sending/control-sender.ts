// sending.pauseSender / resumeSender / setSenderMaxRate: engineers stop and restart one number's
// sending (the others flow on) and set its throughput after Meta changes its level.
import {
  pauseSender as pause,
  resumeSender as resume,
  setSenderMaxRate as setRate,
} from "@/server/services/sending/sender-control";
import { tenantPermissionProcedure } from "../../trpc";
import {
  ZPauseSenderInputSchema,
  ZResumeSenderInputSchema,
  ZResumeSenderOutputSchema,
  ZSetSenderMaxRateInputSchema,
} from "./sending.types";

export const pauseSender = tenantPermissionProcedure("operations.act")
  .input(ZPauseSenderInputSchema)
  .mutation(async ({ ctx, input }) => {
    await pause(
      ctx.db,
      ctx.actor,
      { tenantId: ctx.tenant.id, senderNumberId: input.senderNumberId, reason: input.reason },
      new Date(),
    );
    return { ok: true as const };
  });

export const resumeSender = tenantPermissionProcedure("operations.act")
  .input(ZResumeSenderInputSchema)
  .output(ZResumeSenderOutputSchema)
  .mutation(({ ctx, input }) =>
    resume(
      ctx.db,
      ctx.actor,
      {
        tenantId: ctx.tenant.id,
        senderNumberId: input.senderNumberId,
        reason: input.reason,
        requeueDeadLettered: input.requeueDeadLettered,
      },
      new Date(),
    ),
  );

export const setSenderMaxRate = tenantPermissionProcedure("operations.act")
  .input(ZSetSenderMaxRateInputSchema)
  .mutation(async ({ ctx, input }) => {
    await setRate(
      ctx.db,
      ctx.actor,
      {
        tenantId: ctx.tenant.id,
        senderNumberId: input.senderNumberId,
        maxRate: input.maxRate,
        reason: input.reason,
      },
      new Date(),
    );
    return { ok: true as const };
  });
