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
// WAYBILL_BENCH_PROFILE=file.cpuprofile writes a CPU profile of the drain (A) to that file;
// WAYBILL_BENCH_STATEMENTS=1 prints the drain's statements by wall time.
import crypto from "node:crypto";
import fs from "node:fs";
import inspector from "node:inspector";
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
import { insertInbox, loadAcceptedMessages } from "./lib/status-backlog";
import { startStatementProfile } from "./lib/statement-profile";
import { meterDatabase, meterSelf } from "./lib/cpu-meter";
import { rerunWithWorkerFlags } from "./lib/worker-flags";
import { INGEST_DRAIN_DEFAULTS } from "@/server/config/env";

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const LIVE_RATE = Number(process.argv[3] ?? 1000);
const LIVE_SECONDS = Number(process.argv[4] ?? 60);
const BATCH_SIZE = Number(process.env.WAYBILL_INGEST_BATCH_SIZE ?? INGEST_DRAIN_DEFAULTS.batchSize);
const CONCURRENCY = Number(process.env.WAYBILL_INGEST_CONCURRENCY ?? INGEST_DRAIN_DEFAULTS.concurrency);
const TENANTS = 4;
const STATUSES_PER_MESSAGE = 3;

type TSender = { tenantId: string; senderId: string; wabaId: string; phoneNumberId: string; display: string };
type TStatus = { sender: TSender; wamid: string; status: string; atMs: number };

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

async function main() {
  // the drain loops run in this process: with the worker's Node flags, as the worker would
  rerunWithWorkerFlags();
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
      await loadAcceptedMessages(client, {
        from,
        to,
        tenantIds: senders.map((s) => s.tenantId),
        senderIds: senders.map((s) => s.senderId),
        t0: T0,
      });
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
    const statusCount = statuses.length;
    const requestCount = requests.length;
    console.log(`  ${statusCount} status events in ${requestCount} requests`);
    await insertInbox(pool, requests, new Date());
    // a worker holds none of this: kept, it would be the drain's garbage collector's work
    statuses.length = 0;
    requests.length = 0;
    redelivered.length = 0;
    const databaseName = new URL(database.url).pathname.slice(1);

    // --- A. drain the backlog
    const statements = process.env.WAYBILL_BENCH_STATEMENTS === "1" ? startStatementProfile() : null;
    const memory: { s: number; rss: number; heap: number }[] = [];
    const drainStart = performance.now();
    const drainNodeCpu = meterSelf();
    const drainDbCpu = meterDatabase(pool, databaseName);
    const profile = process.env.WAYBILL_BENCH_PROFILE ? await startProfile() : null;
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
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const report = await drainInboxOnce(drainPool, {
            batchSize: BATCH_SIZE,
            maxAttempts: 8,
            now: () => new Date(),
          });
          processed += report.claimed;
          if (report.claimed === 0) return;
          if (processed % 20_000 < BATCH_SIZE)
            process.stdout.write(`  drained ${processed} / ${requestCount} requests\r`);
        }
      }),
    );
    clearInterval(sampler);
    const drainNodeSeconds = drainNodeCpu();
    const drainDbSeconds = Object.values(await drainDbCpu()).reduce((a, b) => a + b, 0);
    if (profile) await profile.stopTo(process.env.WAYBILL_BENCH_PROFILE!);
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
    const eventsPerSecond = statusCount / drainSeconds;
    const perThousand = (seconds: number) => Math.round((seconds * 1e6) / statusCount);
    const shareOfCore = (seconds: number) => `${Math.round((100 * seconds) / drainSeconds)} % of a core`;
    const drainCpuText =
      `CPU per 1,000 events: Node ${perThousand(drainNodeSeconds)} ms (${shareOfCore(drainNodeSeconds)}), ` +
      `PostgreSQL ${perThousand(drainDbSeconds)} ms (${shareOfCore(drainDbSeconds)})`;
    console.log(
      `\nA. drained ${statusCount} status events in ${drainSeconds.toFixed(1)} s: ${Math.round(eventsPerSecond)} events/s ` +
        `(${counts.events} new ledger rows, ${counts.receipts} receipts, ${counts.orphans} orphans, ${counts.failed} rows not processed)\n   ${drainCpuText}`,
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
      `| A. backlog drained (${statusCount} status events, ${requestCount} requests, ${TENANTS} tenants) | **${Math.round(eventsPerSecond)} events/s** (${drainSeconds.toFixed(0)} s) |`,
      `| A. ${drainCpuText.replace("CPU per", "CPU spent per")} | the Node process holds the drain loops and the bench's own bookkeeping; PostgreSQL is its backends and autovacuum workers of the bench's database |`,
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
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const report = await drainInboxOnce(drainPool, {
            batchSize: BATCH_SIZE,
            maxAttempts: 8,
            now: () => new Date(),
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

/** A CPU profile of part of the run (the drain only; node --cpu-prof would hold the load too). */
async function startProfile() {
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return {
    stopTo: async (file: string) => {
      const { profile } = (await post("Profiler.stop")) as { profile: unknown };
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`\n  CPU profile of the drain written to ${file}`);
    },
  };
}
