// The send path's throughput, from outside, on a fresh database (DATABASE_URL's server or an
// embedded PostgreSQL), with 20 sender numbers over 2 tenants:
//   0. the same-run ceiling: a plain INSERT + COMMIT (and with a NOTIFY) over a pg pool, 32 in flight;
//   1. intake: POST /api/v1/messages at concurrency 32 (autocannon, closed loop), no worker,
//      with PostgreSQL's wait events sampled meanwhile;
//   2. drain: the intake's backlog, parked until a worker is warm, then released at once: the
//      worker's capacity with no requests arriving (every claim as large as its free slots);
//   3. end to end: fixed open-loop request rates (autocannon overallRate) while a worker process
//      dispatches to the provider simulator (answers at once, posts no webhooks); sends/s and
//      request-to-acknowledgement (message created -> provider_accepted recorded) p50/p99.
// Every phase also reports the CPU each process spent per unit of work (per accepted request,
// per acknowledged send): the api, the worker, the simulator, the run database's backends (by
// application_name) and this process (the load generator), read from /proc. On a shared machine
// throughput moves with the load; CPU per send barely does.
// The API runs in its own process: the route's handler (hot-path dependencies, as in the web
// process) behind a node:http listener; the worker runs the real dispatcher; the simulator, Meta's
// stand-in, runs in a third process (so its CPU is not counted as the worker's).
// Run: npx tsx bench/send.ts [--seconds 10] [--concurrency 32] [--rates 250,500,750]
//                            [--send-concurrency 96] [--skip-e2e] [--skip-intake] [--baseline]
//                            [--claim-interval-ms N] [--profile DIR]
// --skip-intake: no ceiling and no intake phase (end to end only); --baseline also runs end to
// end with the one-message-at-a-time dispatcher (same run, same rates); --profile writes CPU
// profiles of the api, simulator and worker processes (node --cpu-prof; summarise one with
// `npx tsx bench/lib/cpuprofile-top.ts DIR/<file>.cpuprofile`).
// Results: bench/RESULTS.md ("Send path").
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";
import os from "node:os";

import readline from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { createLogger } from "@/server/platform/logger";
import { createSecretBox } from "@/server/platform/secret-box";
import { DEFAULT_SCENARIO, ZSimulatorConfigSchema } from "@/server/providers/simulator/scenario";
import { startSimulator } from "@/server/providers/simulator/simulator";
import { createGraphAgent, createWhatsAppCloudProvider } from "@/server/providers/whatsapp-cloud/client";
import { handleSendMessage, hotPathRestDeps } from "@/server/rest/messages";
import { DEFAULT_SENDING_CONFIG } from "@/server/services/sending/config";
import { startDispatcher } from "@/server/services/sending/dispatcher";
import { SEND_QUEUE_CHANNEL } from "@/server/services/sending/send-queue";
import { createCredentialCache } from "@/server/services/sending/process-send";
import { installProjectors } from "@/server/services/projectors";
import { makeApiKey, makeSenderNumber, makeTenant } from "@/tests/factories";
import { createTestDatabase } from "@/tests/setup/test-database";
import { meterDatabase, meterProcesses, meterSelf } from "./lib/cpu-meter";
import { WORKER_NODE_FLAGS } from "@/server/worker/node-flags";

const HERE = fileURLToPath(import.meta.url);

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const ROLE = flag("role", "bench");
const SECONDS = Number(flag("seconds", "10"));
const CONCURRENCY = Number(flag("concurrency", "32"));
const RATES = flag("rates", "250,500,750").split(",").map(Number);
// the dispatcher's sends in flight: the worker's default unless given
const SEND_CONCURRENCY = Number(flag("send-concurrency", String(DEFAULT_SENDING_CONFIG.concurrency)));
const SKIP_E2E = process.argv.includes("--skip-e2e");
// end to end only (no ceiling, no intake phase): for profiling the worker
const SKIP_INTAKE = process.argv.includes("--skip-intake");
// also run end to end with the one-message-at-a-time dispatcher, in the same run
const BASELINE = process.argv.includes("--baseline");
// the dispatcher's claim interval (ms; its default unless given; 0: claim on every wake-up)
const CLAIM_INTERVAL = flag("claim-interval-ms", "");
// a directory for CPU profiles of the api and worker processes (node --cpu-prof)
const PROFILE_DIR = flag("profile", "");

// ---------- child: the API behind node:http ----------
async function serveApi() {
  const url = required("DATABASE_URL");
  const db = createDb(url, { max: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: "waybill-api" });
  const deps = hotPathRestDeps(db, pool, () => {}, { intakeInFlight: 8 });
  const server = http.createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request = new Request(new URL(incoming.url ?? "/", "http://waybill.bench"), {
        method: incoming.method,
        headers: incoming.headers as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      handleSendMessage(deps, request)
        .then(async (response) => {
          outgoing.writeHead(response.status, Object.fromEntries(response.headers));
          outgoing.end(Buffer.from(await response.arrayBuffer()));
        })
        .catch((error: unknown) => outgoing.writeHead(500).end(String(error)));
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, "127.0.0.1", () => {
    console.log(`READY ${(server.address() as { port: number }).port}`);
  });
  // a clean exit, so a --cpu-prof profile is written
  process.on("SIGTERM", () => process.exit(0));
}

// ---------- child: the provider simulator (Meta's stand-in, a process of its own) ----------
async function serveSimulator() {
  const log = createLogger("bench-simulator", "error");
  const numbers = JSON.parse(required("BENCH_NUMBERS")) as Record<
    string,
    { wabaId: string; displayPhoneNumber: string }
  >;
  const simulator = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    // no status webhooks: this bench measures the send path, bench/process.ts the statuses
    webhookUrl: "http://127.0.0.1:9/unused",
    appSecret: "bench-app-secret",
    config: ZSimulatorConfigSchema.parse({
      numbers,
      defaults: { ...DEFAULT_SCENARIO, latencyMs: { min: 0, max: 0 }, dropRate: 1, pairLimit: null },
    }),
    log,
  });
  console.log(`READY ${new URL(simulator.url).port}`);
  process.on("SIGTERM", () => {
    void simulator.close().finally(() => process.exit(0));
  });
}

// ---------- child: the dispatcher ----------
async function serveWorker() {
  installProjectors();
  const url = required("DATABASE_URL");
  const log = createLogger("bench-worker", "error");
  const db = createDb(url, { max: 12 });
  const box = createSecretBox(required("WAYBILL_ENCRYPTION_KEY"));
  const pool = new pg.Pool({ connectionString: url, max: 6, application_name: "waybill-send" });
  const dispatcher = startDispatcher({
    db,
    pool,
    databaseUrl: url,
    provider: createWhatsAppCloudProvider({
      baseUrl: required("BENCH_SIMULATOR_URL"),
      version: "v21.0",
      timeoutMs: 10_000,
      agent: createGraphAgent({ connections: SEND_CONCURRENCY }),
    }),
    credentials: createCredentialCache(db, box),
    config: {
      ...DEFAULT_SENDING_CONFIG,
      concurrency: SEND_CONCURRENCY,
      ...(CLAIM_INTERVAL ? { claimIntervalMs: Number(CLAIM_INTERVAL) } : {}),
    },
    workerId: `bench-${process.pid}`,
    isBatched: process.env.BENCH_ONE_BY_ONE !== "1",
    clock: () => new Date(),
    random: Math.random,
    log,
  });
  console.log("READY 0");
  // the bench asks for the dispatcher's counters (claims and their sizes) around each phase
  process.on("SIGUSR2", () => console.log(`STATS ${JSON.stringify(dispatcher.stats())}`));
  process.on("SIGTERM", () => {
    void dispatcher.stop(2_000).finally(() => process.exit(0));
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

type TChild = { child: ChildProcess; port: number; stats: () => Promise<Record<string, unknown>> };

function startChild(role: string, env: Record<string, string>): Promise<TChild> {
  const profile = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(
    process.execPath,
    // the worker role runs under the worker's Node flags, as scripts/run.ts starts it
    [
      ...(role === "worker" ? WORKER_NODE_FLAGS : []),
      ...profile,
      "--import",
      "tsx",
      HERE,
      "--role",
      role,
      ...process.argv.slice(2),
    ],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let statsWaiter: ((stats: Record<string, unknown>) => void) | null = null;
  const stats = () =>
    new Promise<Record<string, unknown>>((resolve) => {
      if (child.exitCode !== null) return resolve({});
      statsWaiter = resolve;
      child.kill("SIGUSR2");
    });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      const ready = /^READY (\d+)$/.exec(line);
      const reported = /^STATS (.*)$/.exec(line);
      if (ready) resolve({ child, port: Number(ready[1]), stats });
      else if (reported) {
        statsWaiter?.(JSON.parse(reported[1]!) as Record<string, unknown>);
        statsWaiter = null;
      } else if (line.trim()) console.log(`[${role}] ${line}`);
    });
    child.once("exit", (code) => {
      // before READY: the bench cannot go on; after: a stats request must not wait for ever
      reject(new Error(`${role} exited with ${code}`));
      console.error(`[${role}] exited with ${code}`);
      statsWaiter?.({});
      statsWaiter = null;
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}

// ---------- the bench ----------
type TTarget = { key: string; from: string };

function requestBody(targets: readonly TTarget[], i: number) {
  const target = targets[i % targets.length]!;
  // recipients from a large pool, so no (number, recipient) pair is paced
  const to = `+1555${String(1_000_000 + crypto.randomInt(0, 8_000_000))}`;
  return {
    key: target.key,
    body: JSON.stringify({
      from: target.from,
      to,
      type: "template",
      template: { name: "order_update", language: "en_US", bodyParameters: [`#${i}`, "Friday"] },
      metadata: { bench: String(i) },
    }),
  };
}

function load(
  port: number,
  targets: readonly TTarget[],
  options: { connections: number; seconds: number; overallRate?: number },
): Promise<autocannon.Result> {
  let i = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: options.connections,
        duration: options.seconds,
        ...(options.overallRate ? { overallRate: options.overallRate } : {}),
        requests: [
          {
            method: "POST",
            path: "/api/v1/messages",
            setupRequest: (request) => {
              const next = requestBody(targets, i++);
              return {
                ...request,
                headers: {
                  "content-type": "application/json",
                  authorization: `Bearer ${next.key}`,
                  "idempotency-key": crypto.randomUUID(),
                },
                body: next.body,
              };
            },
          },
        ],
      },
      (error: unknown, result) =>
        error ? reject(error instanceof Error ? error : new Error("autocannon failed")) : resolve(result),
    );
  });
}

async function ceiling(url: string, notify: boolean): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  await pool.query(
    "CREATE TABLE IF NOT EXISTS bench_ceiling (id uuid PRIMARY KEY, body jsonb, at timestamptz)",
  );
  let done = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query("INSERT INTO bench_ceiling VALUES ($1, $2, now())", [
            crypto.randomUUID(),
            JSON.stringify({ bench: true }),
          ]);
          if (notify) await client.query("SELECT pg_notify('bench_ceiling', '')");
          await client.query("COMMIT");
        } finally {
          client.release();
        }
        done += 1;
      }
    }),
  );
  const rate = done / ((performance.now() - started) / 1000);
  await pool.end();
  return rate;
}

/** Samples the wait events of the database's client backends (what they wait on, and how often). */
function sampleWaits(url: string, applicationName = "waybill-api", withQueries = false) {
  const client = new pg.Client({ connectionString: url, application_name: "bench-sampler" });
  const counts = new Map<string, number>();
  let isRunning = true;
  const done = (async () => {
    await client.connect();
    while (isRunning) {
      const { rows } = await client.query<{ w: string }>(
        `SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' (' || coalesce(state, '-') || ')'
                || CASE WHEN $2 AND state <> 'idle' THEN ' ' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) ELSE '' END AS w
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND backend_type = 'client backend' AND application_name = $1`,
        [applicationName, withQueries],
      );
      for (const { w } of rows) counts.set(w, (counts.get(w) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.end();
  })();
  return async () => {
    isRunning = false;
    await done;
    const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, withQueries ? 10 : 6)
      .map(([w, n]) => `${w} ${Math.round((100 * n) / total)} %`)
      .join(", ");
  };
}

async function endToEnd(pool: pg.Pool, since: Date) {
  const { rows } = await pool.query<{
    messages: number;
    accepted: number;
    first_ack: Date | null;
    last_ack: Date | null;
    first_req: Date | null;
    last_req: Date | null;
    p50: number | null;
    p99: number | null;
  }>(
    `SELECT count(*)::int AS messages, count(e.recorded_at)::int AS accepted,
            min(e.recorded_at) AS first_ack, max(e.recorded_at) AS last_ack,
            min(m.created_at) AS first_req, max(m.created_at) AS last_req,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.recorded_at - m.created_at) * 1000)::float8 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM e.recorded_at - m.created_at) * 1000)::float8 AS p99
     FROM message m
     LEFT JOIN message_event e ON e.tenant_id = m.tenant_id AND e.message_id = m.id AND e.type = 'provider_accepted'
     WHERE m.created_at >= $1`,
    [since],
  );
  return rows[0]!;
}

async function waitForDrain(pool: pg.Pool, since: Date, limitMs: number) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM send_queue WHERE enqueued_at >= $1",
      [since],
    );
    if (rows[0]!.n === 0 || Date.now() > deadline) return rows[0]!.n;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? "-"
    : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

type TPhaseCpu = {
  /** wall seconds of the phase */
  seconds: number;
  /** CPU seconds per process (by label) */
  processes: Record<string, number>;
  /** CPU seconds of the run database's backends, by application_name */
  postgres: Record<string, number>;
  /** this process: autocannon and the bench's own queries */
  loadGenerator: number;
};

/** Starts metering a phase's CPU: the children by pid, the database's backends, this process. */
function meterPhase(pool: pg.Pool, database: string, pids: Record<string, number>) {
  const started = performance.now();
  const processes = meterProcesses(pids);
  const postgres = meterDatabase(pool, database);
  const self = meterSelf();
  return async (): Promise<TPhaseCpu> => ({
    seconds: (performance.now() - started) / 1000,
    processes: processes(),
    postgres: await postgres(),
    loadGenerator: self(),
  });
}

/**
 * CPU milliseconds per unit of work, each process, and how busy each was (% of one core). The
 * backends of the bench's own connections (its sampler, its polling) are shown apart, outside the
 * system's total.
 */
function describeCpu(used: TPhaseCpu, units: number, unit: string): string {
  const per = (seconds: number) => fmt((1000 * seconds) / Math.max(1, units), 2);
  const busy = (seconds: number) => `${fmt((100 * seconds) / used.seconds)} %`;
  const backends = Object.entries(used.postgres).filter(([, seconds]) => seconds > 0);
  const isBench = (label: string) => label.startsWith("bench");
  const postgresTotal = backends.filter(([l]) => !isBench(l)).reduce((a, [, b]) => a + b, 0);
  const benchBackends = backends.filter(([l]) => isBench(l)).reduce((a, [, b]) => a + b, 0);
  const processTotal = Object.values(used.processes).reduce((a, b) => a + b, 0);
  const parts = Object.entries(used.processes).map(
    ([label, seconds]) => `${label} ${per(seconds)} (${busy(seconds)})`,
  );
  const byApplication = backends
    .filter(([l]) => !isBench(l))
    .sort((a, b) => b[1] - a[1])
    .map(([label, seconds]) => `${label} ${per(seconds)}`)
    .join(", ");
  return (
    `CPU ms per ${unit} (${fmt(units)} in ${fmt(used.seconds, 1)} s; % of one core): ${parts.join(", ")}, ` +
    `postgres ${per(postgresTotal)} (${busy(postgresTotal)}; ${byApplication}); ` +
    `total ${per(processTotal + postgresTotal)}; the bench itself: load generator ${per(used.loadGenerator)}, ` +
    `its own backends ${per(benchBackends)}`
  );
}

async function bench() {
  installProjectors();
  const database = await createTestDatabase("send");
  const encryptionKey = crypto.randomBytes(32).toString("base64");
  const db = createDb(database.url, { max: 4 });
  const pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: "bench" });
  // dropping the run database at the end ends these connections from the server side
  pool.on("error", () => {});
  const children: ChildProcess[] = [];
  try {
    const box = createSecretBox(encryptionKey);
    const targets: TTarget[] = [];
    const numbers: Record<string, { wabaId: string; displayPhoneNumber: string }> = {};
    for (let t = 0; t < 2; t += 1) {
      const tenant = await makeTenant(db);
      const key = (await makeApiKey(db, tenant.id)).apiKey;
      for (let n = 0; n < 10; n += 1) {
        const sender = await makeSenderNumber(db, box, tenant.id);
        targets.push({ key, from: sender.displayNumber });
        numbers[sender.phoneNumberId] = {
          wabaId: sender.wabaId,
          displayPhoneNumber: sender.displayNumber.slice(1),
        };
      }
    }
    const databaseName = (await pool.query<{ d: string }>("SELECT current_database() AS d")).rows[0]!.d;
    const pgVersion = (await pool.query<{ server_version: string }>("SHOW server_version")).rows[0]!
      .server_version;
    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}; PostgreSQL ${pgVersion}; Node ${process.version}`,
    );

    const api = await startChild("api", { DATABASE_URL: database.url });
    children.push(api.child);
    // warm up (JIT, pools, caches), then measure
    await load(api.port, targets, { connections: CONCURRENCY, seconds: 2 });
    if (!SKIP_INTAKE) {
      const plain = await ceiling(database.url, false);
      const notified = await ceiling(database.url, true);
      console.log(
        `ceiling (same run): INSERT+COMMIT ${fmt(plain)}/s; with NOTIFY ${fmt(notified)}/s (pg pool, ${CONCURRENCY} in flight)`,
      );
      const stopSampling = sampleWaits(database.url);
      const cpu = meterPhase(pool, databaseName, { api: api.child.pid! });
      const intake = await load(api.port, targets, { connections: CONCURRENCY, seconds: SECONDS });
      const used = await cpu();
      const waits = await stopSampling();
      console.log(
        `intake: ${fmt(intake.requests.average)} requests/s at concurrency ${CONCURRENCY} (${fmt(intake.requests.total)} in ${SECONDS} s; non-2xx ${intake.non2xx}, errors ${intake.errors}); latency p50 ${intake.latency.p50} ms, p99 ${intake.latency.p99} ms (${fmt((100 * intake.requests.average) / plain)} % of the INSERT+COMMIT ceiling); load average ${os.loadavg()[0]!.toFixed(1)}`,
      );
      console.log(`  ${describeCpu(used, intake.requests.total - intake.non2xx, "request")}`);
      console.log(`  api backends' wait events: ${waits}`);
    }
    if (SKIP_E2E) return;

    // the intake's backlog is parked (drained by the first worker once warm, see below), not
    // part of the end-to-end runs
    const backlog = (
      await pool.query<{ n: number }>("UPDATE send_queue SET not_before = 'infinity' RETURNING 1 AS n")
    ).rowCount;
    // each dispatcher mode in its own worker process, at the same offered rates: batched (the
    // product) and, with --baseline, one message per transaction pair (what it replaced)
    const modes = BASELINE ? ["batched", "one-by-one"] : ["batched"];
    const simulator = await startChild("simulator", { BENCH_NUMBERS: JSON.stringify(numbers) });
    children.push(simulator.child);
    for (const mode of modes) {
      const worker = await startChild("worker", {
        DATABASE_URL: database.url,
        WAYBILL_ENCRYPTION_KEY: encryptionKey,
        BENCH_SIMULATOR_URL: `http://127.0.0.1:${simulator.port}`,
        BENCH_ONE_BY_ONE: mode === "one-by-one" ? "1" : "0",
      });
      children.push(worker.child);
      // warm up the worker (JIT, pools, credential cache) outside the measured phases
      const warmUpSince = new Date();
      await load(api.port, targets, { connections: CONCURRENCY, seconds: 2, overallRate: 100 });
      await waitForDrain(pool, warmUpSince, 30_000);
      if (backlog && mode === modes[0]) {
        // 2. the worker's capacity alone: the intake's backlog released at once, no requests
        // meanwhile, every claim as large as the free slots allow
        const statsBefore = await worker.stats();
        const cpu = meterPhase(pool, databaseName, {
          worker: worker.child.pid!,
          simulator: simulator.child.pid!,
        });
        const started = performance.now();
        await pool.query(
          `UPDATE send_queue SET not_before = now(); SELECT pg_notify('${SEND_QUEUE_CHANNEL}', '')`,
        );
        const left = await waitForDrain(pool, new Date(0), 120_000);
        const seconds = (performance.now() - started) / 1000;
        const used = await cpu();
        const statsAfter = await worker.stats();
        const claims = Number(statsAfter.claims) - Number(statsBefore.claims);
        const drained = backlog - left;
        console.log(
          `drain (${mode} dispatcher, no requests meanwhile): ${fmt(drained)} queued sends in ${fmt(seconds, 1)} s, ${fmt(drained / seconds)} sends/s${left ? `; ${left} still queued after 120 s` : ""}; load average ${os.loadavg()[0]!.toFixed(1)}`,
        );
        console.log(`  ${describeCpu(used, drained, "send")}`);
        console.log(
          `  dispatcher: ${fmt(claims)} claims of ${fmt(drained / Math.max(1, claims), 1)} messages on average`,
        );
        await pool.query("DELETE FROM send_queue");
      }
      for (const rate of RATES) {
        const since = new Date();
        const stopWorkerSampling = sampleWaits(database.url, "waybill-send", true);
        const statsBefore = await worker.stats();
        const cpu = meterPhase(pool, databaseName, {
          worker: worker.child.pid!,
          simulator: simulator.child.pid!,
          api: api.child.pid!,
        });
        const result = await load(api.port, targets, {
          connections: Math.max(CONCURRENCY, 64),
          seconds: SECONDS,
          overallRate: rate,
        });
        const left = await waitForDrain(pool, since, 60_000);
        const used = await cpu();
        const statsAfter = await worker.stats();
        const claims = Number(statsAfter.claims) - Number(statsBefore.claims);
        const claimed = Number(statsAfter.claimed) - Number(statsBefore.claimed);
        const workerWaits = await stopWorkerSampling();
        const e2e = await endToEnd(pool, since);
        const ackSeconds =
          e2e.first_ack && e2e.last_ack ? (e2e.last_ack.getTime() - e2e.first_req!.getTime()) / 1000 : null;
        console.log(
          `end to end (${mode} dispatcher) at ${rate} requests/s offered: ${fmt(result.requests.average)} requests/s accepted (p99 ${result.latency.p99} ms); ${fmt(e2e.accepted)} of ${fmt(e2e.messages)} acknowledged, ${fmt(ackSeconds ? e2e.accepted / ackSeconds : null)} sends/s (first request to last acknowledgement); request -> acknowledgement p50 ${fmt(e2e.p50)} ms, p99 ${fmt(e2e.p99)} ms${left ? `; ${left} still queued after 60 s` : ""}; load average ${os.loadavg()[0]!.toFixed(1)}`,
        );
        console.log(`  ${describeCpu(used, e2e.accepted, "send")}`);
        console.log(
          `  dispatcher: ${fmt(claims)} claims of ${fmt(claimed / Math.max(1, claims), 1)} messages on average`,
        );
        console.log(`  worker backends (dispatcher) wait events: ${workerWaits}`);
        await pool.query("DELETE FROM send_queue");
      }
      await stopChild(worker.child);
    }
  } finally {
    await Promise.all(children.map(stopChild));
    await pool.end();
    await db.$disconnect();
    await database.dispose();
  }
}

const roles: Record<string, () => Promise<void>> = {
  api: serveApi,
  simulator: serveSimulator,
  worker: serveWorker,
  bench,
};
const run = roles[ROLE];
if (!run) throw new Error(`unknown role ${ROLE}`);
run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
