// Webhook intake over real HTTP, each figure beside ceilings measured in the same run, on a fresh
// database (an embedded PostgreSQL, or a new database on DATABASE_URL's server):
//   ceilings  an empty node:http server and an empty Next.js route (both read the body and answer
//             200, no I/O) at the same concurrency; the database's own rate for the same rows
//             (pgbench: one row per commit, and 100 rows per commit as group commit writes them);
//   measured  the ingest listener (`server/listener/main.ts`) and the Next.js route
//             (`next start` of this checkout), signed Meta-shaped bodies, every one distinct.
// Load is autocannon from this process: closed-loop at the concurrency for the maximum rate, then
// open-loop (`overallRate`, latencies corrected for coordinated omission) at the target rate.
// Every 200 must be a committed row: the inbox is counted against the 2xx answers at the end.
//
// Run: npx tsx bench/ingest-http.ts [--seconds=10] [--connections=64] [--rate=5000] [--no-next]
//        [--no-build] [--no-write]
//   --no-build reuses the current `.next` build of this checkout (run `npm run build` first).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import autocannon from "autocannon";
import { signBody } from "@/server/ingest/verify-signature";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { createTestDatabase } from "@/tests/setup/test-database";
import { describeMachine, loadNow, today } from "./lib/machine";
import { writeResultsSection } from "./lib/results";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const SECONDS = arg("seconds", 10);
const CONNECTIONS = arg("connections", 64);
const RATE = arg("rate", 5000);
const isNext = !process.argv.includes("--no-next");
const isBuilding = !process.argv.includes("--no-build");
const isWriting = !process.argv.includes("--no-write");
const ROOT = path.resolve(import.meta.dirname, "..");
const SECRET = "bench-app-secret-0000000000000001";
const WEBHOOK_PATH = "/api/webhooks/whatsapp";

type TFigure = {
  name: string;
  mode: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  load: string;
};

// a status webhook as Meta sends it (about 700 bytes), distinct per request
let sequence = 0;
function signedStatus(): { body: string; headers: Record<string, string> } {
  sequence += 1;
  const body = JSON.stringify({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550101001", phone_number_id: "106540352242922" },
              statuses: [
                {
                  id: `wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI${sequence.toString(36).padStart(12, "0")}`,
                  status: "delivered",
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  recipient_id: "15551234567",
                  conversation: {
                    id: crypto.randomBytes(16).toString("hex"),
                    origin: { type: "utility" },
                  },
                  pricing: { billable: true, pricing_model: "PMP", category: "utility", type: "regular" },
                },
              ],
            },
            field: "messages",
          },
        ],
      },
    ],
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "facebookexternalua",
      "x-hub-signature-256": signBody(body, SECRET),
    },
  };
}

async function fire(
  name: string,
  url: string,
  options: { rate?: number; signed: boolean },
): Promise<{ figure: TFigure; result: autocannon.Result }> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: "POST",
        path: WEBHOOK_PATH,
        setupRequest: (request) => {
          const { body, headers } = options.signed
            ? signedStatus()
            : {
                body: '{"object":"whatsapp_business_account","entry":[]}',
                headers: { "content-type": "application/json" },
              };
          return { ...request, method: "POST", path: WEBHOOK_PATH, body, headers };
        },
      },
    ],
  });
  const figure: TFigure = {
    name,
    mode: options.rate
      ? `open loop, ${options.rate.toLocaleString("en")}/s asked`
      : `closed loop, ${CONNECTIONS} in flight`,
    rps: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    errors: result.errors + result.timeouts + result.non2xx,
    load: loadNow(),
  };
  console.log(
    `${name.padEnd(34)} ${figure.mode.padEnd(28)} ${Math.round(figure.rps).toString().padStart(6)}/s  p50 ${figure.p50} ms  p99 ${figure.p99} ms  errors ${figure.errors}  (${figure.load})`,
  );
  return { figure, result };
}

type TChild = { child: ChildProcess; output: () => string };
function start(command: string, args: string[], env: Record<string, string>, cwd = ROOT): TChild {
  const child = spawn(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  return { child, output: () => output };
}

async function stop(running: TChild) {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = new Promise((resolve) => running.child.once("exit", resolve));
  running.child.kill("SIGTERM");
  await exited;
}

async function waitUntilUp(url: string, running: TChild, init?: RequestInit) {
  for (let i = 0; i < 600; i += 1) {
    if (running.child.exitCode !== null) throw new Error(`${url} exited:\n${running.output()}`);
    const response = await fetch(url, init).catch(() => null);
    if (response && response.status < 500) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not come up:\n${running.output()}`);
}

const EMPTY_HTTP = `
const http = require("node:http");
http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => { res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" }); res.end("EVENT_RECEIVED"); });
}).listen(Number(process.env.PORT), "127.0.0.1");`;

const EMPTY_NEXT_ROUTE = `// POST /api/webhooks/whatsapp: the bench's empty route (reads the body, answers 200, no I/O)
export const dynamic = "force-dynamic";
export async function POST(request) {
  await request.arrayBuffer();
  return new Response("EVENT_RECEIVED", { headers: { "Content-Type": "text/plain; charset=utf-8" } });
}`;

function pgbench(url: string, script: string, label: string): { tps: number; load: string } {
  const file = path.join(os.tmpdir(), `waybill-pgbench-${crypto.randomBytes(4).toString("hex")}.sql`);
  fs.writeFileSync(file, script);
  try {
    const result = spawnSync(
      "pgbench",
      ["-n", "-c", String(Math.min(CONNECTIONS, 16)), "-j", "2", "-T", String(SECONDS), "-f", file, url],
      { encoding: "utf8" },
    );
    const tps = Number(/tps = ([0-9.]+)/.exec(result.stdout)?.[1] ?? NaN);
    if (!Number.isFinite(tps)) throw new Error(`pgbench failed: ${result.stderr}${result.stdout}`);
    console.log(`pgbench ${label}: ${Math.round(tps)} transactions/s (${loadNow()})`);
    return { tps, load: loadNow() };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function main() {
  const started = performance.now();
  const database = await createTestDatabase("bench_ingest");
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const children: TChild[] = [];
  // inside the checkout (in the ignored local-state folder): Turbopack resolves `next` only
  // from the project's own node_modules, never through a symlink out of its root
  fs.mkdirSync(path.join(ROOT, ".waybill"), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(ROOT, ".waybill", "bench-next-empty-"));
  try {
    const machine = await describeMachine(pool);
    console.log(`${machine}; ${loadNow()} at start; ${CONNECTIONS} connections, ${SECONDS} s per step`);
    const figures: TFigure[] = [];
    let committedAnswers = 0;
    let stepsAgainstStores = 0;

    // ceilings: empty node:http
    const emptyPort = await findFreePort();
    const empty = start(process.execPath, ["-e", EMPTY_HTTP], { PORT: String(emptyPort) });
    children.push(empty);
    await waitUntilUp(`http://127.0.0.1:${emptyPort}/`, empty);
    const emptyHttp = (
      await fire("empty node:http (ceiling)", `http://127.0.0.1:${emptyPort}`, { signed: true })
    ).figure;
    figures.push(emptyHttp);
    await stop(empty);

    // the ingest listener
    const listenerPort = await findFreePort();
    const listener = start(process.execPath, ["--import", "tsx", "server/listener/main.ts"], {
      DATABASE_URL: database.url,
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_VERIFY_TOKEN: "bench-verify-token",
      WAYBILL_INGEST_PORT: String(listenerPort),
      WAYBILL_WEBHOOK_DB_POOL_MAX: "8",
      LOG_LEVEL: "warn",
    });
    children.push(listener);
    await waitUntilUp(`http://127.0.0.1:${listenerPort}/health`, listener);
    const listenerUrl = `http://127.0.0.1:${listenerPort}`;
    const listenerMax = await fire("ingest listener", listenerUrl, { signed: true });
    const listenerOpen = await fire("ingest listener", listenerUrl, { signed: true, rate: RATE });
    figures.push(listenerMax.figure, listenerOpen.figure);
    committedAnswers += listenerMax.result["2xx"] + listenerOpen.result["2xx"];
    stepsAgainstStores += 2;
    await stop(listener);

    // Next.js: an empty route (its own tiny app) and the real route (this checkout's build)
    let nextEmpty: TFigure | null = null;
    let nextRoute: TFigure[] = [];
    if (isNext) {
      const webEnv = {
        DATABASE_URL: database.url,
        AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
        WAYBILL_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: "bench-verify-token",
        WAYBILL_WEBHOOK_DB_POOL_MAX: "8",
        LOG_LEVEL: "warn",
      };
      const nextBin = path.join(ROOT, "node_modules", ".bin", "next");
      fs.mkdirSync(path.join(tmp, "app", "api", "webhooks", "whatsapp"), { recursive: true });
      fs.writeFileSync(path.join(tmp, "app", "api", "webhooks", "whatsapp", "route.js"), EMPTY_NEXT_ROUTE);
      fs.writeFileSync(path.join(tmp, "next.config.mjs"), "export default {};\n");
      fs.writeFileSync(path.join(tmp, "package.json"), '{ "private": true, "type": "module" }\n');
      console.log("building the empty Next.js app…");
      const emptyBuild = spawnSync(nextBin, ["build"], {
        cwd: tmp,
        encoding: "utf8",
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      });
      if (emptyBuild.status !== 0)
        throw new Error(`next build (empty app) failed:\n${emptyBuild.stdout}${emptyBuild.stderr}`);
      const emptyNextPort = await findFreePort();
      // the project's instrumentation (its env check) is picked up here too: give it the same env
      const emptyNext = start(
        nextBin,
        ["start", "-p", String(emptyNextPort), "-H", "127.0.0.1"],
        webEnv,
        tmp,
      );
      children.push(emptyNext);
      await waitUntilUp(`http://127.0.0.1:${emptyNextPort}${WEBHOOK_PATH}`, emptyNext, {
        method: "POST",
        body: "{}",
      });
      nextEmpty = (
        await fire("empty Next.js route (ceiling)", `http://127.0.0.1:${emptyNextPort}`, { signed: true })
      ).figure;
      figures.push(nextEmpty);
      await stop(emptyNext);

      if (isBuilding) {
        console.log("building this checkout (next build)…");
        const build = spawnSync(nextBin, ["build"], {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
        });
        if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}${build.stderr}`);
      }
      const webPort = await findFreePort();
      const web = start(nextBin, ["start", "-p", String(webPort), "-H", "127.0.0.1"], webEnv);
      children.push(web);
      const webUrl = `http://127.0.0.1:${webPort}`;
      await waitUntilUp(
        `${webUrl}${WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=bench-verify-token&hub.challenge=1`,
        web,
      );
      const routeMax = await fire("Next.js route", webUrl, { signed: true });
      const target = Math.max(50, Math.round(nextEmpty.rps * 0.8));
      const routeOpen = await fire("Next.js route", webUrl, { signed: true, rate: target });
      nextRoute = [routeMax.figure, routeOpen.figure];
      figures.push(...nextRoute);
      committedAnswers += routeMax.result["2xx"] + routeOpen.result["2xx"];
      stepsAgainstStores += 2;
      await stop(web);
    }

    const {
      rows: [stored],
    } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM webhook_inbox");
    const rows = Number(stored!.n);
    console.log(`inbox rows ${rows}, 200s from the stores ${committedAnswers}`);

    // the database's own rate for rows of this shape
    await pool.query(
      `CREATE TABLE bench_rows (id uuid PRIMARY KEY, body_sha256 bytea UNIQUE, body bytea, received_at timestamptz)`,
    );
    const row = `(gen_random_uuid(), sha256(gen_random_uuid()::text::bytea), convert_to(repeat('x', 700), 'UTF8'), now())`;
    const single = pgbench(database.url, `INSERT INTO bench_rows VALUES ${row};\n`, "1 row per commit");
    const grouped = pgbench(
      database.url,
      `INSERT INTO bench_rows SELECT gen_random_uuid(), sha256(gen_random_uuid()::text::bytea), convert_to(repeat('x', 700), 'UTF8'), now() FROM generate_series(1, 100);\n`,
      "100 rows per commit",
    );

    const f = (n: number) => Math.round(n).toLocaleString("en");
    const pct = (a: number, b: number) => `${Math.round((100 * a) / b)} %`;
    const table = [
      "| what | load | requests/s (2xx) | p50 ms | p99 ms | errors | machine load |",
      "| --- | --- | --: | --: | --: | --: | --- |",
      ...figures.map(
        (x) => `| ${x.name} | ${x.mode} | ${f(x.rps)} | ${x.p50} | ${x.p99} | ${x.errors} | ${x.load} |`,
      ),
      `| PostgreSQL, 1 row per commit (pgbench, ${Math.min(CONNECTIONS, 16)} clients) | closed loop | ${f(single.tps)} rows | | | | ${single.load} |`,
      `| PostgreSQL, 100 rows per commit (pgbench) | closed loop | ${f(grouped.tps * 100)} rows | | | | ${grouped.load} |`,
    ];
    const listenerBest = listenerMax.figure;
    const targets = [
      `- **Ingest listener vs bare node:http**: ${f(listenerBest.rps)}/s durable against ${f(emptyHttp.rps)}/s empty = **${pct(listenerBest.rps, emptyHttp.rps)}** of the same-run ceiling (moonshot: >= 50 %).`,
      `- **Ingest listener at ${f(RATE)}/s asked (open loop)**: ${f(listenerOpen.figure.rps)}/s answered, p99 **${listenerOpen.figure.p99} ms**, ${listenerOpen.figure.errors} errors (target: >= 5,000/s, p99 <= 50 ms).`,
      ...(nextEmpty && nextRoute.length === 2
        ? [
            `- **Next.js route vs empty Next.js route**: ${f(nextRoute[0]!.rps)}/s against ${f(nextEmpty.rps)}/s = **${pct(nextRoute[0]!.rps, nextEmpty.rps)}** of the same-run ceiling (target: >= 80 %); open loop at 80 % of the ceiling (${nextRoute[1]!.mode}): p99 **${nextRoute[1]!.p99} ms**, ${nextRoute[1]!.errors} errors (target: p99 <= 250 ms, zero errors).`,
          ]
        : ["- Next.js: not measured in this run (`--no-next`)."]),
      `- **Every 200 a committed row**: ${f(committedAnswers)} answers 200 from the listener and the route, ${f(rows)} rows in the inbox${rows >= committedAnswers && rows - committedAnswers <= stepsAgainstStores * CONNECTIONS ? `: no 200 without its row; the ${f(rows - committedAnswers)} more rows are requests still in flight when a step ended (autocannon drops them unanswered; at most ${CONNECTIONS} per step)` : " (NOT consistent: see the run)"}.`,
      `- Database ceiling for these rows: ${f(single.tps)} rows/s at one commit each, ${f(grouped.tps * 100)} rows/s at 100 per commit; the listener's group commit needs ${pct(listenerBest.rps, grouped.tps * 100)} of the latter.`,
    ];
    const section = [
      "## Webhook intake over HTTP, with same-run ceilings (bench/ingest-http.ts)",
      "",
      `Measured ${today()} on ${machine}. autocannon runs in the bench process on the same cores as the servers and PostgreSQL; "machine load" is the 1-minute load average after each step (other work shared the machine). ${CONNECTIONS} connections, ${SECONDS} s per step, every request a distinct, signed, Meta-shaped status webhook of ~700 bytes. Rerun: \`npx tsx bench/ingest-http.ts\`.`,
      "",
      ...table,
      "",
      ...targets,
      "",
      `Whole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`,
      "",
    ].join("\n");
    console.log(`\n${section}`);
    if (isWriting) writeResultsSection("## Webhook intake over HTTP", section);
  } finally {
    for (const child of children) await stop(child).catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
    await pool.end();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
