// sending.sendPolicy / sending.setSendPolicy: a tenant's sending policy (resend after a temporary
// failure reported by webhook, per category; an authentication template's time to live), read by
// everyone who sees the tenant, changed by its admins (audited).
import { describeSendPolicy, setSendPolicy as setPolicy } from "@/server/services/sending/send-policy";
import { tenantPermissionProcedure } from "../../trpc";
import { ZSendPolicyOutputSchema, ZSetSendPolicyInputSchema } from "./sending.types";

export const sendPolicy = tenantPermissionProcedure("tenant.read")
  .output(ZSendPolicyOutputSchema)
  .query(({ ctx }) => describeSendPolicy(ctx.db, ctx.tenant.id));

export const setSendPolicy = tenantPermissionProcedure("tenant.send_policy")
  .input(ZSetSendPolicyInputSchema)
  .output(ZSendPolicyOutputSchema)
  .mutation(({ ctx, input }) => {
    const { reason, ...values } = input;
    return setPolicy(ctx.db, ctx.actor, ctx.tenant.id, values, reason, new Date());
  });
