// Input and output schemas of the sending procedures, one file for the area.
import { z } from "zod";
import { ZIdempotencyKeySchema, ZSendMessageRequestSchema } from "@/server/domain/sending/send-request";
import { ZMessageViewSchema } from "@/server/services/sending/message-views";

const reason = z.string().trim().min(3).max(1000);

export const ZPauseSenderInputSchema = z.object({ senderNumberId: z.uuid(), reason });

export const ZResumeSenderInputSchema = z.object({
  senderNumberId: z.uuid(),
  reason,
  /** Also retry the messages the pause dead-lettered (same number, same error, since the pause). */
  requeueDeadLettered: z.boolean().default(false),
});

export const ZResumeSenderOutputSchema = z.object({ requeued: z.number().int() });

export const ZSetSenderMaxRateInputSchema = z.object({
  senderNumberId: z.uuid(),
  /** Messages per second; null returns the number to WAYBILL_SENDER_MAX_RATE. */
  maxRate: z
    .number("a number of messages per second")
    .positive("must be above 0")
    .max(10_000, "at most 10,000 a second")
    .nullable(),
  reason,
});

export const ZListInDoubtInputSchema = z.object({
  tenantId: z.uuid().optional(),
  /** Attempts younger than this may still be in flight or answered shortly. */
  olderThanSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400 * 30)
    .default(120),
  limit: z.number().int().min(1).max(500).default(100),
});

export const ZInDoubtAttemptSchema = z.object({
  tenantId: z.uuid(),
  tenantSlug: z.string(),
  messageId: z.uuid(),
  senderNumberId: z.uuid(),
  senderDisplayNumber: z.string(),
  recipient: z.string(),
  attempt: z.number().int(),
  startedAt: z.date(),
  explanation: z.string(),
  handling: z.enum(["automatic", "held"]),
  autoRetryAt: z.date().nullable(),
  lastError: z
    .object({ code: z.string(), title: z.string(), message: z.string(), details: z.string().nullable() })
    .nullable(),
});

export const ZListInDoubtOutputSchema = z.array(ZInDoubtAttemptSchema);

export const ZListSendersInputSchema = z.object({ isPausedOnly: z.boolean().default(false) });

export const ZSenderDispatchSchema = z.object({
  tenantId: z.uuid(),
  tenantSlug: z.string(),
  senderNumberId: z.uuid(),
  displayNumber: z.string(),
  senderStatus: z.string(),
  queued: z.number().int(),
  due: z.number().int(),
  inFlight: z.number().int(),
  oldestDueAt: z.date().nullable(),
  maxRateOverride: z.number().nullable(),
  adaptedRate: z.number().nullable(),
  adaptedAt: z.date().nullable(),
  throttleCount: z.number().int(),
  lastThrottledAt: z.date().nullable(),
  pausedAt: z.date().nullable(),
  pausedBy: z.string().nullable(),
  pausedReason: z.string().nullable(),
  pausedErrorCode: z.string().nullable(),
  holdReason: z.string().nullable().describe("Why the number's health holds its queue now, or null"),
});

export const ZListSendersOutputSchema = z.array(ZSenderDispatchSchema);

export const ZListPausedSendersInputSchema = z.object({ tenantId: z.uuid().optional() });

export const ZResolveInDoubtInputSchema = z.object({
  messageId: z.uuid(),
  resolution: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("accepted"),
      providerMessageId: z
        .string()
        .regex(/^wamid\.[A-Za-z0-9+/=_-]{8,256}$/, "a wamid such as wamid.HBgL..."),
    }),
    z.object({ kind: z.literal("retry") }),
    z.object({ kind: z.literal("give_up") }),
  ]),
  reason: z.string().trim().min(3).max(1000),
  /** The console's id for this click: repeating it changes nothing. */
  operationId: z.uuid().optional(),
});

export const ZResolveInDoubtOutputSchema = z.object({
  attempt: z.number().int(),
  state: z.string(),
  isRepeat: z.boolean(),
});

export const ZRetryMessageInputSchema = z.object({
  messageId: z.uuid(),
  reason: z.string().trim().min(3).max(1000),
  /** The console's id for this click: repeating it changes nothing. */
  operationId: z.uuid().optional(),
});

export const ZRetryMessageOutputSchema = z.object({ attempt: z.number().int(), isRepeat: z.boolean() });

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

export const ZSendTestMessageInputSchema = z.object({
  request: ZSendMessageRequestSchema,
  /** The console sends one per form submission, so a double click sends once. */
  idempotencyKey: ZIdempotencyKeySchema.optional(),
});

export const ZSendTestMessageOutputSchema = z.object({
  message: ZMessageViewSchema,
  isReplay: z.boolean(),
});
