// Inputs and outputs of the deadLetters procedures. The list's filters are one schema for one
// tenant and for every tenant a role sees; the age filter is a bucket the server turns into time
// bounds with its own clock, so a URL (and the prefetched query) means the same thing on reload.
import { z } from "zod";
import type { TDeadLetterQuery } from "@/server/db/queries/dead-letters";
import { BULK_KINDS, BULK_SELECTION_CAP, WARNING_KINDS } from "@/server/domain/dead-letters/assess-retry";
import { DEAD_LETTER_STATUSES, REASON_CLASSES } from "@/server/domain/dead-letters/dead-letter";
import { SKIP_REASONS } from "@/server/domain/operator-actions/eligibility";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";

export const AGE_BUCKETS = ["lt1h", "1h-24h", "gt24h", "gt7d"] as const;
export type TAgeBucket = (typeof AGE_BUCKETS)[number];

const HOUR = 3_600_000;

/** The dead_lettered_at bounds of an age bucket, at `now`. */
export function ageBounds(age: TAgeBucket, now: Date): { from?: Date; to?: Date } {
  const ago = (ms: number) => new Date(now.getTime() - ms);
  switch (age) {
    case "lt1h":
      return { from: ago(HOUR) };
    case "1h-24h":
      return { from: ago(24 * HOUR), to: ago(HOUR) };
    case "gt24h":
      return { to: ago(24 * HOUR) };
    case "gt7d":
      return { to: ago(7 * 24 * HOUR) };
    default: {
      const unreachable: never = age;
      return unreachable;
    }
  }
}

export const ZDeadLetterFiltersSchema = z.object({
  /** "all": every status; default open */
  status: z.enum([...DEAD_LETTER_STATUSES, "all"]).default("open"),
  senderNumberId: z.uuid().optional(),
  errorCode: z.string().trim().min(1).max(64).optional(),
  reasonClass: z.enum(REASON_CLASSES).optional(),
  templateName: z.string().trim().min(1).max(512).optional(),
  age: z.enum(AGE_BUCKETS).optional(),
});
export type TDeadLetterFilters = z.output<typeof ZDeadLetterFiltersSchema>;

const ZCursorSchema = z.object({ deadLetteredAt: z.date(), messageId: z.uuid() });

export const ZDeadLetterListInputSchema = ZDeadLetterFiltersSchema.extend({
  cursor: ZCursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

/** The query function's filters for validated input, at `now`. */
export function toDeadLetterQuery(
  filters: TDeadLetterFilters,
  now: Date,
): Omit<TDeadLetterQuery, "limit" | "after"> {
  const bounds = filters.age ? ageBounds(filters.age, now) : {};
  return {
    ...(filters.status !== "all" ? { status: filters.status } : {}),
    ...(filters.senderNumberId ? { senderNumberId: filters.senderNumberId } : {}),
    ...(filters.errorCode ? { errorCode: filters.errorCode } : {}),
    ...(filters.reasonClass ? { reasonClass: filters.reasonClass } : {}),
    ...(filters.templateName ? { templateName: filters.templateName } : {}),
    ...(bounds.from ? { deadLetteredFrom: bounds.from } : {}),
    ...(bounds.to ? { deadLetteredTo: bounds.to } : {}),
  };
}

export const ZDeadLetterItemSchema = z.object({
  tenantId: z.string(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  messageId: z.string(),
  recipientMasked: z.string(),
  senderNumberId: z.string(),
  senderDisplayNumber: z.string(),
  senderLabel: z.string().nullable(),
  contentKind: z.string(),
  templateName: z.string().nullable(),
  messageState: z.enum(MESSAGE_STATES),
  attemptCount: z.number().int(),
  requestedAt: z.date(),
  deadLetteredAt: z.date(),
  deadLetterAttempt: z.number().int(),
  episodes: z.number().int(),
  reason: z.string(),
  reasonClass: z.enum(REASON_CLASSES),
  errorCode: z.string().nullable(),
  errorTitle: z.string().nullable(),
  status: z.enum(DEAD_LETTER_STATUSES),
  statusAt: z.date(),
  retryAttempt: z.number().int().nullable(),
  retriedBy: z.string().nullable(),
  acknowledgedAttempt: z.number().int().nullable(),
  discardedBy: z.string().nullable(),
  discardReason: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  cancelReason: z.string().nullable(),
  /** a retry or discard would act on it (deadLetterSkipReason): the row offers both */
  isActionable: z.boolean(),
});

export const ZDeadLetterListOutputSchema = z.object({
  items: z.array(ZDeadLetterItemSchema),
  nextCursor: ZCursorSchema.nullable(),
});

/** Grouping reads open dead letters only: the status filter has no meaning for an issue. */
export const ZDeadLetterGroupsInputSchema = ZDeadLetterFiltersSchema.omit({ status: true }).extend({
  limit: z.number().int().min(1).max(200).default(100),
});

/** One issue: the open dead letters sharing an error code, a sender number and a template. */
export const ZDeadLetterGroupKeySchema = z.object({
  /** null: dead letters without an error code */
  errorCode: z.string().trim().min(1).max(64).nullable(),
  senderNumberId: z.uuid(),
  /** null: free-form text messages */
  templateName: z.string().trim().min(1).max(512).nullable(),
});

export const ZDeadLetterGroupSchema = ZDeadLetterGroupKeySchema.extend({
  senderNumberId: z.string(),
  tenantId: z.string(),
  tenantSlug: z.string(),
  errorTitle: z.string().nullable(),
  reasonClass: z.enum(REASON_CLASSES),
  latestReason: z.string(),
  senderDisplayNumber: z.string(),
  senderLabel: z.string().nullable(),
  count: z.number().int(),
  failedAgain: z.number().int(),
  firstSeenAt: z.date(),
  lastSeenAt: z.date(),
  lastOperationId: z.string().nullable(),
  lastRetriedBy: z.string().nullable(),
});

export const ZDeadLetterGroupsOutputSchema = z.object({
  groups: z.array(ZDeadLetterGroupSchema),
  /** more groups than `limit` match: narrow the filters */
  isTruncated: z.boolean(),
  /** open dead letters matching the filters, in every group */
  total: z.number().int(),
});

const ZMessageKeySchema = z.object({ tenantId: z.uuid(), messageId: z.uuid() });

export const ZSelectionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("ids"),
    items: z.array(ZMessageKeySchema).min(1, "select at least one message").max(BULK_SELECTION_CAP),
  }),
  /** everything the filter matches in the scope, frozen into ids by the dry run */
  z.object({ kind: z.literal("filter"), filters: ZDeadLetterFiltersSchema }),
  /** one issue of the grouped view (its open dead letters, narrowed by the view's filters) */
  z.object({
    kind: z.literal("group"),
    filters: ZDeadLetterFiltersSchema.omit({ status: true }),
    group: ZDeadLetterGroupKeySchema,
  }),
]);

const ZWarningSchema = z.object({
  kind: z.enum(WARNING_KINDS),
  severity: z.enum(["will_fail", "may_fail", "delayed"]),
  key: z.string(),
  title: z.string(),
  detail: z.string(),
});

const ZTenantCountSchema = z.object({
  tenantId: z.string(),
  tenantName: z.string(),
  count: z.number().int(),
});

export const ZAssessmentSchema = z.object({
  kind: z.enum(BULK_KINDS),
  selected: z.number().int(),
  actionable: z.number().int(),
  likelyToFail: z.number().int(),
  skipped: z.number().int(),
  tenants: z.array(ZTenantCountSchema),
  skips: z.array(z.object({ reason: z.enum(SKIP_REASONS), text: z.string(), count: z.number().int() })),
  warnings: z.array(
    ZWarningSchema.omit({ key: true }).extend({
      key: z.string(),
      count: z.number().int(),
      tenants: z.array(ZTenantCountSchema),
      sample: z.array(z.object({ tenantId: z.string(), messageId: z.string() })),
    }),
  ),
});

export const ZAssessItemSchema = z.object({
  tenantId: z.string(),
  messageId: z.string(),
  verdict: z.enum(["act", "skip"]),
  skipReason: z.enum(SKIP_REASONS).nullable(),
  skipText: z.string().nullable(),
  warnings: z.array(ZWarningSchema),
  isLikelyToFail: z.boolean(),
});

export const ZPrepareBulkInputSchema = z.object({
  kind: z.enum(BULK_KINDS),
  /** the tenant page the selection was made on; omitted: all tenants (cross-tenant roles) */
  tenantId: z.uuid().optional(),
  selection: ZSelectionSchema,
});

export type TPrepareBulkInput = z.output<typeof ZPrepareBulkInputSchema>;

export const ZPrepareBulkOutputSchema = z.object({
  bulkActionId: z.string().nullable(),
  assessment: ZAssessmentSchema,
  frozenFromFilter: z.number().int().nullable(),
  threshold: z.number().int(),
  needsApproval: z.boolean(),
});

const ZReasonSchema = z.string().trim().min(3, "give a reason (at least 3 characters)").max(1000);

export const ZRequestBulkInputSchema = z.object({
  bulkActionId: z.uuid(),
  reason: ZReasonSchema,
  /** leave out the messages the dry run says will fail again */
  leaveOutLikelyToFail: z.boolean().default(false),
});

export const ZRequestBulkOutputSchema = z.object({
  status: z.enum(["approved", "awaiting_approval"]),
  actionCount: z.number().int(),
  leftOut: z.number().int(),
  needsApproval: z.boolean(),
  threshold: z.number().int(),
  /** what this engineer ran without a second person in the rolling window, before this request */
  recentUnapprovedVolume: z.number().int(),
  /** whether the worker job was queued (false: it is retried when the operation is approved again) */
  isStarted: z.boolean(),
});

export const ZApproveBulkInputSchema = z.object({
  bulkActionId: z.uuid(),
  note: z.string().trim().max(1000).optional(),
});

export const ZRejectBulkInputSchema = z.object({ bulkActionId: z.uuid(), reason: ZReasonSchema });

const ZProgressSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  leftOut: z.number().int(),
  skipped: z.number().int(),
  discarded: z.number().int(),
  retried: z.number().int(),
  acknowledged: z.number().int(),
  failedAgain: z.number().int(),
  awaitingAcknowledgement: z.number().int(),
});

export const ZBulkActionSchema = z.object({
  id: z.string(),
  kind: z.enum(BULK_KINDS),
  status: z.enum(["awaiting_approval", "approved", "rejected", "running", "done"]),
  isWithdrawn: z.boolean(),
  tenantCount: z.number().int(),
  selectionText: z.string(),
  assessment: ZAssessmentSchema.nullable(),
  actionCount: z.number().int(),
  reason: z.string().nullable(),
  threshold: z.number().int().nullable(),
  needsApproval: z.boolean(),
  requestedBy: z.string(),
  requestedAt: z.date(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  decisionNote: z.string().nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  progress: ZProgressSchema,
  viewer: z.object({
    isRequester: z.boolean(),
    /** another engineer may approve or reject it now */
    canDecide: z.boolean(),
    /** the requester may withdraw (reject) it */
    canWithdraw: z.boolean(),
  }),
});

export const ZBulkListInputSchema = z.object({
  tenantId: z.uuid().optional(),
  limit: z.number().int().min(1).max(50).default(10),
});

export const ZBulkItemSchema = z.object({
  tenantId: z.string(),
  tenantSlug: z.string(),
  messageId: z.string(),
  warnings: z.array(z.string()),
  isLikelyToFail: z.boolean(),
  outcome: z.enum(["retried", "discarded", "skipped", "left_out"]).nullable(),
  outcomeDetail: z.string().nullable(),
  attempt: z.number().int().nullable(),
  processedAt: z.date().nullable(),
  retryStatus: z.enum(["acknowledged", "failed_again", "awaiting_acknowledgement"]).nullable(),
});

export const ZMessageActionInputSchema = z.object({
  messageId: z.uuid(),
  reason: ZReasonSchema,
  /** the console's id for this click: repeating it changes nothing */
  operationId: z.uuid().optional(),
});
