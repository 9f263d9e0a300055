// Input and output of messages.timeline: what the message page renders.
import { z } from "zod";
import { LEDGER_EVENT_TYPES } from "@/server/domain/ledger/ledger-event";
import { ZLedgerErrorSchema } from "@/server/domain/ledger/ledger-event-schema";
import { DEAD_LETTER_STATUSES } from "@/server/domain/dead-letters/dead-letter";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";

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
