// The transactional outbox's one write: events (with their dedupe keys) and their fan-out to the
// subscribed, enabled endpoints of each tenant, in ONE statement for a whole batch, inside the
// caller's transaction (the ledger append's, an alert's). An event nobody subscribes to is not
// stored; a dedupe key already stored inserts nothing (ON CONFLICT DO NOTHING), which is what
// makes firing exactly-once.
import { uuidV7 } from "@/server/ingest/uuid-v7";
import type { TSql } from "@/server/db/sql";

export type TOutboxEvent = {
  tenantId: string;
  type: string;
  dedupeKey: string;
  messageId: string | null;
  /** sender number and template of the event, for the endpoints' filters */
  senderNumberId: string | null;
  templateName: string | null;
  occurredAt: Date;
  payload: Record<string, unknown>;
};

/** Stores the events not fired before and queues one delivery per matching endpoint. */
export async function writeOutbox(sql: TSql, events: readonly TOutboxEvent[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  // ids in the batch's order (sorted UUIDv7s of one millisecond), so a message's events keep the
  // order they fired in (delivered before read, a correction before the new state)
  const ids = events.map(() => uuidV7(now.getTime())).sort();
  const rows = events.map((e, i) => ({
    tenant_id: e.tenantId,
    id: ids[i],
    type: e.type,
    message_id: e.messageId,
    dedupe_key: e.dedupeKey,
    payload: e.payload,
    occurred_at: e.occurredAt.toISOString(),
    sender_number_id: e.senderNumberId,
    template_name: e.templateName,
  }));
  const result = await sql.query<{ n: number }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, id uuid, type text, message_id uuid,
         dedupe_key text, payload jsonb, occurred_at timestamptz, sender_number_id uuid, template_name text)
     ), matches AS (
       SELECT i.id AS event_id, i.tenant_id, e.id AS endpoint_id
       FROM input i
       JOIN webhook_endpoint e ON e.tenant_id = i.tenant_id AND e.is_enabled AND i.type = ANY (e.event_types)
        AND (cardinality(e.sender_number_ids) = 0 OR i.sender_number_id = ANY (e.sender_number_ids))
        AND (cardinality(e.template_names) = 0 OR i.template_name = ANY (e.template_names))
     ), stored AS (
       INSERT INTO trigger_event (tenant_id, id, type, message_id, dedupe_key, payload, occurred_at, created_at)
       SELECT i.tenant_id, i.id, i.type, i.message_id, i.dedupe_key, i.payload, i.occurred_at, $2
       FROM input i WHERE EXISTS (SELECT 1 FROM matches m WHERE m.event_id = i.id)
       ON CONFLICT (tenant_id, dedupe_key) DO NOTHING
       RETURNING tenant_id, id
     ), queued AS (
       INSERT INTO webhook_delivery (tenant_id, id, event_id, endpoint_id, status, next_attempt_at, created_at, updated_at)
       SELECT m.tenant_id, gen_random_uuid(), m.event_id, m.endpoint_id, 'pending', $2, $2, $2
       FROM matches m JOIN stored s ON s.tenant_id = m.tenant_id AND s.id = m.event_id
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM queued)::int AS n`,
    [JSON.stringify(rows), now],
  );
  return result[0]?.n ?? 0;
}
