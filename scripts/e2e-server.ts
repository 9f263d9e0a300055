// The system under test for Playwright: a fresh database (DATABASE_URL's server or an embedded
// one), migrated and seeded with the demo data, then the production build (`next start`), the
// worker and the provider simulator. Playwright starts this as its webServer and stops it after the run.
// Each process logs at info (production's level) into its own file under the run's log folder,
// which e2e/log-scan.spec.ts scans for phone numbers and message bodies after the journeys.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEnv, ZWebEnvSchema } from "@/server/config/env";
import { createDb } from "@/server/db/client";
import { WORKER_NODE_FLAGS } from "@/server/worker/node-flags";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { buildDemoSimulatorConfig } from "@/server/providers/simulator/demo-config";
import { PROJECT_ROOT } from "@/server/platform/local-state";
import { createSecretBox } from "@/server/platform/secret-box";
import { DEMO_TENANTS, seedDemo } from "@/prisma/seed";
import { createTestDatabase } from "@/tests/setup/test-database";
import { e2eRunFolder, type TE2eRun } from "@/tests/setup/e2e-run";

const port = Number(process.env.E2E_PORT ?? 3100);

/** Sends a child's output to its log file; stderr is echoed too, so a start-up failure shows. */
function logTo(child: ChildProcess, file: string): ChildProcess {
  const out = fs.createWriteStream(file);
  child.stdout?.pipe(out, { end: false });
  child.stderr?.on("data", (chunk: Buffer) => {
    out.write(chunk);
    process.stderr.write(chunk);
  });
  return child;
}

async function main() {
  const database = await createTestDatabase("e2e");
  // the provider simulator stands in for Meta: the worker sends to it, it posts signed webhooks
  const simulatorPort = await findFreePort();
  const simulatorConfig = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), "waybill-e2e-sim-")),
    "simulator.json",
  );
  fs.writeFileSync(
    simulatorConfig,
    JSON.stringify({
      ...buildDemoSimulatorConfig(
        DEMO_TENANTS.flatMap((t) =>
          t.numbers.map((n) => ({ ...n, isTroubled: n.displayNumber === "+15550101002" })),
        ),
      ),
      // the demo's timed quality updates would move the troubled number's limit between 250 and
      // 1K every ten minutes, so what a journey reads would depend on how long the run has taken
      qualitySchedules: [],
    }),
  );
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: database.url,
    AUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
    AUTH_URL: `http://127.0.0.1:${port}`,
    WAYBILL_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    WHATSAPP_APP_SECRET: crypto.randomBytes(16).toString("hex"),
    WHATSAPP_VERIFY_TOKEN: crypto.randomBytes(12).toString("hex"),
    WAYBILL_DEMO: "1",
    WAYBILL_WORKER_HEARTBEAT_SECONDS: "2",
    WHATSAPP_GRAPH_API_URL: `http://127.0.0.1:${simulatorPort}`,
    LOG_LEVEL: "info",
  };
  const checked = parseEnv(ZWebEnvSchema, env);
  const db = createDb(database.url, { max: 2 });
  await seedDemo(db, createSecretBox(checked.WAYBILL_ENCRYPTION_KEY), null);
  await db.$disconnect();

  const folder = e2eRunFolder(port);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  const logFile = (name: string) => path.join(folder, `${name}.log`);
  // the simulator stands in for Meta, which holds numbers by its nature: its log is kept for
  // debugging but is not Waybill's, so only the web's and the worker's are scanned
  const run: TE2eRun = { databaseUrl: database.url, applicationLogs: ["web", "worker"].map(logFile) };
  fs.writeFileSync(path.join(folder, "run.json"), JSON.stringify(run));
  const stdio: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];

  const children: ChildProcess[] = [
    logTo(
      spawn(
        process.execPath,
        [path.join(PROJECT_ROOT, "scripts/web-server.mjs"), "-p", String(port), "-H", "127.0.0.1"],
        { cwd: PROJECT_ROOT, env, stdio },
      ),
      logFile("web"),
    ),
    logTo(
      spawn(
        process.execPath,
        [...WORKER_NODE_FLAGS, "--import", "tsx", path.join(PROJECT_ROOT, "server/worker/main.ts")],
        {
          cwd: PROJECT_ROOT,
          env,
          stdio,
        },
      ),
      logFile("worker"),
    ),
    // no demo traffic: the journeys create the data they assert on
    logTo(
      spawn(
        process.execPath,
        ["--import", "tsx", path.join(PROJECT_ROOT, "server/providers/simulator/main.ts")],
        {
          cwd: PROJECT_ROOT,
          env: {
            ...env,
            WAYBILL_SIMULATOR_PORT: String(simulatorPort),
            WAYBILL_SIMULATOR_WEBHOOK_URL: `http://127.0.0.1:${port}/api/webhooks/whatsapp`,
            WAYBILL_SIMULATOR_CONFIG: simulatorConfig,
            WAYBILL_SIMULATOR_SEED: "1",
          },
          stdio,
        },
      ),
      logFile("simulator"),
    ),
  ];
  let isStopping = false;
  const stop = async () => {
    if (isStopping) return;
    isStopping = true;
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) =>
            // a child killed by a signal has no exit code, only a signal code: it has exited too
            // (waiting for its "exit" again would leave this promise, and the cleanup, pending)
            c.exitCode !== null || c.signalCode !== null
              ? resolve()
              : (c.once("exit", () => resolve()), c.kill("SIGTERM")),
          ),
      ),
    );
    await database.dispose();
    process.exit(0);
  };
  for (const child of children) child.on("exit", () => void stop());
  // embedded-postgres's exit hook exits the process on SIGTERM/SIGINT before an async cleanup can
  // finish; this script stops its own database (embedded or not) in stop(), so it takes over
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((error: unknown) => {
  console.error("e2e server failed:", error);
  process.exit(1);
});
