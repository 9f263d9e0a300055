// What the tenant API (and the console's test send) shows of a message: its derived state with
// the explanation, the last error, and the ledger. Always read by tenant: a message of another
// tenant is "not found", exactly like a message that does not exist.
import { z } from "zod";
import type { TDbTx } from "@/server/db/client";
import {
  EVENT_SOURCES,
  LEDGER_EVENT_TYPES,
  TEMPLATE_PACING,
  templatePacingOf,
} from "@/server/domain/ledger/ledger-event";
import { TEMPLATE_PACING_TEXT } from "@/server/domain/reconciliation/explain";
import { MESSAGE_STATES } from "@/server/domain/reconciliation/message-state";
import { possibleDuplicate } from "@/server/domain/reconciliation/possible-duplicate";
import { toSql } from "@/server/db/sql";
import { loadChain, readLedger } from "@/server/services/ledger/read-ledger";
import { queuedMessageHold } from "@/server/services/number-health/hold-sql";
import { ServiceError } from "@/server/services/errors";

const ZLedgerErrorViewSchema = z.object({
  code: z.string().describe("Meta's error code (e.g. 131026), or Waybill's own (transport.timeout)"),
  title: z.string(),
  message: z.string(),
  details: z.string().nullable(),
});

export const ZMessageViewSchema = z.object({
  id: z.uuid().describe("Waybill's message id (also sent to WhatsApp as biz_opaque_callback_data)"),
  state: z.enum(MESSAGE_STATES).describe("Derived from the ledger by the reconciliation rules"),
  explanation: z
    .string()
    .describe("Why the message is in this state, in plain words (and why it waits, when its number is held)"),
  hold: z
    .string()
    .nullable()
    .describe(
      "Why the message waits in the queue on its number's health right now (e.g. a restriction), or null",
    ),
  lastError: ZLedgerErrorViewSchema.extend({
    attempt: z.number().int().nullable(),
    recordedAt: z.iso.datetime(),
  })
    .nullable()
    .describe("The most recent error recorded for the message, whatever its state"),
  attempts: z.number().int().describe("Attempts made (or scheduled) so far"),
  providerMessageId: z.string().nullable().describe("The wamid of the latest accepted attempt"),
  from: z.object({ senderNumberId: z.uuid(), phoneNumberId: z.string(), displayNumber: z.string() }),
  to: z.string(),
  type: z.enum(["template", "text"]),
  template: z.object({ name: z.string(), language: z.string() }).nullable(),
  metadata: z.record(z.string(), z.string()),
  conflicts: z.array(z.string()).describe("Reconciliation conflicts (e.g. delivered_after_failed)"),
  templatePacing: z
    .object({ status: z.enum(TEMPLATE_PACING), description: z.string() })
    .nullable()
    .describe(
      "Set while Meta holds the accepted template message under template pacing (the send answer's message_status held_for_quality_assessment or paused), with what it means in words",
    ),
  possibleDuplicate: z
    .object({ certainty: z.enum(["delivered", "accepted"]), warning: z.string() })
    .nullable()
    .describe(
      "Set when two attempts may both have reached the recipient (an earlier one was delivered or accepted and a later one was sent too), with the warning in words",
    ),
  createdAt: z.iso.datetime(),
  stateReachedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TMessageView = z.infer<typeof ZMessageViewSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isMessageId(value: string): boolean {
  return UUID.test(value);
}

export async function getMessageView(
  db: TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TMessageView | null> {
  if (!isMessageId(messageId)) return null;
  const message = await db.message.findUnique({
    where: { tenantId_id: { tenantId, id: messageId } },
    select: {
      id: true,
      senderNumberId: true,
      recipient: true,
      contentKind: true,
      templateName: true,
      templateLanguage: true,
      providerMessageId: true,
      state: true,
      stateExplanation: true,
      stateReachedAt: true,
      conflictKinds: true,
      templatePacing: true,
      attemptCount: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  if (!message) return null;
  const [sender, request, chain, hold] = await Promise.all([
    db.senderNumber.findUnique({
      where: { tenantId_id: { tenantId, id: message.senderNumberId } },
      select: { id: true, phoneNumberId: true, displayNumber: true },
    }),
    db.sendRequest.findUnique({
      where: { tenantId_messageId: { tenantId, messageId } },
      select: { request: true },
    }),
    loadChain(db, tenantId, messageId),
    queuedMessageHold(toSql(db), tenantId, messageId, new Date()),
  ]);
  const lastErrorEvent = [...chain].reverse().find((e) => "error" in e && e.error !== null);
  const lastError =
    lastErrorEvent && "error" in lastErrorEvent && lastErrorEvent.error
      ? {
          ...lastErrorEvent.error,
          attempt: "attempt" in lastErrorEvent ? lastErrorEvent.attempt : null,
          recordedAt: new Date(lastErrorEvent.recordedAt).toISOString(),
        }
      : null;
  const stored = request?.request as { metadata?: Record<string, string> } | undefined;
  return {
    id: message.id,
    state: message.state,
    explanation: hold ? `${message.stateExplanation}; held: ${hold}` : message.stateExplanation,
    hold,
    lastError,
    attempts: message.attemptCount,
    providerMessageId: message.providerMessageId,
    from: {
      senderNumberId: message.senderNumberId,
      phoneNumberId: sender?.phoneNumberId ?? "",
      displayNumber: sender?.displayNumber ?? "",
    },
    to: `+${message.recipient}`,
    type: message.contentKind === "text" ? "text" : "template",
    template:
      message.contentKind === "template" && message.templateName
        ? { name: message.templateName, language: message.templateLanguage ?? "" }
        : null,
    metadata: stored?.metadata ?? {},
    conflicts: message.conflictKinds,
    templatePacing: templatePacingView(message.templatePacing),
    possibleDuplicate: possibleDuplicate(message.conflictKinds),
    createdAt: message.createdAt.toISOString(),
    stateReachedAt: message.stateReachedAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
  };
}

function templatePacingView(stored: string | null): TMessageView["templatePacing"] {
  const status = templatePacingOf(stored);
  return status === null ? null : { status, description: TEMPLATE_PACING_TEXT[status] };
}

export const ZMessageEventViewSchema = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  type: z.enum(LEDGER_EVENT_TYPES),
  source: z.enum(EVENT_SOURCES),
  attempt: z.number().int().nullable(),
  providerMessageId: z.string().nullable(),
  error: ZLedgerErrorViewSchema.nullable(),
  providerTimestamp: z.iso.datetime().nullable().describe("WhatsApp's clock (status webhooks)"),
  recordedAt: z.iso.datetime().describe("Waybill's clock when the fact was first recorded"),
  notBefore: z.iso.datetime().nullable().describe("retry_scheduled: when the attempt runs"),
  reason: z.string().nullable(),
  actor: z.string().nullable().describe("Operator actions name the kind of actor only"),
  receipts: z
    .object({ count: z.number().int(), firstReceivedAt: z.iso.datetime(), lastReceivedAt: z.iso.datetime() })
    .nullable()
    .describe("How often the fact arrived (webhooks are delivered at least once)"),
});
export type TMessageEventView = z.infer<typeof ZMessageEventViewSchema>;

export const ZMessageEventsViewSchema = z.object({
  messageId: z.uuid(),
  state: z.enum(MESSAGE_STATES),
  explanation: z.string(),
  events: z.array(ZMessageEventViewSchema),
  chain: z
    .object({ ok: z.boolean(), checkedEvents: z.number().int() })
    .describe("The ledger's hash chain verified end to end"),
});
export type TMessageEventsView = z.infer<typeof ZMessageEventsViewSchema>;

export async function getMessageEventsView(
  db: TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TMessageEventsView | null> {
  if (!isMessageId(messageId)) return null;
  let ledger;
  try {
    ledger = await readLedger(db, tenantId, messageId);
  } catch (error) {
    if (error instanceof ServiceError && error.code === "NOT_FOUND") return null;
    throw error;
  }
  return {
    messageId,
    state: ledger.derived.state,
    explanation: ledger.derived.explanation,
    events: ledger.events.map((event, index) => ({
      seq: index + 1,
      id: event.id,
      type: event.type,
      source: event.source,
      attempt: "attempt" in event ? event.attempt : null,
      providerMessageId: "providerMessageId" in event ? event.providerMessageId : null,
      error: "error" in event ? event.error : null,
      providerTimestamp:
        event.providerTimestamp === null ? null : new Date(event.providerTimestamp).toISOString(),
      recordedAt: new Date(event.recordedAt).toISOString(),
      notBefore: event.type === "retry_scheduled" ? new Date(event.notBefore).toISOString() : null,
      reason: "reason" in event ? event.reason : null,
      actor: "actor" in event ? (event.actor.split(":")[0] ?? "operator") : null,
      receipts: event.receipts
        ? {
            count: event.receipts.receivedCount,
            firstReceivedAt: event.receipts.firstReceivedAt.toISOString(),
            lastReceivedAt: event.receipts.lastReceivedAt.toISOString(),
          }
        : null,
    })),
    chain: { ok: ledger.chain.ok, checkedEvents: ledger.chain.checkedEvents },
  };
}
