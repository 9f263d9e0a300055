// Inputs and outputs shared by the disputes procedures.
import { z } from "zod";
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES } from "@/server/db/queries/disputes";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";

export const ZTicketRefSchema = z
  .string()
  .trim()
  .min(1, "give the ticket reference")
  .max(120, "at most 120 characters");
export const ZDisputeNoteTextSchema = z.string().trim().max(2000, "at most 2,000 characters");
export const ZDisputeOutcomeSchema = z.enum(DISPUTE_OUTCOMES);

const ZCursorSchema = z.object({ openedAt: z.date(), id: z.uuid() });

export const ZDisputeListInputSchema = z.object({
  status: z.enum(DISPUTE_STATUSES).optional(),
  ticketRef: z.string().trim().min(1).max(120).optional(),
  messageId: z.uuid().optional(),
  /** the last row of the previous page (named `cursor` for infinite queries) */
  cursor: ZCursorSchema.nullish(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const ZDisputeListOutputSchema = z.object({
  items: z.array(
    z.object({
      tenantId: z.string(),
      tenantSlug: z.string(),
      tenantName: z.string(),
      id: z.string(),
      messageId: z.string(),
      ticketRef: z.string(),
      status: z.enum(DISPUTE_STATUSES),
      outcome: ZDisputeOutcomeSchema.nullable(),
      outcomeSummary: z.string().nullable(),
      openedBy: z.string(),
      openedAt: z.date(),
      resolvedAt: z.date().nullable(),
      noteCount: z.number().int(),
      updatedAt: z.date(),
      messageState: z.enum(MESSAGE_STATES),
      templateName: z.string().nullable(),
    }),
  ),
  nextCursor: ZCursorSchema.nullable(),
});

export const ZMessageDisputesOutputSchema = z.array(
  z.object({
    id: z.string(),
    messageId: z.string(),
    ticketRef: z.string(),
    status: z.enum(DISPUTE_STATUSES),
    outcome: ZDisputeOutcomeSchema.nullable(),
    outcomeSummary: z.string().nullable(),
    openedBy: z.string(),
    openedAt: z.date(),
    outcomeRecordedBy: z.string().nullable(),
    outcomeRecordedAt: z.date().nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.date().nullable(),
    noteCount: z.number().int(),
    updatedAt: z.date(),
    notes: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(["opened", "note", "outcome", "resolved"]),
        author: z.string(),
        body: z.string(),
        outcome: ZDisputeOutcomeSchema.nullable(),
        ledgerEventId: z.string(),
        createdAt: z.date(),
      }),
    ),
  }),
);
