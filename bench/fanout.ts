// Business-trigger fan-out under load, on a fresh database (DATABASE_URL's server, or an embedded
// PostgreSQL). Every phase processes status webhooks (sent, delivered, read per message) stored as
// raw requests, through the worker's drain loops into the ledger and its projectors:
//   A0. backlog, no endpoints: processing throughput (status events/s), the same-run baseline;
//   B0. live, no endpoints: requests arriving at a fixed rate of state changes/s; processing lag
//       (stored -> committed) p50/p99;
//   then 20 endpoints (spread over the tenants) subscribe to message.delivered, .read and .failed,
//   each a local HTTP receiver in a child process, and the worker's delivery loop starts;
//   A1. the same backlog again with the outbox fanning out and the delivery loop posting: throughput
//       as a ratio of A0, and how long the deliveries it queued take to drain;
//   B1. the same live rate with the endpoints: processing lag, and delivery lag (the state change's
//       commit, when the outbox row is written -> the receiver has the request) p50/p99.
// Ratios within the run are the result: the machine is shared, so absolute figures are a floor.
// Run: npx tsx bench/fanout.ts [--events 6000] [--rate 1000] [--seconds 10] [--endpoints 20]
//                              [--tenants 4] [--endpoint-concurrency 4] [--no-write]
// Results: bench/RESULTS.md ("Trigger fan-out").
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { createLogger } from "@/server/platform/logger";
import { createSecretBox } from "@/server/platform/secret-box";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import { rerunWithWorkerFlags } from "./lib/worker-flags";
import { installProjectors } from "@/server/services/projectors";
import { startDeliveryLoop } from "@/server/services/triggers/deliver";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { entry, envelope, messagesChange, statusItem } from "@/tests/factories/webhooks";
import { createTestDatabase } from "@/tests/setup/test-database";
import { describeMachine, loadNow, today } from "./lib/machine";
import { percentile, writeResultsSection } from "./lib/results";
import { insertInbox, loadAcceptedMessages } from "./lib/status-backlog";
import { INGEST_DRAIN_DEFAULTS } from "@/server/config/env";

const HERE = fileURLToPath(import.meta.url);

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const ROLE = flag("role", "bench");
const EVENTS = Number(flag("events", "6000"));
const RATE = Number(flag("rate", "1000"));
const SECONDS = Number(flag("seconds", "10"));
const ENDPOINTS = Number(flag("endpoints", "20"));
const TENANTS = Number(flag("tenants", "4"));
const ENDPOINT_CONCURRENCY = Number(flag("endpoint-concurrency", "4"));
const IS_WRITING = !process.argv.includes("--no-write");
// the worker's defaults (server/config/env.ts)
const DRAIN_BATCH = Number(process.env.WAYBILL_INGEST_BATCH_SIZE ?? INGEST_DRAIN_DEFAULTS.batchSize);
const DRAIN_LOOPS = Number(process.env.WAYBILL_INGEST_CONCURRENCY ?? INGEST_DRAIN_DEFAULTS.concurrency);
const DELIVERY_CONCURRENCY = Number(process.env.WAYBILL_WEBHOOK_DELIVERY_CONCURRENCY ?? 64);
const DELIVERY_POLL_MS = Number(process.env.WAYBILL_WEBHOOK_DELIVERY_POLL_MS ?? 250);
// sent, delivered, read: two of the three fire (message.sent is no trigger)
const STATUSES = ["sent", "delivered", "read"] as const;
const FIRING_PER_MESSAGE = 2;
const DELIVERY_DRAIN_LIMIT_MS = 10 * 60_000;

type TSender = { tenantId: string; senderId: string; wabaId: string; phoneNumberId: string; display: string };
type TStatus = { sender: TSender; wamid: string; status: string; atMs: number };
type TReceiverReport = { received: [string, number][]; total: number };

// ---------- child: the endpoints' receivers, out of the worker's process as real ones are ----------
async function serveReceivers() {
  let received: [string, number][] = [];
  let total = 0;
  const ports: number[] = [];
  for (let i = 0; i < ENDPOINTS; i += 1) {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        total += 1;
        // the same event reaches each of its tenant's endpoints: repeats are counted per receiver
        received.push([`${i}:${String(req.headers["webhook-id"] ?? "")}`, Date.now()]);
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.on("message", (message) => {
    if (message === "report") {
      process.send?.({ received, total } satisfies TReceiverReport);
      received = [];
    }
    if (message === "stop") process.exit(0);
  });
  process.send?.({ ports });
}

function startReceivers(): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", HERE, "--role", "receivers", ...process.argv.slice(2)],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  return new Promise((resolve, reject) => {
    child.once("message", (message) => resolve({ child, ports: (message as { ports: number[] }).ports }));
    child.once("exit", (code) => reject(new Error(`receivers exited with ${code}`)));
  });
}

function receiverReport(child: ChildProcess): Promise<TReceiverReport> {
  return new Promise((resolve) => {
    child.once("message", (message) => resolve(message as TReceiverReport));
    child.send("report");
  });
}

// ---------- the bench ----------
async function main() {
  // the drain loops run in this process: with the worker's Node flags, as the worker would
  rerunWithWorkerFlags();
  const database = await createTestDatabase("fanout");
  installProjectors();
  const db = createDb(database.url, { max: 4 });
  // the delivery loop's own connections, as in the worker
  const deliveryDb = createDb(database.url, { max: 6 });
  const deliveryPool = new pg.Pool({ connectionString: database.url, max: 3 });
  deliveryPool.on("error", (error) => console.warn(`delivery pool: ${error.message}`));
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const drainPool = new pg.Pool({ connectionString: database.url, max: DRAIN_LOOPS + 1 });
  // an idle connection closed by the server (another run's cleanup) is not this bench's failure
  pool.on("error", (error) => console.warn(`pool: ${error.message}`));
  drainPool.on("error", (error) => console.warn(`drain pool: ${error.message}`));
  const receivers = await startReceivers();
  const loadAtStart = loadNow();
  const senders: TSender[] = [];
  const T0 = Date.now() - 3_600_000;
  const statusOf = (g: number, i: number): TStatus => ({
    sender: senders[g % senders.length]!,
    wamid: `wamid.bench.${g}`,
    status: STATUSES[i]!,
    atMs: T0 + g * 10 + 5_000 + i * 1000,
  });

  const started = today();
  try {
    const box = createSecretBox(crypto.randomBytes(32).toString("base64"));
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

    // message ranges: A0, A1 (the backlogs), B0, B1 (the live runs), disjoint and alike
    const backlogMessages = Math.ceil(EVENTS / STATUSES.length);
    const liveMessages = Math.ceil((RATE * SECONDS) / STATUSES.length) + RATE;
    const ranges = {
      a0: { from: 0, to: backlogMessages },
      a1: { from: backlogMessages, to: 2 * backlogMessages },
      b0: { from: 2 * backlogMessages, to: 2 * backlogMessages + liveMessages },
      b1: { from: 2 * backlogMessages + liveMessages, to: 2 * backlogMessages + 2 * liveMessages },
    };
    const client = await pool.connect();
    await client.query("SET synchronous_commit = off");
    for (let from = 0; from < ranges.b1.to; from += 20_000) {
      await loadAcceptedMessages(client, {
        from,
        to: Math.min(ranges.b1.to, from + 20_000),
        tenantIds: senders.map((s) => s.tenantId),
        senderIds: senders.map((s) => s.senderId),
        t0: T0,
      });
    }
    await client.query("VACUUM ANALYZE");
    client.release();
    console.log(`  ${ranges.b1.to} accepted messages loaded over ${TENANTS} tenants`);

    /** requests of 1-3 statuses, each message's statuses in order */
    const backlogRequests = (range: { from: number; to: number }) => {
      const items: TStatus[] = [];
      for (let i = 0; i < STATUSES.length; i += 1)
        for (let g = range.from; g < range.to; g += 1) items.push(statusOf(g, i));
      const bodies: string[] = [];
      for (let i = 0, n = 1; i < items.length; i += n, n = 1 + (n % 3))
        bodies.push(requestBody(items.slice(i, i + n)));
      return { bodies, statuses: items.length };
    };

    // --- A0. backlog without endpoints
    const a0 = await backlogRun(backlogRequests(ranges.a0));
    console.log(
      `A0. no endpoints: ${a0.statuses} status events in ${a0.seconds.toFixed(1)} s, ${a0.perSecond} /s`,
    );

    // --- B0. live without endpoints
    const b0 = await liveRun(ranges.b0);
    console.log(`B0. live ${RATE}/s, no endpoints: processing lag p50 ${b0.p50} ms, p99 ${b0.p99} ms`);

    // --- the endpoints and the delivery loop
    const actor = { kind: "cli", label: "bench" } as const;
    for (let i = 0; i < ENDPOINTS; i += 1) {
      await createEndpoint(
        db,
        box,
        actor,
        {
          tenantId: senders[i % senders.length]!.tenantId,
          url: `http://127.0.0.1:${receivers.ports[i]!}/hook`,
          description: `bench receiver ${i}`,
          eventTypes: ["message.delivered", "message.read", "message.failed"],
          senderNumberIds: [],
          templateNames: [],
          includeFullNumbers: false,
          maxConcurrency: ENDPOINT_CONCURRENCY,
        },
        { allowHttp: true },
        new Date(),
      );
    }
    const loop = startDeliveryLoop(
      { db: deliveryDb, pool: deliveryPool, box, log: createLogger("bench-delivery", "warn") },
      {
        concurrency: DELIVERY_CONCURRENCY,
        timeoutMs: 15_000,
        pollMs: DELIVERY_POLL_MS,
        disableAfterMs: 24 * 3_600_000,
        publicBaseUrl: null,
      },
    );
    try {
      // --- A1. the same backlog, fanning out while the loop posts
      const a1 = await backlogRun(backlogRequests(ranges.a1));
      const a1Deliveries = await waitForDeliveries();
      const a1Report = await receiverReport(receivers.child);
      console.log(
        `A1. ${ENDPOINTS} endpoints: ${a1.perSecond} /s (${((100 * a1.perSecond) / a0.perSecond).toFixed(0)}% of A0); ` +
          `${a1Deliveries.count} deliveries drained ${a1Deliveries.seconds.toFixed(1)} s after the backlog`,
      );

      // --- B1. live with the endpoints
      const b1Start = new Date();
      const b1 = await liveRun(ranges.b1);
      const b1Deliveries = await waitForDeliveries();
      const b1Report = await receiverReport(receivers.child);
      const lag = await deliveryLag(b1Report.received, b1Start);
      console.log(
        `B1. live ${RATE}/s, ${ENDPOINTS} endpoints: processing lag p50 ${b1.p50} ms, p99 ${b1.p99} ms; ` +
          `delivery lag p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (${lag.count} deliveries)`,
      );
      const counts = (
        await pool.query<{
          events: number;
          deliveries: number;
          attempts: number;
          failed: number;
          pending: number;
        }>(
          `SELECT (SELECT count(*)::int FROM trigger_event) AS events,
                  (SELECT count(*)::int FROM webhook_delivery) AS deliveries,
                  (SELECT count(*)::int FROM webhook_attempt) AS attempts,
                  (SELECT count(*)::int FROM webhook_attempt WHERE error IS NOT NULL) AS failed,
                  (SELECT count(*)::int FROM webhook_delivery WHERE status <> 'succeeded') AS pending`,
        )
      ).rows[0]!;
      const expected =
        (ranges.a1.to - ranges.a1.from) * FIRING_PER_MESSAGE * (ENDPOINTS / TENANTS) +
        b1.messagesTouched * FIRING_PER_MESSAGE * (ENDPOINTS / TENANTS);
      const received = a1Report.received.length + b1Report.received.length;
      const uniqueIds = new Set([...a1Report.received, ...b1Report.received].map(([id]) => id)).size;
      console.log(
        `  ${counts.events} trigger events, ${counts.deliveries} deliveries (${expected} expected), ` +
          `${received} requests received, ${counts.attempts} attempts (${counts.failed} failed), ${counts.pending} not succeeded`,
      );

      const offered = Math.round(((RATE * FIRING_PER_MESSAGE) / STATUSES.length) * (ENDPOINTS / TENANTS));
      const ratio = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
      const section = [
        "## Trigger fan-out (bench/fanout.ts)",
        "",
        `Run ${started} with \`npx tsx bench/fanout.ts --events ${EVENTS} --rate ${RATE} --seconds ${SECONDS} ` +
          `--endpoints ${ENDPOINTS} --tenants ${TENANTS} --endpoint-concurrency ${ENDPOINT_CONCURRENCY}\`: ` +
          `${await describeMachine(pool)}; ${loadAtStart} at the start, ${loadNow()} at the end (the machine is ` +
          "shared with other engineers' builds and tests, so absolute figures are a floor and the ratios within " +
          `the run are the result). Drain: ${DRAIN_LOOPS} loops, batches of ${DRAIN_BATCH} requests; delivery loop: ` +
          `${DELIVERY_CONCURRENCY} in flight, poll ${DELIVERY_POLL_MS} ms; the receivers (node:http, answering 200) ` +
          `in a child process. ${ENDPOINTS} endpoints over ${TENANTS} tenants subscribe to message.delivered, ` +
          `message.read and message.failed, so each delivered or read status fans out to ${ENDPOINTS / TENANTS} ` +
          "deliveries; each message gets sent, delivered and read (two of three state changes fire).",
        "",
        "| measure | without endpoints | with endpoints | effect |",
        "| --- | --- | --- | --- |",
        `| backlog of ${a0.statuses} status events, processing throughput | ${a0.perSecond} events/s | ` +
          `${a1.perSecond} events/s | **${ratio(a1.perSecond, a0.perSecond)}** of the baseline |`,
        `| live ${RATE} state changes/s for ${SECONDS} s, processing lag (stored -> committed) p50 / p99 | ` +
          `${b0.p50} / ${b0.p99} ms | ${b1.p50} / ${b1.p99} ms | |`,
        `| live: delivery lag (state change committed -> receiver has it) p50 / p99 / max | | ` +
          `${lag.p50} / **${lag.p99}** / ${lag.max} ms (${lag.count} deliveries, ` +
          `${Math.round(lag.count / lag.spanSeconds)}/s) | |`,
        `| backlog's deliveries (${a1Deliveries.count}) still to post when its processing ended | | ` +
          `drained in ${a1Deliveries.seconds.toFixed(1)} s | |`,
        `| live run's deliveries still to post when its processing ended | | ` +
          `drained in ${b1Deliveries.seconds.toFixed(1)} s | |`,
        `| written and received | | ${counts.events} trigger events, ${counts.deliveries} deliveries ` +
          `(${expected} expected), ${counts.attempts} attempts (${counts.failed} failed), ${received} requests ` +
          `received (${received - uniqueIds} repeated webhook-ids), ${counts.pending} deliveries not succeeded | |`,
        "",
        `Reading: the live run offers ${offered} deliveries/s (${RATE} state changes/s, two in three firing, ` +
          `${ENDPOINTS / TENANTS} endpoints each); the delivery loop posted and recorded ` +
          `${Math.round(a1Deliveries.count / a1Deliveries.seconds)}/s after the backlog. Below the offered rate ` +
          "the outbox grows for as long as the run lasts, so the delivery lag's p99 measures that queue (it " +
          "grows with --seconds), not the path of one event." +
          (a1.perSecond >= a0.perSecond
            ? " The backlog was processed no slower with the endpoints: the outbox's cost is within this run's noise."
            : ""),
        "",
      ].join("\n");
      if (IS_WRITING) writeResultsSection("## Trigger fan-out (bench/fanout.ts)", section);
      else console.log(section);
    } finally {
      await loop.stop();
    }
  } finally {
    receivers.child.send("stop");
    await db.$disconnect();
    await deliveryDb.$disconnect();
    await deliveryPool.end();
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
              statuses: list.map((s) => statusItem(s.wamid, s.status, s.atMs)),
            }),
          ]),
        ),
      ),
    );
  }

  async function drainOnce() {
    return drainInboxOnce(drainPool, { batchSize: DRAIN_BATCH, maxAttempts: 8, now: () => new Date() });
  }

  async function backlogRun(requests: { bodies: string[]; statuses: number }) {
    await insertInbox(pool, requests.bodies, new Date());
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: DRAIN_LOOPS }, async () => {
        while ((await drainOnce()).claimed > 0);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { statuses: requests.statuses, seconds, perSecond: Math.round(requests.statuses / seconds) };
  }

  /** Statuses of `range`'s messages arrive at RATE/s (each message's in order) while the loops drain. */
  async function liveRun(range: { from: number; to: number }) {
    const storedAt = new Map<string, number>();
    const lags: number[] = [];
    let isDone = false;
    let sent = 0;
    const producer = (async () => {
      const tickMs = 100;
      const perTick = RATE / (1000 / tickMs);
      const end = performance.now() + SECONDS * 1000;
      while (performance.now() < end) {
        const due = performance.now() + tickMs;
        const items: TStatus[] = [];
        // the messages in play rotate through sent, delivered, read: a status every tick per 3 messages
        for (let i = 0; i < perTick; i += 1, sent += 1) {
          const step = Math.floor(sent / perTick);
          const g = range.from + Math.floor(sent / (perTick * STATUSES.length)) * perTick + (sent % perTick);
          items.push(statusOf(g, step % STATUSES.length));
        }
        const bodies: string[] = [];
        for (let i = 0, n = 1; i < items.length; i += n, n = 1 + (n % 3))
          bodies.push(requestBody(items.slice(i, i + n)));
        const ids = await insertInbox(pool, bodies, new Date());
        const now = Date.now();
        for (const id of ids) storedAt.set(id, now);
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
      isDone = true;
    })();
    await Promise.all(
      Array.from({ length: DRAIN_LOOPS }, async () => {
        for (;;) {
          const report = await drainOnce();
          const committed = Date.now();
          for (const id of report.claimedIds ?? []) {
            const at = storedAt.get(id);
            if (at !== undefined) lags.push(committed - at);
          }
          if (report.claimed === 0) {
            if (isDone) return;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      }),
    );
    await producer;
    lags.sort((a, b) => a - b);
    const perTick = RATE / 10;
    // messages that got their delivered and read (the last, partial group may have only some)
    const messagesTouched = Math.floor(sent / (perTick * STATUSES.length)) * perTick;
    return {
      p50: Math.round(percentile(lags, 50)),
      p99: Math.round(percentile(lags, 99)),
      statuses: sent,
      messagesTouched,
      rest: sent - messagesTouched * STATUSES.length,
    };
  }

  /** Waits until no delivery is pending; how many there were and how long it took. */
  async function waitForDeliveries() {
    const t0 = performance.now();
    const pendingNow = async () =>
      (
        await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'pending'`,
        )
      ).rows[0]!.n;
    const count = await pendingNow();
    for (let n = count; n > 0 && performance.now() - t0 < DELIVERY_DRAIN_LIMIT_MS; n = await pendingNow())
      await new Promise((r) => setTimeout(r, 200));
    return { count, seconds: (performance.now() - t0) / 1000 };
  }

  /** Receiver arrival minus the outbox row's creation (the state change's commit), per delivery. */
  async function deliveryLag(received: readonly [string, number][], since: Date) {
    const { rows } = await pool.query<{ lag: number; at: number }>(
      `SELECT (r.at - extract(epoch FROM e.created_at) * 1000)::int AS lag, r.at::float8 AS at
       FROM unnest($1::text[], $2::float8[]) AS r(webhook_id, at) -- receiver:webhook-id
       JOIN trigger_event e ON 'evt_' || replace(e.id::text, '-', '') = split_part(r.webhook_id, ':', 2)
       WHERE e.created_at >= $3`,
      [received.map(([id]) => id), received.map(([, at]) => at), since],
    );
    const lags = rows.map((r) => r.lag).sort((a, b) => a - b);
    const ats = rows.map((r) => r.at);
    return {
      p50: Math.round(percentile(lags, 50)),
      p99: Math.round(percentile(lags, 99)),
      max: lags.at(-1) ?? 0,
      count: lags.length,
      spanSeconds: Math.max(1, (Math.max(...ats) - Math.min(...ats)) / 1000),
    };
  }
}

const run = ROLE === "receivers" ? serveReceivers : ROLE === "bench" ? main : null;
if (!run) throw new Error(`unknown role ${ROLE}`);
void run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
