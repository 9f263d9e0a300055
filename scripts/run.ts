// The run command behind `npm start`: database (embedded unless DATABASE_URL is set),
// migrations, demo seed, production build when sources changed, then the web server and the
// worker, supervised together. `--reset` starts over; `--dev` runs `next dev` instead.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import {
  EnvError,
  parseEnv,
  ZCommonEnvSchema,
  ZSimulatorEnvSchema,
  ZWebEnvSchema,
  ZWorkerEnvSchema,
} from "@/server/config/env";
import { createDb } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import {
  ensureDatabase,
  startEmbeddedPostgres,
  type TEmbeddedServer,
} from "@/server/platform/embedded-postgres";
import {
  clearRuntimeInfo,
  loadOrCreateLocalSecrets,
  PG_DATA_DIR,
  PROJECT_ROOT,
  readDemoCredentials,
  removeLocalState,
  STATE_DIR,
  writeDemoCredentials,
  writeRuntimeInfo,
} from "@/server/platform/local-state";
import { createSecretBox } from "@/server/platform/secret-box";
import { WORKER_NODE_FLAGS } from "@/server/worker/node-flags";
import { buildDemoSimulatorConfig } from "@/server/providers/simulator/demo-config";
import { DEMO_TENANTS, seedDemo } from "@/prisma/seed";

const args = new Set(process.argv.slice(2));
const isReset = args.has("--reset");
const isDev = args.has("--dev");
const log = (message: string) => console.log(`waybill: ${message}`);

function fail(message: string): never {
  console.error(`\nwaybill: ${message}\n`);
  process.exit(1);
}

async function checkConnection(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const target = (() => {
      try {
        const u = new URL(url);
        return `${u.hostname}:${u.port || 5432}/${u.pathname.slice(1)}`;
      } catch {
        return "(unparseable URL)";
      }
    })();
    fail(
      `DATABASE_URL: cannot connect to ${target}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function resetExternalDatabase(url: string): Promise<void> {
  if (!args.has("--yes")) {
    fail(
      "DATABASE_URL is set: `npm run reset -- --yes` drops every Waybill table in that database. Add --yes to confirm.",
    );
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(
    "DROP SCHEMA IF EXISTS pgboss CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;",
  );
  await client.end();
}

/** A fingerprint of everything `next build` reads, to skip rebuilding unchanged sources. */
function sourceFingerprint(): string {
  const hash = crypto.createHash("sha256");
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(full);
      } else {
        const stat = fs.statSync(full);
        hash.update(`${full}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ["app", "components", "trpc", "server"]) walk(path.join(PROJECT_ROOT, dir));
  for (const file of [
    "next.config.ts",
    "package-lock.json",
    "postcss.config.mjs",
    "instrumentation.ts",
    "tsconfig.json",
  ]) {
    const full = path.join(PROJECT_ROOT, file);
    if (fs.existsSync(full)) hash.update(`${file}:${fs.statSync(full).mtimeMs}\n`);
  }
  return hash.digest("hex");
}

function buildIfNeeded(env: NodeJS.ProcessEnv): void {
  const stampFile = path.join(STATE_DIR, "build-fingerprint");
  const fingerprint = sourceFingerprint();
  const hasBuild = fs.existsSync(path.join(PROJECT_ROOT, ".next", "BUILD_ID"));
  if (hasBuild && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === fingerprint) return;
  log("building the console (next build; about a minute, only when sources change)…");
  const result = spawnSync(bin("next"), ["build"], { cwd: PROJECT_ROOT, stdio: "inherit", env });
  if (result.status !== 0) fail("next build failed (see above).");
  fs.mkdirSync(STATE_DIR, { recursive: true });
  fs.writeFileSync(stampFile, fingerprint);
}

function bin(name: string): string {
  return path.join(PROJECT_ROOT, "node_modules", ".bin", name);
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status === 200 || response.status === 503) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** The demo's simulator scenario, from the seeded numbers (Acme's +15550101002 is the troubled one). */
function writeDemoSimulatorConfig(file: string): string {
  const config = buildDemoSimulatorConfig(
    DEMO_TENANTS.flatMap((tenant) =>
      tenant.numbers.map((number) => ({
        phoneNumberId: number.phoneNumberId,
        wabaId: number.wabaId,
        displayNumber: number.displayNumber,
        isTroubled: number.displayNumber === "+15550101002",
      })),
    ),
  );
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

async function main() {
  const demoFlag = process.env.WAYBILL_DEMO ?? "1";
  const isDemo = demoFlag === "1" || demoFlag === "true";
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.WAYBILL_HOST ?? "127.0.0.1";
  const consoleUrl = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`;
  const externalUrl = process.env.DATABASE_URL;

  if (externalUrl) {
    const format = ZCommonEnvSchema.shape.DATABASE_URL.safeParse(externalUrl);
    if (!format.success) fail(`DATABASE_URL ${format.error.issues[0]?.message ?? "is not valid"}`);
  }

  if (isReset) {
    if (externalUrl) await resetExternalDatabase(externalUrl);
    else removeLocalState();
    log("reset: all data removed; starting over.");
  }

  // demo mode fills in local secrets the environment does not set; otherwise all must be set
  const secrets = isDemo ? loadOrCreateLocalSecrets() : {};
  const baseEnv: Record<string, string | undefined> = {
    ...secrets,
    ...Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")),
    WAYBILL_DEMO: isDemo ? "1" : "0",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_URL: process.env.AUTH_URL ?? consoleUrl,
  };

  let embedded: TEmbeddedServer | undefined;
  let databaseUrl: string;
  if (externalUrl) {
    await checkConnection(externalUrl);
    databaseUrl = externalUrl;
    log(`database: ${new URL(externalUrl).host} (DATABASE_URL)`);
  } else {
    const pgPort = Number(process.env.WAYBILL_EMBEDDED_PG_PORT ?? 54329);
    log(
      `database: embedded PostgreSQL on 127.0.0.1:${pgPort}, data in ${path.relative(PROJECT_ROOT, PG_DATA_DIR)}/`,
    );
    try {
      embedded = await startEmbeddedPostgres({ dataDir: PG_DATA_DIR, port: pgPort });
    } catch (error) {
      fail(
        `could not start the embedded PostgreSQL on port ${pgPort} (${error instanceof Error ? error.message : String(error)}). ` +
          "Is another `npm start` running? Set WAYBILL_EMBEDDED_PG_PORT to use another port.",
      );
    }
    await ensureDatabase(embedded.url("postgres"), "waybill");
    databaseUrl = embedded.url("waybill");
  }
  const env = { ...baseEnv, DATABASE_URL: databaseUrl } as unknown as NodeJS.ProcessEnv;
  // demo mode: the worker sends to the provider simulator (a fake Cloud API) unless told otherwise
  const simulatorPort = Number(process.env.WAYBILL_SIMULATOR_PORT ?? 4010);
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  if (isDemo && !process.env.WHATSAPP_GRAPH_API_URL) env.WHATSAPP_GRAPH_API_URL = simulatorUrl;

  // validate both processes' configuration before starting anything
  try {
    parseEnv(ZWebEnvSchema, env);
    parseEnv(ZWorkerEnvSchema, env);
    if (isDemo) parseEnv(ZSimulatorEnvSchema, env);
  } catch (error) {
    await embedded?.stop();
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }

  const migration = await migrateDatabase(databaseUrl);
  log(
    `schema at version ${migration.version}${migration.applied.length ? ` (applied ${migration.applied.length})` : ""}`,
  );

  let demo: Awaited<ReturnType<typeof seedDemo>> | undefined;
  if (isDemo) {
    const db = createDb(databaseUrl, { max: 2 });
    const checked = parseEnv(ZWebEnvSchema, env);
    demo = await seedDemo(
      db,
      createSecretBox(checked.WAYBILL_ENCRYPTION_KEY, checked.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
      readDemoCredentials(),
    );
    writeDemoCredentials(demo.credentials);
    await db.$disconnect();
    log(demo.isNew ? "demo data seeded" : "demo data present");
  }

  if (!isDev) buildIfNeeded(env);

  const children: ChildProcess[] = [];
  const startChild = (
    name: string,
    command: string,
    commandArgs: string[],
    extraEnv: Record<string, string> = {},
  ) => {
    const child = spawn(command, commandArgs, {
      cwd: PROJECT_ROOT,
      env: { ...env, ...extraEnv },
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.push(child);
    child.on("exit", (code, signal) => {
      if (!isStopping) {
        console.error(`waybill: ${name} exited (${signal ?? code}); stopping everything.`);
        void stopAll(1);
      }
    });
    return child;
  };

  let isStopping = false;
  const stopAll = async (exitCode: number) => {
    if (isStopping) return;
    isStopping = true;
    log("stopping…");
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      ),
    );
    clearRuntimeInfo();
    await embedded?.stop().catch(() => {});
    process.exit(exitCode);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  // next behind a node:http server that passes the TCP peer's address (scripts/web-server.mjs)
  const web = startChild("web", process.execPath, [
    path.join(PROJECT_ROOT, "scripts/web-server.mjs"),
    ...(isDev ? ["--dev"] : []),
    "-p",
    String(port),
    "-H",
    host,
  ]);
  // `node --import tsx`: one process, so SIGTERM reaches the worker itself (the tsx CLI forks)
  startChild("worker", process.execPath, [
    ...WORKER_NODE_FLAGS,
    "--import",
    "tsx",
    path.join(PROJECT_ROOT, "server/worker/main.ts"),
  ]);

  // demo mode: the provider simulator answers the worker's sends, posts signed status webhooks
  // to the console's webhook route, and plays the seeded tenants' backends (demo traffic)
  if (isDemo) {
    const simulatorConfig =
      process.env.WAYBILL_SIMULATOR_CONFIG ??
      writeDemoSimulatorConfig(path.join(STATE_DIR, "simulator.json"));
    const demoKeys = demo?.credentials.apiKeys.map((k) => `${k.tenant}=${k.apiKey}`).join(",");
    startChild(
      "simulator",
      process.execPath,
      ["--import", "tsx", path.join(PROJECT_ROOT, "server/providers/simulator/main.ts")],
      {
        WAYBILL_SIMULATOR_PORT: String(simulatorPort),
        WAYBILL_SIMULATOR_WEBHOOK_URL: `${consoleUrl}/api/webhooks/whatsapp`,
        WAYBILL_SIMULATOR_WAYBILL_URL: consoleUrl,
        WAYBILL_SIMULATOR_CONFIG: simulatorConfig,
        ...(process.env.WAYBILL_SIMULATOR_DEMO_API_KEYS === undefined && demoKeys
          ? { WAYBILL_SIMULATOR_DEMO_API_KEYS: demoKeys }
          : {}),
      },
    );
  }

  writeRuntimeInfo({ databaseUrl, consoleUrl, pid: process.pid, isEmbedded: !externalUrl });
  const isUp = await waitForHealth(consoleUrl, web, 120_000);
  if (!isUp) {
    console.error("waybill: the console did not come up within 2 minutes.");
    return stopAll(1);
  }

  const lines = [
    "",
    "  Waybill is running.",
    "",
    `  Console   ${consoleUrl}`,
    `  Health    ${consoleUrl}/api/health`,
    `  API docs  ${consoleUrl}/api/v1/openapi.json`,
    `  Database  ${externalUrl ? "DATABASE_URL" : `embedded (${path.relative(PROJECT_ROOT, PG_DATA_DIR)}/)`}`,
  ];
  if (demo) {
    lines.push("", `  Demo logins (password for all: ${demo.credentials.password})`);
    for (const user of demo.credentials.users) {
      lines.push(
        `    ${user.role.padEnd(14)} ${user.email}${user.tenant ? `  (tenant ${user.tenant})` : ""}`,
      );
    }
    lines.push("", "  Demo API keys (tenant REST API, Authorization: Bearer <key>)");
    for (const key of demo.credentials.apiKeys) lines.push(`    ${key.tenant.padEnd(8)} ${key.apiKey}`);
    lines.push(
      "",
      `  Provider simulator ${simulatorUrl} (a fake WhatsApp Cloud API; demo traffic on; ${simulatorUrl}/_admin/stats)`,
      "  Send a message yourself (then GET the Location it answers with, and its /events):",
      `    curl -i -X POST ${consoleUrl}/api/v1/messages -H "Authorization: Bearer <key>" \\`,
      `      -H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" \\`,
      `      -d '{"from":"+15550101001","to":"+15551234567","type":"template","template":{"name":"order_update","language":"en_US","bodyParameters":["#123","Friday"]}}'`,
    );
  }
  lines.push(
    "",
    "  Admin CLI: npm run waybill -- --help      Stop: Ctrl+C      Start over: npm run reset",
    "",
  );
  console.log(lines.join("\n"));
}

main().catch((error: unknown) => {
  console.error("waybill: start failed:", error);
  process.exit(1);
});
