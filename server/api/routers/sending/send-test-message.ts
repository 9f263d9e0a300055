// sending.sendTestMessage: an engineer or admin sends a message from the console, through the
// same use case (and the same validation) as the tenant REST API.
import { TRPCError } from "@trpc/server";
import { requestSend, requestSendDepsOf } from "@/server/services/sending/request-send";
import { tenantPermissionProcedure } from "../../trpc";
import { ZSendTestMessageInputSchema, ZSendTestMessageOutputSchema } from "./sending.types";

export const sendTestMessage = tenantPermissionProcedure("message.send_test")
  .input(ZSendTestMessageInputSchema)
  .output(ZSendTestMessageOutputSchema)
  .mutation(async ({ ctx, input }) => {
    const result = await requestSend(requestSendDepsOf(ctx.db), {
      tenantId: ctx.tenant.id,
      request: input.request,
      idempotencyKey: input.idempotencyKey ?? null,
      origin: { kind: "operator", actor: ctx.actor },
      now: new Date(),
    });
    switch (result.kind) {
      case "created":
      case "replayed":
        return { message: result.message, isReplay: result.kind === "replayed" };
      case "idempotency_conflict":
        throw new TRPCError({
          code: "CONFLICT",
          message: "this idempotency key was used for a different message",
        });
      case "unknown_sender":
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: `no sender number "${result.from}" in this tenant`,
        });
      default: {
        const unreachable: never = result;
        return unreachable;
      }
    }
  });
