// Disputes: a tenant says a message never arrived; support opens a dispute with the ticket it came
// in on, adds notes, records what the evidence shows and resolves it. Each action is one
// transaction: the dispute row, an append-only dispute_note, and an annotation on the message's
// ledger (so the timeline and the evidence export show it, with the actor).
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import type { TDisputeOutcome } from "@/server/db/queries/disputes";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { actorLabel, type TActor } from "@/server/services/actor";
import { isUniqueViolation, ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";

const OUTCOME_TEXT: Record<TDisputeOutcome, string> = {
  delivered: "delivered (the message reached the recipient)",
  not_delivered: "not delivered",
  inconclusive: "inconclusive",
  withdrawn: "withdrawn by the tenant",
};

type TDisputeAction = "opened" | "note" | "outcome" | "resolved";

type TLockedDispute = {
  id: string;
  message_id: string;
  ticket_ref: string;
  status: "open" | "resolved";
  outcome: TDisputeOutcome | null;
};

async function lockDispute(tx: TDbTx, tenantId: string, disputeId: string): Promise<TLockedDispute> {
  const [row] = await tx.$queryRaw<TLockedDispute[]>`
    SELECT id::text AS id, message_id::text AS message_id, ticket_ref, status, outcome
    FROM dispute WHERE tenant_id = ${tenantId}::uuid AND id = ${disputeId}::uuid FOR UPDATE`;
  if (!row) throw new ServiceError("NOT_FOUND", "no such dispute in this tenant");
  return row;
}

/** Appends the annotation and the dispute_note for one action; returns the note's id. */
async function recordAction(
  tx: TDbTx,
  actor: TActor,
  input: {
    tenantId: string;
    dispute: { id: string; messageId: string; ticketRef: string };
    kind: TDisputeAction;
    text: string;
    body: string;
    outcome: TDisputeOutcome | null;
    now: Date;
  },
): Promise<string> {
  const author = actorLabel(actor);
  const result = await appendEvents(
    tx,
    input.tenantId,
    input.dispute.messageId,
    [
      {
        type: "annotation",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.operator(crypto.randomUUID()),
        payload: {
          dispute: {
            id: input.dispute.id,
            ticketRef: input.dispute.ticketRef,
            action: input.kind,
            ...(input.outcome ? { outcome: input.outcome } : {}),
          },
        },
        actor: author,
        note: input.text,
      },
    ],
    { now: input.now },
  );
  const event = result.appended[0];
  if (!event) throw new Error("dispute annotation was not appended");
  const noteId = crypto.randomUUID();
  await tx.disputeNote.create({
    data: {
      tenantId: input.tenantId,
      id: noteId,
      disputeId: input.dispute.id,
      kind: input.kind,
      author,
      body: input.body,
      outcome: input.outcome,
      ledgerEventId: event.id,
      createdAt: input.now,
    },
  });
  return noteId;
}

function withNote(text: string, note: string): string {
  return note ? `${text}: ${note}` : text;
}

export type TOpenDisputeInput = {
  tenantId: string;
  messageId: string;
  ticketRef: string;
  note: string;
  now: Date;
};

/** Opens a dispute on a message. CONFLICT when the message already has an open one. */
export async function openDispute(db: TDb, actor: TActor, input: TOpenDisputeInput) {
  const id = crypto.randomUUID();
  try {
    return await db.$transaction(async (tx) => {
      const open = await tx.dispute.findFirst({
        where: { tenantId: input.tenantId, messageId: input.messageId, status: "open" },
        select: { ticketRef: true },
      });
      if (open) {
        throw new ServiceError(
          "CONFLICT",
          `this message already has an open dispute (ticket ${open.ticketRef})`,
        );
      }
      const message = await tx.message.findUnique({
        where: { tenantId_id: { tenantId: input.tenantId, id: input.messageId } },
        select: { id: true },
      });
      if (!message) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
      await tx.dispute.create({
        data: {
          tenantId: input.tenantId,
          id,
          messageId: input.messageId,
          ticketRef: input.ticketRef,
          openedBy: actorLabel(actor),
          openedAt: input.now,
          noteCount: 1,
        },
      });
      await recordAction(tx, actor, {
        tenantId: input.tenantId,
        dispute: { id, messageId: input.messageId, ticketRef: input.ticketRef },
        kind: "opened",
        text: withNote(`Dispute opened (ticket ${input.ticketRef})`, input.note),
        body: input.note,
        outcome: null,
        now: input.now,
      });
      return { id, ticketRef: input.ticketRef, status: "open" as const };
    });
  } catch (error) {
    // two agents opening at once: the partial unique index lets one through
    if (isUniqueViolation(error))
      throw new ServiceError("CONFLICT", "this message already has an open dispute");
    throw error;
  }
}

export type TDisputeNoteInput = { tenantId: string; disputeId: string; note: string; now: Date };

/** Adds a note (open or resolved disputes: what happened after the decision is worth keeping). */
export async function addDisputeNote(db: TDb, actor: TActor, input: TDisputeNoteInput) {
  return db.$transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.tenantId, input.disputeId);
    const noteId = await recordAction(tx, actor, {
      tenantId: input.tenantId,
      dispute: { id: dispute.id, messageId: dispute.message_id, ticketRef: dispute.ticket_ref },
      kind: "note",
      text: `Dispute note (ticket ${dispute.ticket_ref}): ${input.note}`,
      body: input.note,
      outcome: null,
      now: input.now,
    });
    await tx.dispute.update({
      where: { tenantId_id: { tenantId: input.tenantId, id: dispute.id } },
      data: { noteCount: { increment: 1 } },
    });
    return { id: dispute.id, noteId };
  });
}

export type TRecordOutcomeInput = {
  tenantId: string;
  disputeId: string;
  outcome: TDisputeOutcome;
  summary: string;
  now: Date;
};

/** Records what the evidence shows. May be changed while the dispute is open; each one is kept. */
export async function recordDisputeOutcome(db: TDb, actor: TActor, input: TRecordOutcomeInput) {
  return db.$transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.tenantId, input.disputeId);
    if (dispute.status !== "open") {
      throw new ServiceError("CONFLICT", "this dispute is resolved; its outcome can no longer change");
    }
    await recordAction(tx, actor, {
      tenantId: input.tenantId,
      dispute: { id: dispute.id, messageId: dispute.message_id, ticketRef: dispute.ticket_ref },
      kind: "outcome",
      text: withNote(
        `Dispute outcome (ticket ${dispute.ticket_ref}): ${OUTCOME_TEXT[input.outcome]}`,
        input.summary,
      ),
      body: input.summary,
      outcome: input.outcome,
      now: input.now,
    });
    await tx.dispute.update({
      where: { tenantId_id: { tenantId: input.tenantId, id: dispute.id } },
      data: {
        outcome: input.outcome,
        outcomeSummary: input.summary,
        outcomeRecordedBy: actorLabel(actor),
        outcomeRecordedAt: input.now,
        noteCount: { increment: 1 },
      },
    });
    return { id: dispute.id, outcome: input.outcome };
  });
}

export type TResolveDisputeInput = {
  tenantId: string;
  disputeId: string;
  /** recorded now, unless an outcome was recorded before */
  outcome?: TDisputeOutcome;
  note: string;
  now: Date;
};

/** Resolves an open dispute. Needs an outcome (given here or recorded before). */
export async function resolveDispute(db: TDb, actor: TActor, input: TResolveDisputeInput) {
  return db.$transaction(async (tx) => {
    const dispute = await lockDispute(tx, input.tenantId, input.disputeId);
    if (dispute.status !== "open") throw new ServiceError("CONFLICT", "this dispute is already resolved");
    const outcome = input.outcome ?? dispute.outcome;
    if (!outcome) throw new ServiceError("BAD_REQUEST", "record an outcome before resolving the dispute");
    await recordAction(tx, actor, {
      tenantId: input.tenantId,
      dispute: { id: dispute.id, messageId: dispute.message_id, ticketRef: dispute.ticket_ref },
      kind: "resolved",
      text: withNote(
        `Dispute resolved (ticket ${dispute.ticket_ref}) as ${OUTCOME_TEXT[outcome]}`,
        input.note,
      ),
      body: input.note,
      outcome,
      now: input.now,
    });
    const label = actorLabel(actor);
    await tx.dispute.update({
      where: { tenantId_id: { tenantId: input.tenantId, id: dispute.id } },
      data: {
        status: "resolved",
        outcome,
        ...(input.outcome && input.outcome !== dispute.outcome
          ? { outcomeSummary: input.note, outcomeRecordedBy: label, outcomeRecordedAt: input.now }
          : {}),
        resolvedBy: label,
        resolvedAt: input.now,
        noteCount: { increment: 1 },
      },
    });
    return { id: dispute.id, status: "resolved" as const, outcome };
  });
}
