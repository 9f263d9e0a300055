// The bulk loader shared by the console benches: N messages with INSERT ... SELECT
// generate_series over the given tenants (by share), with their wamids, 3 ledger events and 3
// receipts each, and a dispute per ~500 messages. The rows have the size and the index shape of
// real ones; their chains are not valid (benches write real ledgers through the ledger service
// where they read them).
import { performance } from "node:perf_hooks";
import type pg from "pg";

const CHUNK = 100_000;

export type TBenchTenant = { id: string; senders: string[]; share: number };

/**
 * When the messages were created: message g (0 <= g < N, across all tenants) at
 * startMs + g * spanMs / N. The default is one message a second from 2026-01-01 (1,000,000
 * messages cover 11.6 days), the layout the console-queries figures were measured on.
 */
export type TLoadTime = { startMs: number; spanMs: number };

export async function loadLargeLedger(
  pool: pg.Pool,
  tenants: readonly TBenchTenant[],
  N: number,
  time: TLoadTime = { startMs: Date.UTC(2026, 0, 1), spanMs: N * 1000 },
  options: { totalEvents?: number } = {},
) {
  const client = await pool.connect();
  try {
    await client.query("SET synchronous_commit = off");
    const loadStarted = performance.now();
    let offset = 0;
    for (const tenant of tenants) {
      const count = Math.round(N * tenant.share);
      for (let from = 0; from < count; from += CHUNK) {
        const to = Math.min(count, from + CHUNK);
        const base = offset + from;
        // one statement per chunk: states by a fixed mix, recipients from a pool of N/5 numbers
        // (people get several messages), templates from 30, created_at as `time` says
        await client.query(
          `INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name,
             template_language, template_category, request_payload, provider_message_id, state,
             state_reached_at, state_explanation, rules_version, last_error_code, attempt_count,
             event_count, head_hash, created_at, updated_at, delivery_latency_ms)
           SELECT $1::uuid, gen_random_uuid(), ($2::uuid[])[1 + (g % 2)],
                  (ARRAY['1','44','49','33','55'])[1 + (g % 5)] || lpad(((g::bigint * 7919) % $5)::text, 9, '0'),
                  'template', 'template_' || (g % 30), 'en_US', 'UTILITY', '{}'::jsonb,
                  'wamid.bench.' || g,
                  s.state::message_state,
                  ts + interval '20 seconds', 'bench', 1,
                  CASE WHEN s.state = 'failed' THEN (ARRAY['131026','131049','131047','130472'])[1 + (g % 4)] END,
                  1, 3, repeat('0', 64), ts, ts,
                  -- time to delivered: mostly seconds, a long tail up to hours
                  CASE WHEN s.state IN ('delivered', 'read')
                       THEN CASE WHEN g % 17 = 0 THEN 60000 + (g % 7200) * 1000 ELSE 500 + (g * 7919) % 30000 END END
           FROM generate_series($3::bigint, $4::bigint - 1) AS g
           CROSS JOIN LATERAL (SELECT to_timestamp($6::double precision / 1000) + (g::double precision * $7 / $8) * interval '1 millisecond' AS ts) t
           CROSS JOIN LATERAL (SELECT CASE
               WHEN g % 100 < 50 THEN 'read' WHEN g % 100 < 75 THEN 'delivered' WHEN g % 100 < 85 THEN 'sent'
               WHEN g % 100 < 92 THEN 'failed' WHEN g % 100 < 95 THEN 'accepted' WHEN g % 100 < 97 THEN 'retrying'
               WHEN g % 100 < 99 THEN 'dead_lettered' ELSE 'queued' END AS state) s`,
          [
            tenant.id,
            tenant.senders,
            base,
            base + (to - from),
            Math.max(10, Math.floor(N / 5)),
            time.startMs,
            time.spanMs,
            N,
          ],
        );
        process.stdout.write(
          `  messages ${base + (to - from)} / ${N} (${((performance.now() - loadStarted) / 1000).toFixed(0)} s)\r`,
        );
      }
      offset += count;
    }
    console.log();
    const step = async (label: string, sql: string) => {
      const start = performance.now();
      await client.query(sql);
      console.log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
    };
    await step(
      "message_provider_id",
      `INSERT INTO message_provider_id (tenant_id, provider_message_id, message_id, attempt, created_at)
       SELECT tenant_id, provider_message_id, id, 1, created_at FROM message WHERE provider_message_id LIKE 'wamid.bench.%'`,
    );
  } finally {
    client.release();
  }
  await loadLedgerRows(pool, options);
}

/**
 * The rows that follow the bulk-loaded messages: ledger events and receipts (three each, then a
 * fourth status event for chosen messages up to `totalEvents`), disputes and dead letters. Split
 * out so a load stopped after the messages can be finished (`bench/console-10m.ts --resume`).
 */
export async function loadLedgerRows(pool: pg.Pool, options: { totalEvents?: number } = {}) {
  const client = await pool.connect();
  try {
    await client.query("SET synchronous_commit = off");
    const step = async (label: string, sql: string, values: unknown[] = []) => {
      const start = performance.now();
      await client.query(sql, values);
      console.log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
    };
    // the ledger tables are filled with their indexes and keys dropped and rebuilt after: a sort
    // per index instead of millions of random index insertions (minutes instead of an hour at
    // 10,000,000 events)
    await withoutIndexes(client, ["message_event_receipt", "message_event"], async () => {
      // three ledger rows and three receipts per message: the tables' size, not valid chains (the
      // timeline is measured on the real messages below)
      await step(
        "message_event (3 per message)",
        `INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, recorded_at, attempt,
           provider_message_id, body, prev_hash, hash)
         SELECT m.tenant_id, m.id, e.seq, gen_random_uuid(), e.type::message_event_type, e.source::event_source, e.key,
                m.created_at + e.seq * interval '1 second', e.attempt, CASE WHEN e.seq = 3 THEN m.provider_message_id END,
                '{}'::jsonb, md5(m.id::text || e.seq) || md5(e.seq || m.id::text), md5(m.id::text || e.seq + 1) || md5(e.seq + 1 || m.id::text)
         FROM message m
         CROSS JOIN (VALUES (1, 'requested', 'api', 'requested', NULL::int),
                            (2, 'attempt_started', 'worker', 'attempt:1:started', 1),
                            (3, 'provider_accepted', 'provider_response', 'attempt:1:accepted', 1)) AS e (seq, type, source, key, attempt)
         WHERE m.provider_message_id LIKE 'wamid.bench.%'`,
      );
      await step(
        "message_event_receipt (1 per event)",
        `INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at, content_hash, is_first)
         SELECT tenant_id, message_id, dedupe_key, id, source, recorded_at, hash, true FROM message_event
         WHERE provider_message_id IS NULL OR provider_message_id LIKE 'wamid.bench.%'`,
      );
      if (options.totalEvents !== undefined) await addStatusEvents(client, options.totalEvents);
    });
    await step(
      "dispute (1 per 500 messages)",
      `INSERT INTO dispute (tenant_id, id, message_id, ticket_ref, status, outcome, opened_by, opened_at, resolved_by, resolved_at)
       SELECT tenant_id, gen_random_uuid(), id, 'ZD-' || row_number() OVER (), CASE WHEN n % 3 = 0 THEN 'open' ELSE 'resolved' END::dispute_status,
              CASE WHEN n % 3 = 0 THEN NULL ELSE 'delivered' END::dispute_outcome, 'user:bench', created_at + interval '1 day',
              CASE WHEN n % 3 = 0 THEN NULL ELSE 'user:bench' END, CASE WHEN n % 3 = 0 THEN NULL ELSE created_at + interval '2 days' END
       FROM (SELECT tenant_id, id, created_at, row_number() OVER () AS n FROM message
             WHERE provider_message_id LIKE 'wamid.bench.%' AND (hashtext(id::text) % 500) = 0) s`,
    );
    // the dead-letter projection (migration 007): one row per dead-lettered message, as the
    // ledger service keeps it; reasons and statuses by a fixed mix
    await step(
      "dead_letter (1 per dead-lettered message)",
      `INSERT INTO dead_letter (tenant_id, message_id, sender_number_id, content_kind, template_name,
         dead_lettered_at, dead_letter_attempt, episodes, reason, reason_class, error_code, error_title,
         status, status_at, updated_at)
       SELECT m.tenant_id, m.id, m.sender_number_id, m.content_kind, m.template_name,
              m.created_at + interval '30 seconds', 1, 1, 'bench dead letter', c.reason_class, c.code, 'bench',
              (CASE WHEN n % 10 < 7 THEN 'open' WHEN n % 10 < 8 THEN 'retry_pending'
                    WHEN n % 10 < 9 THEN 'acknowledged' ELSE 'discarded' END)::dead_letter_status,
              m.created_at + interval '1 minute', m.created_at
       FROM (SELECT m.*, row_number() OVER () AS n FROM message m WHERE m.state = 'dead_lettered' AND m.provider_message_id LIKE 'wamid.bench.%') m
       CROSS JOIN LATERAL (SELECT (ARRAY['131026','131000','131049','190','131047'])[1 + (n % 5)::int] AS code,
                                  (ARRAY['permanent','exhausted','permanent','sender','permanent'])[1 + (n % 5)::int] AS reason_class) c`,
    );
    await step("VACUUM ANALYZE", "VACUUM ANALYZE");
  } finally {
    client.release();
  }
}

/**
 * Tops the bulk-loaded ledgers up to `totalEvents` events (and one receipt each): a fourth event
 * per chosen message, `status_failed` with its error code for failed messages (the provider-error
 * reads need them) and `status_sent` for others, chosen by a hash of the id. Set-based, one
 * statement per table.
 */
async function addStatusEvents(client: pg.PoolClient, totalEvents: number) {
  {
    const {
      rows: [counts],
    } = await client.query<{ events: string; messages: string }>(
      `SELECT (SELECT count(*) FROM message_event)::text AS events,
              (SELECT count(*) FROM message WHERE provider_message_id LIKE 'wamid.bench.%')::text AS messages`,
    );
    const missing = totalEvents - Number(counts!.events);
    const messages = Number(counts!.messages);
    if (missing <= 0 || messages === 0) return;
    // failed messages always get theirs; the rest are picked by hash to make up the total
    const modulus = Math.max(1, Math.round(messages / missing));
    const started = performance.now();
    await client.query(
      `INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, provider_timestamp, recorded_at,
         attempt, provider_message_id, error_code, body, prev_hash, hash)
       SELECT m.tenant_id, m.id, 4, gen_random_uuid(), e.type::message_event_type, 'webhook'::event_source,
              'status:' || m.provider_message_id || ':' || e.status, m.created_at + interval '3 seconds',
              m.created_at + interval '4 seconds', 1, m.provider_message_id, m.last_error_code, '{}'::jsonb,
              md5(m.id::text || 4) || md5(4 || m.id::text), md5(m.id::text || 5) || md5(5 || m.id::text)
       FROM message m
       CROSS JOIN LATERAL (SELECT CASE WHEN m.state = 'failed' THEN 'status_failed' ELSE 'status_sent' END AS type,
                                  CASE WHEN m.state = 'failed' THEN 'failed' ELSE 'sent' END AS status) e
       WHERE m.provider_message_id LIKE 'wamid.bench.%'
         AND (m.state = 'failed' OR abs(hashtext(m.id::text)) % $1 = 0)`,
      [modulus],
    );
    await client.query(
      `INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at, content_hash, is_first)
       SELECT tenant_id, message_id, dedupe_key, id, source, recorded_at, hash, true FROM message_event WHERE seq = 4`,
    );
    console.log(
      `  status events (4th per chosen message): ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

/**
 * Runs `fill` with the tables' indexes, unique and primary keys and foreign keys (theirs and
 * those pointing at them) dropped, then recreates every one from its own definition. For bulk
 * loads of a scratch database only.
 */
export async function withoutIndexes(
  client: pg.PoolClient,
  tables: readonly string[],
  fill: () => Promise<void>,
) {
  const { rows: constraints } = await client.query<{
    table: string;
    name: string;
    def: string;
    type: string;
  }>(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS def, c.contype::text AS type
     FROM pg_constraint c
     WHERE c.contype IN ('p', 'u', 'f') AND (c.conrelid::regclass::text = ANY($1) OR (c.contype = 'f' AND c.confrelid::regclass::text = ANY($1)))`,
    [tables],
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
     WHERE i.tablename = ANY($1) AND i.schemaname = 'public'
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [tables],
  );
  const started = performance.now();
  const foreign = constraints.filter((c) => c.type === "f");
  const keys = constraints.filter((c) => c.type !== "f");
  for (const c of foreign) await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const c of keys) await client.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
  for (const i of indexes) await client.query(`DROP INDEX ${i.name}`);
  await fill();
  const rebuilt = performance.now();
  await client.query("SET maintenance_work_mem = '512MB'");
  for (const c of keys) await client.query(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`);
  for (const i of indexes) await client.query(i.def);
  for (const c of foreign) await client.query(`ALTER TABLE ${c.table} ADD CONSTRAINT ${c.name} ${c.def}`);
  console.log(
    `  ${tables.join(", ")}: ${constraints.length} keys and ${indexes.length} indexes rebuilt in ${((performance.now() - rebuilt) / 1000).toFixed(1)} s (whole step ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}
