import { z } from "zod";

const ZSendPolicyValuesSchema = z.object({
  /** resend a marketing template after a temporary failure Meta reported by webhook */
  retryTransientMarketing: z.boolean(),
  /** the same for every other message */
  retryTransientOther: z.boolean(),
  /** an authentication template is not retried after this long (a late one-time code is worse than none) */
  authTemplateTtlSeconds: z
    .number("a number of seconds")
    .int("whole seconds")
    .min(30, "at least 30 seconds")
    .max(86_400, "at most a day (86,400 seconds)"),
});

export const ZSendPolicyOutputSchema = ZSendPolicyValuesSchema.extend({
  defaults: ZSendPolicyValuesSchema,
  isCustom: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.date().nullable(),
});

export const ZSetSendPolicyInputSchema = ZSendPolicyValuesSchema.extend({
  reason: z.string().trim().min(3, "give a reason (at least 3 characters)").max(1000),
});
