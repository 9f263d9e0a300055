// Publishes a sender number's state changes (paused, resumed, quality changed) to the tenant's
// endpoints through the outbox, in the transaction of the change. The firing decision is pure
// (`decideSenderEvents`); the dedupe key names the number, the type, the cause and the time of
// the change, so a retried transaction cannot fire it twice.
import type { TSql } from "@/server/db/sql";
import {
  decideSenderEvents,
  type TSenderHoldCause,
  type TSenderSnapshot,
} from "@/server/domain/triggers/sender-events";
import { writeOutbox } from "./outbox";

export async function publishSenderChange(
  sql: TSql,
  input: {
    tenantId: string;
    senderNumberId: string;
    cause: TSenderHoldCause;
    before: TSenderSnapshot | null;
    after: TSenderSnapshot;
    /** who or what changed it (the dispatcher, an engineer, Meta's webhook) */
    changedBy: string;
  },
  now: Date,
): Promise<number> {
  const events = decideSenderEvents(input.cause, input.before, input.after);
  if (events.length === 0) return 0;
  return writeOutbox(
    sql,
    events.map((e) => ({
      tenantId: input.tenantId,
      type: e.type,
      dedupeKey: `${e.type}:${input.senderNumberId}:${input.cause}:${now.getTime()}`,
      messageId: null,
      senderNumberId: input.senderNumberId,
      templateName: null,
      occurredAt: now,
      payload: {
        tenantId: input.tenantId,
        senderNumberId: input.senderNumberId,
        ...e.data,
        changedBy: input.changedBy,
      },
    })),
    now,
  );
}
