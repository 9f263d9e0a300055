// Status processing at platform speed, on a fresh database (DATABASE_URL's server, or an embedded
// PostgreSQL):
//   A. backlog: N status events stored as raw webhook requests (1-3 statuses per request, 5%
//      re-delivered, 10% out of order, 1% orphans, several tenants), drained by the worker's drain
//      loops into the ledger (events, receipts, projections, dead letters, rollup deltas);
//      events/s and the drainer process's memory over the run;
//   B. live rate: requests arriving at a fixed rate of status events/s while the loops drain;
//      processing lag (stored -> committed in the ledger) p50/p99;
//   C. the same-run ceiling: the status rows the drain wrote (events and receipts), copied with
//      COPY into tables of the same shape (same indexes), so A is read as a ratio of it.
// The message rows the statuses belong to are bulk-loaded beforehand, already accepted by the
// provider, with a fold state (as every message written by the ledger has).
// Run: npx tsx bench/process.ts [events=1000000] [liveRate=1000] [liveSeconds=60]
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { createSecretBox } from "@/server/platform/secret-box";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import { installProjectors } from "@/server/services/projectors";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { entry, envelope, messagesChange, statusItem } from "@/tests/factories/webhooks";
import { createTestDatabase } from "@/tests/setup/test-database";
import { percentile, writeResultsSection } from "./lib/results";
import { startStatementProfile } from "./lib/statement-profile";

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const LIVE_RATE = Number(process.argv[3] ?? 1000);
const LIVE_SECONDS = Number(process.argv[4] ?? 60);
const BATCH_SIZE = Number(process.env.WAYBILL_INGEST_BATCH_SIZE ?? 200);
const CONCURRENCY = Number(process.env.WAYBILL_INGEST_CONCURRENCY ?? 2);
// the loops' lanes (as the worker runs them); BENCH_NO_LANES=1 measures loops without them
const LANES = process.env.BENCH_NO_LANES !== "1";
const TENANTS = 4;
const STATUSES_PER_MESSAGE = 3;

type TSender = { tenantId: string; senderId: string; wabaId: string; phoneNumberId: string; display: string };
type TStatus = { sender: TSender; wamid: string; status: string; atMs: number };

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

async function main() {
  const database = await createTestDatabase("process");
  installProjectors();
  const db = createDb(database.url, { max: CONCURRENCY + 2 });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // the drain loops' own connections, as the worker's
  const drainPool = new pg.Pool({ connectionString: database.url, max: CONCURRENCY + 1 });
  drainPool.on("error", (error) => console.warn(`drain pool: ${error.message}`));
  // an idle connection closed by the server (another run's cleanup) is not this bench's failure
  pool.on("error", (error) => console.warn(`pool: ${error.message}`));
  const started = new Date();
  const load = os.loadavg();
  try {
    const box = createSecretBox(crypto.randomBytes(32).toString("base64"));
    const senders: TSender[] = [];
    for (let t = 0; t < TENANTS; t += 1) {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, box, tenant.id);
      senders.push({
        tenantId: tenant.id,
        senderId: sender.id,
        wabaId: sender.wabaId,
        phoneNumberId: sender.phoneNumberId,
        display: sender.displayNumber,
      });
    }

    // --- the messages: accepted by the provider, with their three ledger rows and fold state
    const messages = Math.ceil(EVENTS / STATUSES_PER_MESSAGE / 1.05);
    const T0 = Date.now() - 3_600_000;
    const loadStart = performance.now();
    const client = await pool.connect();
    await client.query("SET synchronous_commit = off");
    const CHUNK = 50_000;
    for (let from = 0; from < messages; from += CHUNK) {
      const to = Math.min(messages, from + CHUNK);
      await client.query(
        `WITH m AS (
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
         SELECT tenant_id, message_id, dedupe_key, id, source, recorded_at, hash, true FROM events`,
        [from, to, senders.map((s) => s.tenantId), T0, senders.map((s) => s.senderId), senders.length],
      );
      process.stdout.write(`  messages ${to} / ${messages}\r`);
    }
    await client.query("VACUUM ANALYZE");
    client.release();
    console.log(
      `\n  ${messages} messages loaded in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`,
    );

    // --- the statuses: per message sent, delivered, read (3% sent, failed); 1% orphans (unknown
    // wamids); shuffled within windows of 50 (10% out of order), 5% re-delivered later, then cut
    // into requests of 1-3 statuses
    const rand = mulberry32(42);
    const statuses: TStatus[] = [];
    for (let g = 0; statuses.length < EVENTS * 0.95; g += 1) {
      const sender = senders[g % senders.length]!;
      const isOrphan = rand() < 0.01;
      const wamid = isOrphan ? `wamid.orphan.${g}` : `wamid.bench.${g % messages}`;
      const at = T0 + g * 10 + 5_000;
      const chain = rand() < 0.03 ? ["sent", "failed"] : ["sent", "delivered", "read"];
      chain.forEach((status, i) => statuses.push({ sender, wamid, status, atMs: at + i * 1000 }));
    }
    for (let i = 0; i < statuses.length; i += 50) {
      if (rand() >= 0.1 * 3) continue; // about 10% of statuses land in a shuffled window
      const window = statuses.slice(i, i + 50);
      shuffle(window, rand);
      statuses.splice(i, window.length, ...window);
    }
    const redelivered = statuses.filter(() => rand() < 0.05);
    for (const status of redelivered) {
      const at = Math.min(statuses.length, Math.floor(rand() * statuses.length) + 500);
      statuses.splice(at, 0, status);
    }
    const requests: string[] = [];
    for (let i = 0; i < statuses.length;) {
      const n = 1 + Math.floor(rand() * 3);
      requests.push(requestBody(statuses.slice(i, i + n)));
      i += n;
    }
    console.log(`  ${statuses.length} status events in ${requests.length} requests`);
    await insertInbox(pool, requests, new Date());

    // --- A. drain the backlog
    const statements = process.env.WAYBILL_BENCH_STATEMENTS === "1" ? startStatementProfile() : null;
    const memory: { s: number; rss: number; heap: number }[] = [];
    const drainStart = performance.now();
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      memory.push({
        s: Math.round((performance.now() - drainStart) / 1000),
        rss: mb(m.rss),
        heap: mb(m.heapUsed),
      });
    }, 10_000);
    let processed = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, index) => {
        for (;;) {
          const report = await drainInboxOnce(drainPool, {
            batchSize: BATCH_SIZE,
            maxAttempts: 8,
            now: () => new Date(),
            lane: LANES ? { index, count: CONCURRENCY } : undefined,
          });
          processed += report.claimed;
          if (report.claimed === 0) return;
          if (processed % 20_000 < BATCH_SIZE)
            process.stdout.write(`  drained ${processed} / ${requests.length} requests\r`);
        }
      }),
    );
    clearInterval(sampler);
    if (statements) console.log(`\nstatements of A, by wall time:\n${statements.report()}`);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const counts = (
      await pool.query<{ events: number; receipts: number; orphans: number; failed: number; deltas: number }>(
        `SELECT (SELECT count(*)::int FROM message_event WHERE type::text LIKE 'status_%') AS events,
                (SELECT count(*)::int FROM message_event_receipt WHERE dedupe_key LIKE 'status:%') AS receipts,
                (SELECT count(*)::int FROM webhook_orphan_status) AS orphans,
                (SELECT count(*)::int FROM webhook_inbox WHERE status <> 'processed') AS failed,
                (SELECT count(*)::int FROM insight_delta) AS deltas`,
      )
    ).rows[0]!;
    const eventsPerSecond = statuses.length / drainSeconds;
    console.log(
      `\nA. drained ${statuses.length} status events in ${drainSeconds.toFixed(1)} s: ${Math.round(eventsPerSecond)} events/s ` +
        `(${counts.events} new ledger rows, ${counts.receipts} receipts, ${counts.orphans} orphans, ${counts.failed} rows not processed)`,
    );

    // --- C. the ceiling: COPY of the same rows into tables of the same shape
    const copy = await copyCeiling(pool);
    console.log(
      `C. COPY of the same ${copy.rows} rows: ${copy.seconds.toFixed(1)} s (${Math.round(copy.eventsPerSecond)} status events/s)`,
    );

    // --- B. live rate
    const live = await liveRun(db, pool, senders, messages, T0);
    console.log(
      `B. live ${LIVE_RATE} events/s for ${LIVE_SECONDS} s: lag p50 ${live.p50} ms, p99 ${live.p99} ms, max ${live.max} ms`,
    );

    const drift = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM message m
       WHERE m.fold_state IS NOT NULL AND (m.fold_state->>'eventCount')::int <> m.event_count`,
    );
    const section = [
      "## Status processing (bench/process.ts)",
      "",
      `Run ${started.toISOString()} with \`npx tsx bench/process.ts ${EVENTS} ${LIVE_RATE} ${LIVE_SECONDS}\`: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ` +
        `${Math.round(os.totalmem() / 2 ** 30)} GiB, PostgreSQL on the same machine, load average at start ${load.map((l) => l.toFixed(1)).join(" / ")} ` +
        `(the machine is shared with other agents' builds and tests: figures are a floor). Drain: ${CONCURRENCY} loops, batches of ${BATCH_SIZE} requests.`,
      "",
      "| measure | figure |",
      "| --- | --- |",
      `| A. backlog drained (${statuses.length} status events, ${requests.length} requests, ${TENANTS} tenants) | **${Math.round(eventsPerSecond)} events/s** (${drainSeconds.toFixed(0)} s) |`,
      `| written | ${counts.events} ledger rows, ${counts.receipts} receipts, ${counts.orphans} orphans parked, ${counts.deltas} rollup deltas, ${counts.failed} requests not processed |`,
      `| C. same-run ceiling: COPY of the same ${copy.rows} event and receipt rows into same-shaped tables | ${Math.round(copy.eventsPerSecond)} events/s (${copy.seconds.toFixed(1)} s): A is **${((100 * eventsPerSecond) / copy.eventsPerSecond).toFixed(0)}%** of it |`,
      `| B. live ${LIVE_RATE} events/s for ${LIVE_SECONDS} s, lag stored -> committed | p50 **${live.p50} ms**, p99 **${live.p99} ms**, max ${live.max} ms (${live.events} events) |`,
      `| drainer memory over A (every 10 s: rss / heap MiB) | ${memory.map((m) => `${m.rss}/${m.heap}`).join(", ")} |`,
      `| fold states out of step with the row | ${drift.rows[0]!.n} |`,
      "",
    ].join("\n");
    writeResultsSection("## Status processing (bench/process.ts)", section);
  } finally {
    await db.$disconnect();
    await pool.end();
    await drainPool.end();
    await database.dispose();
  }

  function requestBody(items: readonly TStatus[]): string {
    const bySender = new Map<TSender, TStatus[]>();
    for (const item of items) bySender.set(item.sender, [...(bySender.get(item.sender) ?? []), item]);
    return JSON.stringify(
      envelope(
        [...bySender].map(([sender, list]) =>
          entry(sender.wabaId, [
            messagesChange(sender.phoneNumberId, sender.display, {
              statuses: list.map((s) =>
                statusItem(
                  s.wamid,
                  s.status,
                  s.atMs,
                  s.status === "failed"
                    ? {
                        errors: [
                          { code: 131026, title: "Message undeliverable", message: "Message undeliverable" },
                        ],
                      }
                    : {},
                ),
              ),
            }),
          ]),
        ),
      ),
    );
  }

  async function liveRun(
    database: typeof db,
    pgPool: pg.Pool,
    liveSenders: readonly TSender[],
    messageCount: number,
    t0: number,
  ) {
    const storedAt = new Map<string, number>();
    const lags: number[] = [];
    let isDone = false;
    let g = 0;
    const producer = (async () => {
      const tickMs = 100;
      const perTick = LIVE_RATE / (1000 / tickMs);
      const end = performance.now() + LIVE_SECONDS * 1000;
      for (let tick = 0; performance.now() < end; tick += 1) {
        const due = performance.now() + tickMs;
        const items: TStatus[] = [];
        for (let i = 0; i < perTick; i += 1, g += 1) {
          const sender = liveSenders[g % liveSenders.length]!;
          // new facts for known messages: played after read (no earlier receipt of it)
          items.push({
            sender,
            wamid: `wamid.bench.${g % messageCount}`,
            status: "played",
            atMs: t0 + 9_000_000 + g,
          });
        }
        const bodies: string[] = [];
        for (let i = 0; i < items.length;) {
          const n = 1 + (i % 3);
          bodies.push(requestBody(items.slice(i, i + n)));
          i += n;
        }
        const ids = await insertInbox(pgPool, bodies, new Date());
        const now = Date.now();
        ids.forEach((id) => storedAt.set(id, now));
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
      isDone = true;
    })();
    let events = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, index) => {
        for (;;) {
          const report = await drainInboxOnce(drainPool, {
            batchSize: BATCH_SIZE,
            maxAttempts: 8,
            now: () => new Date(),
            lane: LANES ? { index, count: CONCURRENCY } : undefined,
          });
          const committed = Date.now();
          for (const id of report.claimedIds ?? []) {
            const at = storedAt.get(id);
            if (at !== undefined) lags.push(committed - at);
          }
          events += report.claimed;
          if (report.claimed === 0) {
            if (isDone) return;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }),
    );
    await producer;
    lags.sort((a, b) => a - b);
    return {
      p50: Math.round(percentile(lags, 50)),
      p99: Math.round(percentile(lags, 99)),
      max: Math.round(lags.at(-1) ?? 0),
      events: Math.round(g),
      requests: events,
    };
  }
}

/** Stores raw requests as the webhook route does (verified, pending); returns their ids. */
async function insertInbox(pool: pg.Pool, bodies: readonly string[], at: Date): Promise<string[]> {
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

/** COPY of the drain's status rows (events and receipts) into same-shaped tables, timed. */
async function copyCeiling(
  pool: pg.Pool,
): Promise<{ rows: number; seconds: number; eventsPerSecond: number }> {
  const client = await pool.connect();
  try {
    await client.query(
      `CREATE TEMP TABLE src_event AS SELECT * FROM message_event WHERE type::text LIKE 'status_%'`,
    );
    await client.query(
      `CREATE TEMP TABLE src_receipt AS SELECT * FROM message_event_receipt WHERE dedupe_key LIKE 'status:%'`,
    );
    await client.query(`CREATE TABLE copy_event (LIKE message_event INCLUDING ALL)`);
    await client.query(`CREATE TABLE copy_receipt (LIKE message_event_receipt INCLUDING ALL)`);
    const events = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM src_event`)).rows[0]!.n;
    const receipts = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM src_receipt`))
      .rows[0]!.n;
    // COPY out to a file on the server, then COPY in: the ceiling for the rows alone
    const dir = `/tmp/waybill-copy-${crypto.randomBytes(3).toString("hex")}`;
    try {
      await client.query(`COPY src_event TO '${dir}-e.copy'`);
      await client.query(`COPY src_receipt TO '${dir}-r.copy'`);
      const t0 = performance.now();
      await client.query(`COPY copy_event FROM '${dir}-e.copy'`);
      await client.query(`COPY copy_receipt FROM '${dir}-r.copy'`);
      const seconds = (performance.now() - t0) / 1000;
      return { rows: events + receipts, seconds, eventsPerSecond: receipts / seconds };
    } catch {
      // a server that may not write files (not superuser): INSERT ... SELECT, the same work in-server
      const t0 = performance.now();
      await client.query(`INSERT INTO copy_event SELECT * FROM src_event`);
      await client.query(`INSERT INTO copy_receipt SELECT * FROM src_receipt`);
      const seconds = (performance.now() - t0) / 1000;
      return { rows: events + receipts, seconds, eventsPerSecond: receipts / seconds };
    }
  } finally {
    client.release();
  }
}

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], rand: () => number) {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
