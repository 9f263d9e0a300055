// Input and output schemas of the messages procedures, one file for the area.
import { z } from "zod";
import { LEDGER_EVENT_TYPES } from "@/server/domain/ledger/ledger-event";
import { ZLedgerErrorSchema } from "@/server/domain/ledger/ledger-event-schema";
import { DEAD_LETTER_STATUSES } from "@/server/domain/dead-letters/dead-letter";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";
import type { TMessageSearchQuery } from "@/server/db/queries/messages";
import { parseSearchTerm } from "@/server/domain/search/search-term";

// Input and output of messages.timeline: what the message page renders.
export const ZMessageRefInputSchema = z.object({ messageId: z.uuid() });

const ZStateSchema = z.enum(MESSAGE_STATES);
const ZEventTypeSchema = z.enum(LEDGER_EVENT_TYPES);

const ZTimelineEventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: ZEventTypeSchema,
  source: z.string(),
  dedupeKey: z.string(),
  attempt: z.number().int().nullable(),
  headline: z.string(),
  providerMessageId: z.string().nullable(),
  error: ZLedgerErrorSchema.nullable(),
  actor: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  action: z.string().nullable(),
  notBefore: z.date().nullable(),
  providerTimestamp: z.date().nullable(),
  recordedAt: z.date(),
  lagMs: z.number().nullable(),
  lagText: z.string().nullable(),
  receipts: z.object({
    count: z.number().int(),
    description: z.string(),
    firstReceivedAt: z.date(),
    lastReceivedAt: z.date(),
    hasDivergentCopies: z.boolean(),
    arrivals: z.array(
      z.object({
        receivedAt: z.date(),
        source: z.string(),
        rawWebhookId: z.string().nullable(),
        isFirst: z.boolean(),
        isDivergent: z.boolean(),
      }),
    ),
  }),
  outOfOrder: z
    .object({
      afterSeq: z.number().int(),
      afterType: ZEventTypeSchema,
      earlierByMs: z.number(),
      text: z.string(),
    })
    .nullable(),
  isDecider: z.boolean(),
  isInert: z.boolean(),
  transition: z.object({ from: ZStateSchema.nullable(), to: ZStateSchema }).nullable(),
  dispute: z.object({ id: z.string(), ticketRef: z.string() }).nullable(),
  prevHash: z.string(),
  hash: z.string(),
  body: z.json().nullable(),
});

/** The ticket answer (server/domain/reconciliation/answer.ts); the console prints its times. */
export const ZMessageAnswerSchema = z.object({
  state: ZStateSchema,
  tone: z.enum(["ok", "progress", "bad", "neutral"]),
  headline: z.string(),
  milestones: z.array(z.object({ label: z.string(), at: z.date() })),
  pending: z.string().nullable(),
  failure: z.object({ code: z.string().nullable(), cause: z.string(), nextStep: z.string() }).nullable(),
  isFinal: z.boolean(),
});

export const ZMessageTimelineSchema = z.object({
  /** why the message waits in the send queue right now, or null */
  hold: z.string().nullable(),
  answer: ZMessageAnswerSchema,
  message: z.object({
    tenantId: z.string(),
    tenantSlug: z.string(),
    tenantName: z.string(),
    id: z.string(),
    recipientMasked: z.string(),
    sender: z.object({
      id: z.string(),
      displayNumber: z.string(),
      label: z.string().nullable(),
      phoneNumberId: z.string(),
    }),
    contentKind: z.string(),
    template: z
      .object({ name: z.string(), language: z.string().nullable(), category: z.string().nullable() })
      .nullable(),
    providerMessageIds: z.array(
      z.object({ providerMessageId: z.string(), attempt: z.number().int(), createdAt: z.date() }),
    ),
    createdAt: z.date(),
    stateReachedAt: z.date(),
    attemptCount: z.number().int(),
    eventCount: z.number().int(),
    headHash: z.string(),
    lastErrorCode: z.string().nullable(),
    stored: z.object({
      state: ZStateSchema,
      explanation: z.string(),
      rulesVersion: z.number().int(),
      conflictKinds: z.array(z.string()),
    }),
  }),
  derived: z.object({
    state: ZStateSchema,
    explanation: z.string(),
    clauses: z.array(z.string()),
    rulesVersion: z.number().int(),
    decider: z
      .object({
        dedupeKey: z.string(),
        type: ZEventTypeSchema,
        attempt: z.number().int().nullable(),
        providerTimestamp: z.date().nullable(),
        seq: z.number().int().nullable(),
      })
      .nullable(),
    conflicts: z.array(
      z.object({
        kind: z.string(),
        rule: z.string(),
        ruleSummary: z.string(),
        attempt: z.number().int().nullable(),
        dedupeKeys: z.array(z.string()),
        seqs: z.array(z.number().int()),
        resolution: z.string(),
      }),
    ),
    possibleDuplicate: z
      .object({ certainty: z.enum(["delivered", "accepted"]), warning: z.string() })
      .nullable(),
    appliedRules: z.array(z.object({ rule: z.string(), summary: z.string() })),
    transitions: z.array(
      z.object({
        from: ZStateSchema.nullable(),
        to: ZStateSchema,
        type: ZEventTypeSchema,
        dedupeKey: z.string(),
        seq: z.number().int().nullable(),
      }),
    ),
    since: z.date().nullable(),
    latestAttempt: z.number().int(),
    factCount: z.number().int(),
    isDriftedFromStored: z.boolean(),
  }),
  chain: z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), headHash: z.string(), checkedEvents: z.number().int() }),
    z.object({
      ok: z.literal(false),
      reason: z.string(),
      brokenAt: z.number().int(),
      brokenSeq: z.number().int().nullable(),
      checkedEvents: z.number().int(),
    }),
  ]),
  events: z.array(ZTimelineEventSchema),
  counts: z.object({
    events: z.number().int(),
    receipts: z.number().int(),
    duplicatedFacts: z.number().int(),
    outOfOrder: z.number().int(),
  }),
  isRawVisible: z.boolean(),
  request: z.object({ payload: z.json() }).nullable(),
  rawWebhooks: z
    .array(
      z.object({
        id: z.string(),
        receivedAt: z.date(),
        bodyBytes: z.number().int(),
        bodySha256: z.string(),
        signatureHeader: z.string().nullable(),
        signatureKeyIndex: z.number().int(),
        duplicateCount: z.number().int(),
        body: z.string().nullable(),
        isTruncated: z.boolean(),
        isPruned: z.boolean(),
        redactedParts: z.number().int(),
        eventSeqs: z.array(z.number().int()),
      }),
    )
    .nullable(),
  viewer: z.object({
    canRevealRecipient: z.boolean(),
    canAnnotate: z.boolean(),
    canForceReconcile: z.boolean(),
    canReplayWebhooks: z.boolean(),
    canManageDisputes: z.boolean(),
    canExportEvidence: z.boolean(),
    /** operations.act and the derived state allows it (each procedure checks again) */
    canRetry: z.boolean(),
    canCancel: z.boolean(),
    canDiscard: z.boolean(),
  }),
  /** the message's dead letter (deadLetters.list's row), when it was ever dead-lettered */
  deadLetter: z
    .object({
      status: z.enum(DEAD_LETTER_STATUSES),
      reason: z.string(),
      errorCode: z.string().nullable(),
      deadLetteredAt: z.date(),
      episodes: z.number().int(),
      retryAttempt: z.number().int().nullable(),
      acknowledgedAttempt: z.number().int().nullable(),
      discardedBy: z.string().nullable(),
      discardReason: z.string().nullable(),
    })
    .nullable(),
});

export const ZReplayWebhookInputSchema = z.object({
  messageId: z.uuid(),
  /** a raw request linked to this message (one of its receipts came from it) */
  rawWebhookId: z.uuid(),
  reason: z.string().trim().min(3, "give a reason (at least 3 characters)").max(500),
});

export const ZReplayWebhookOutputSchema = z.object({
  replayId: z.uuid(),
  eventId: z.uuid(),
  state: z.string(),
});

// Input and output of messages.search (the same filters within one tenant or across the tenants
// a role sees; the scope itself is the ladder's input, ZTenantScopeInputSchema).
const ZCursorSchema = z.object({ createdAt: z.date(), id: z.uuid() });

export const ZMessageSearchFiltersSchema = z.object({
  /** the one search box: a message id, a wamid with or without "wamid.", a number or its last digits, a ticket reference */
  q: z.string().trim().min(1).max(256).optional(),
  messageId: z.uuid().optional(),
  /** any attempt's WhatsApp message id */
  wamid: z.string().trim().min(1).max(256).optional(),
  /** "+15551234567" matches that number exactly; digits alone match the number's end (4+) */
  recipient: z
    .string()
    .transform((value) => value.replace(/[\s().-]/g, ""))
    .pipe(
      z
        .string()
        .regex(/^(\+[0-9]{6,15}|[0-9]{4,15})$/, "a full number starting with + or at least 4 last digits"),
    )
    .optional(),
  senderNumberId: z.uuid().optional(),
  templateName: z.string().trim().min(1).max(512).optional(),
  state: z.enum(MESSAGE_STATES).optional(),
  errorCode: z.string().trim().min(1).max(64).optional(),
  /** only messages two attempts of which may both have reached the recipient */
  isPossibleDuplicate: z.boolean().optional(),
  /** created at or after */
  createdFrom: z.date().optional(),
  /** created before */
  createdTo: z.date().optional(),
});

export const ZMessageSearchInputSchema = ZMessageSearchFiltersSchema.extend({
  sort: z.enum(["created_desc", "created_asc"]).default("created_desc"),
  after: ZCursorSchema.optional(),
  before: ZCursorSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
}).refine((input) => !(input.after && input.before), { message: "give after or before, not both" });

export type TMessageSearchInput = z.output<typeof ZMessageSearchInputSchema>;

export const ZMessageSearchItemSchema = z.object({
  tenantId: z.string(),
  tenantSlug: z.string(),
  tenantName: z.string(),
  id: z.string(),
  recipientMasked: z.string(),
  senderNumberId: z.string(),
  senderDisplayNumber: z.string(),
  senderLabel: z.string().nullable(),
  contentKind: z.string(),
  templateName: z.string().nullable(),
  state: z.enum(MESSAGE_STATES),
  stateReachedAt: z.date(),
  lastErrorCode: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  conflictKinds: z.array(z.string()),
  attemptCount: z.number().int(),
  hasOpenDispute: z.boolean(),
  createdAt: z.date(),
});

export const ZMessageSearchOutputSchema = z.object({
  items: z.array(ZMessageSearchItemSchema),
  nextCursor: ZCursorSchema.nullable(),
  prevCursor: ZCursorSchema.nullable(),
});

/** The validated input as the query function takes it. */
export function toSearchQuery(input: TMessageSearchInput): TMessageSearchQuery {
  const { recipient, q, ...rest } = input;
  const term = q ? parseSearchTerm(q) : null;
  return {
    ...rest,
    ...(term ? { term } : {}),
    recipient: recipient
      ? recipient.startsWith("+")
        ? { kind: "exact", digits: recipient.slice(1) }
        : { kind: "suffix", digits: recipient }
      : undefined,
  };
}
