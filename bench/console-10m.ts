// The console at platform scale: 3,000,000 messages and 10,000,000 ledger events across 20
// tenants (one holding 24 %), created over the 90 days up to now, bulk-loaded set-based
// (INSERT ... SELECT generate_series, no JavaScript loops) into a fresh database. Then every
// console page's reads run through the real tRPC procedures (a caller with an engineer's or a
// tenant admin's session), each timed, and every SQL statement they sent is re-run with
// EXPLAIN (ANALYZE, BUFFERS): the plans go to bench/results/console-10m-plans.md, the timings
// and a check that no statement sequentially scans the ledger tables to bench/RESULTS.md.
//
// Run: npx tsx bench/console-10m.ts [messages=3000000] [--keep] [--reuse=<database url>] [--no-write] [--only=<text>]
//   --keep leaves the loaded database (its URL is printed); --reuse measures one kept earlier;
//   --only measures the cases whose name contains the text (and writes nothing);
//   --resume=<url> finishes a kept load that stopped after its messages (then measure with --reuse).
import crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { createDb, type TDb } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { createSecretBox } from "@/server/platform/secret-box";
import { rebuildRollups } from "@/server/services/insights/rebuild-rollups";
import { installProjectors } from "@/server/services/projectors";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { createTestDatabase } from "@/tests/setup/test-database";
import { loadLargeLedger, loadLedgerRows, type TBenchTenant } from "./lib/large-ledger";
import { measureConsole10m } from "./lib/console-10m-cases";

const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3_000_000);
const EVENTS = Math.round((N * 10) / 3);
const TENANTS = 20;
const isKeeping = process.argv.includes("--keep");
const reuse = process.argv.find((a) => a.startsWith("--reuse="))?.slice("--reuse=".length);
const resumeUrl = process.argv.find((a) => a.startsWith("--resume="))?.slice("--resume=".length);
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const isWriting = !process.argv.includes("--no-write") && only === undefined;
const DAY = 86_400_000;

async function load(url: string) {
  const db = createDb(url, { max: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const box = createSecretBox(crypto.randomBytes(32).toString("base64"));
    const tenants: TBenchTenant[] = [];
    for (let i = 0; i < TENANTS; i += 1) {
      const tenant = await makeTenant(db);
      const senders = [
        (await makeSenderNumber(db, box, tenant.id)).id,
        (await makeSenderNumber(db, box, tenant.id)).id,
      ];
      tenants.push({ id: tenant.id, senders, share: i === 0 ? 0.24 : 0.76 / (TENANTS - 1) });
    }
    const started = performance.now();
    const now = Date.now();
    await loadLargeLedger(
      pool,
      tenants,
      N,
      { startMs: now - 90 * DAY, spanMs: 90 * DAY },
      { totalEvents: EVENTS },
    );
    await finish(db, pool, tenants);
    const seconds = (performance.now() - started) / 1000;
    console.log(`loaded in ${seconds.toFixed(0)} s`);
    return seconds;
  } finally {
    await pool.end();
    await db.$disconnect();
  }
}

/** A load stopped after its messages: the ledger rows and the rest. */
async function resume(url: string) {
  const db = createDb(url, { max: 4 });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  try {
    const started = performance.now();
    await loadLedgerRows(pool, { totalEvents: EVENTS });
    const { rows } = await pool.query<{ id: string }>("SELECT id::text FROM tenant ORDER BY created_at");
    await finish(
      db,
      pool,
      rows.map((r) => ({ id: r.id, senders: [], share: 0 })),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`resumed and loaded in ${seconds.toFixed(0)} s`);
  } finally {
    await pool.end();
    await db.$disconnect();
  }
}

async function finish(db: TDb, pool: pg.Pool, tenants: readonly TBenchTenant[]) {
  {
    const rebuildStarted = performance.now();
    for (const tenant of tenants) await rebuildRollups(db, tenant.id);
    console.log(`  rollups rebuilt: ${((performance.now() - rebuildStarted) / 1000).toFixed(1)} s`);
    const vacuumStarted = performance.now();
    await pool.query("VACUUM ANALYZE");
    console.log(`  VACUUM ANALYZE: ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);
  }
}

async function main() {
  // the measured procedures' fixtures append to ledgers, which run the process's projectors
  installProjectors();
  console.log(
    `console-10m bench: ${N.toLocaleString("en")} messages, ${EVENTS.toLocaleString("en")} events, ${TENANTS} tenants`,
  );
  if (resumeUrl) {
    await resume(resumeUrl);
    return;
  }
  const database = reuse ? { url: reuse, dispose: async () => {} } : await createTestDatabase("bench_10m");
  if (!reuse) console.log(`database: ${database.url}`);
  try {
    // a kept database is brought up to the current schema first (later migrations, new roles)
    if (reuse) await migrateDatabase(reuse);
    const loadSeconds = reuse ? null : await load(database.url);
    if (process.argv.includes("--load-only")) return;
    const db: TDb = createDb(database.url, { max: 10 });
    try {
      await measureConsole10m(db, database.url, {
        loadSeconds,
        isWriting,
        messages: N,
        events: EVENTS,
        only,
      });
    } finally {
      await db.$disconnect();
    }
  } finally {
    if (isKeeping) console.log(`kept: ${database.url}`);
    else await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
