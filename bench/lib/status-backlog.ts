// Shared by the status-processing benches: messages bulk-loaded as the ledger would have left them
// once the provider accepted them (three ledger rows, a wamid, a fold state), and raw status
// requests stored as the webhook route stores them.
import crypto from "node:crypto";
import type pg from "pg";

/**
 * Inserts messages `from` .. `to - 1` (wamid `wamid.bench.<g>`), spread over the senders in turn,
 * created 10 ms apart from `t0`: message g belongs to the sender at `g % senderIds.length`.
 */
export async function loadAcceptedMessages(
  client: pg.PoolClient,
  input: { from: number; to: number; tenantIds: readonly string[]; senderIds: readonly string[]; t0: number },
): Promise<void> {
  await client.query(ACCEPTED_MESSAGES_SQL, [
    input.from,
    input.to,
    input.tenantIds,
    input.t0,
    input.senderIds,
    input.senderIds.length,
  ]);
}

const ACCEPTED_MESSAGES_SQL = `WITH m AS (
           SELECT g, s.tenant_id, s.sender_id, gen_random_uuid() AS id, 'wamid.bench.' || g AS wamid,
                  $4::bigint + g * 10 AS t
           FROM generate_series($1::int, $2::int - 1) AS g
           JOIN unnest($3::uuid[], $5::uuid[]) WITH ORDINALITY AS s(tenant_id, sender_id, n) ON s.n = 1 + g % $6
         ), ins AS (
           INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name,
             template_language, template_category, request_payload, provider_message_id, state, state_reached_at,
             state_explanation, rules_version, attempt_count, event_count, head_hash, created_at, updated_at,
             fold_state)
           SELECT tenant_id, id, sender_id, '1555' || lpad(g::text, 7, '0'), 'template', 'order_update', 'en_US',
                  'UTILITY', '{}'::jsonb, wamid, 'accepted', to_timestamp((t + 2) / 1000.0), 'bench', 2, 1, 3,
                  md5(id::text || 3) || md5(3 || id::text), to_timestamp(t / 1000.0), to_timestamp(t / 1000.0),
                  jsonb_build_object('v', 1, 'rulesVersion', 2, 'headHash', md5(id::text || 3) || md5(3 || id::text),
                    'eventCount', 3, 'facts', jsonb_build_array(
                      jsonb_build_object('e', jsonb_build_object('id', md5(id::text || 'e1')::uuid, 'type', 'requested',
                        'source', 'api', 'providerTimestamp', null, 'recordedAt', t, 'dedupeKey', 'requested'),
                        'h', md5(id::text || 'h1') || md5('h1' || id::text)),
                      jsonb_build_object('e', jsonb_build_object('id', md5(id::text || 'e2')::uuid, 'type', 'attempt_started',
                        'source', 'worker', 'providerTimestamp', null, 'recordedAt', t + 1, 'dedupeKey', 'attempt:1:started',
                        'attempt', 1), 'h', md5(id::text || 'h2') || md5('h2' || id::text)),
                      jsonb_build_object('e', jsonb_build_object('id', md5(id::text || 'e3')::uuid, 'type', 'provider_accepted',
                        'source', 'provider_response', 'providerTimestamp', null, 'recordedAt', t + 2,
                        'dedupeKey', 'attempt:1:accepted', 'attempt', 1, 'providerMessageId', wamid),
                        'h', md5(id::text || 'h3') || md5('h3' || id::text))))
           FROM m RETURNING tenant_id, id, provider_message_id, created_at
         ), wamids AS (
           INSERT INTO message_provider_id (tenant_id, provider_message_id, message_id, attempt, created_at)
           SELECT tenant_id, provider_message_id, id, 1, created_at FROM ins
         ), events AS (
           INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, recorded_at, attempt,
             provider_message_id, body, prev_hash, hash)
           SELECT i.tenant_id, i.id, e.seq, md5(i.id::text || 'e' || e.seq)::uuid, e.type::message_event_type,
                  e.source::event_source, e.key, i.created_at + e.seq * interval '1 millisecond' - interval '1 millisecond',
                  e.attempt, CASE WHEN e.seq = 3 THEN i.provider_message_id END,
                  jsonb_strip_nulls(jsonb_build_object('id', md5(i.id::text || 'e' || e.seq)::uuid, 'messageId', i.id,
                    'type', e.type, 'source', e.source, 'recordedAt',
                    (extract(epoch FROM i.created_at) * 1000)::bigint + e.seq - 1, 'dedupeKey', e.key, 'payload', '{}'::jsonb,
                    'attempt', e.attempt, 'providerMessageId', CASE WHEN e.seq = 3 THEN i.provider_message_id END))
                    || '{"providerTimestamp": null}'::jsonb,
                  CASE WHEN e.seq = 1 THEN repeat('0', 64) ELSE md5(i.id::text || (e.seq - 1)) || md5((e.seq - 1) || i.id::text) END,
                  md5(i.id::text || e.seq) || md5(e.seq || i.id::text)
           FROM ins i
           CROSS JOIN (VALUES (1, 'requested', 'api', 'requested', NULL::int),
                              (2, 'attempt_started', 'worker', 'attempt:1:started', 1),
                              (3, 'provider_accepted', 'provider_response', 'attempt:1:accepted', 1)) AS e (seq, type, source, key, attempt)
           RETURNING tenant_id, message_id, dedupe_key, id, source, recorded_at, hash
         )
         INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at, content_hash, is_first)
         SELECT tenant_id, message_id, dedupe_key, id, source, recorded_at, hash, true FROM events`;

/** Stores raw requests as the webhook route does (verified, pending); returns their ids. */
export async function insertInbox(pool: pg.Pool, bodies: readonly string[], at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 2000) {
    const chunk = bodies.slice(i, i + 2000);
    const chunkIds = chunk.map(() => crypto.randomUUID());
    const stored = await pool.query<{ id: string }>(
      `INSERT INTO webhook_inbox (id, body, body_bytes, body_sha256, headers, received_at, available_at,
                                  signature_key_index)
       SELECT id, convert_to(body, 'UTF8'), octet_length(convert_to(body, 'UTF8')), sha256(convert_to(body, 'UTF8')),
              '{}'::jsonb, $3, $3, 0
       FROM unnest($1::uuid[], $2::text[]) AS r(id, body)
       ON CONFLICT (body_sha256) DO NOTHING
       RETURNING id::text`,
      [chunkIds, chunk, at.toISOString()],
    );
    // a byte-identical re-delivery is counted by the route, never stored twice: the same here
    ids.push(...stored.rows.map((r) => r.id));
  }
  return ids;
}
