// The trigger outbox as a projector of the ledger append: for every message of the batch, the pure
// decision (decideTriggers) turns the derived state before and after into candidate events, and
// one writeOutbox statement stores those not fired before and fans them out to the subscribed
// endpoints, in the transaction of the state change. Registered in the ledger's projector list
// where the process starts (server/services/projectors.ts).
import type { TLedgerProjector, TMessageAppend } from "@/server/services/ledger/projector";
import { decideTriggers } from "@/server/domain/triggers/decide-triggers";
import { writeOutbox, type TOutboxEvent } from "./outbox";

export function outboxEventsOf(message: TMessageAppend, now: Date): TOutboxEvent[] {
  const candidates = decideTriggers({
    messageId: message.messageId,
    before: message.before && { state: message.before.state, conflictKinds: message.before.conflictKinds },
    after: { state: message.after.state, conflictKinds: message.after.conflictKinds },
    appended: message.appended.map((e) => ({ type: e.type, providerTimestamp: e.providerTimestamp })),
  });
  return candidates.map((c) => ({
    tenantId: message.tenantId,
    type: c.type,
    dedupeKey: c.dedupeKey,
    messageId: message.messageId,
    senderNumberId: message.after.senderNumberId,
    templateName: message.after.templateName,
    occurredAt: now,
    payload: {
      messageId: message.messageId,
      tenantId: message.tenantId,
      senderNumberId: message.after.senderNumberId,
      templateName: message.after.templateName,
      // stored whole, masked per endpoint when rendered (renderPayload)
      recipient: message.after.recipient,
      state: message.after.state,
      explanation: message.derived.explanation,
      inferred: c.inferred,
      ...(c.previousState === null ? {} : { previousState: c.previousState, correction: c.correction }),
      providerTimestamp: c.providerTimestamp === null ? null : new Date(c.providerTimestamp).toISOString(),
      lastErrorCode: message.after.lastErrorCode,
      attempt: message.after.attemptCount,
    },
  }));
}

export const triggerOutboxProjector: TLedgerProjector = {
  name: "trigger-outbox",
  project: async ({ sql, now, messages }) => {
    const events = messages.flatMap((m) => outboxEventsOf(m, now));
    await writeOutbox(sql, events, now);
  },
};
