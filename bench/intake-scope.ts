// The send intake's group statement in and out of the tenant scope (ADR 013), statement by
// statement on one connection, so PostgreSQL's CPU per request is the statement's and not the
// load generator's or the HTTP stack's: on a fresh database (two tenants, a sender each), groups
// of --group requests alternating between the tenants are written in rounds, one form per round:
//   autocommit   the statement as the intake ran it before the scope: unnamed, in autocommit;
//   scoped       BEGIN with the group's tenant scope (one round trip), the unnamed statement, COMMIT;
//   scopedPlan   the hot path's form: the same, the statement prepared with a generic plan.
// Every round writes --groups groups after an ANALYZE (`--no-analyze`: without, so the plans are
// made on the fresh tables' missing statistics, as in the first minute of bench/send.ts), and
// reports the backend's CPU per request (/proc) and the round's wall time. The forms alternate,
// so a shared machine's load falls on each alike.
// Run: npx tsx bench/intake-scope.ts [--group 8] [--groups 250] [--rounds 3] [--no-analyze]
// Results: bench/RESULTS.md ("Send intake in the tenant scope").
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { sqlOfPg } from "@/server/db/sql";
import { enterTenantScopeSql } from "@/server/db/tenant-scope";
import { requestSend, writeIntakeRows, type TIntakeRow } from "@/server/services/sending/request-send";
import { createSenderDirectory } from "@/server/services/sending/sender-directory";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { testSecretBox } from "@/tests/setup/context";
import { createTestDatabase } from "@/tests/setup/test-database";
import { cpuSecondsOf } from "./lib/cpu-meter";

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const GROUP = Number(flag("group", "8"));
const GROUPS = Number(flag("groups", "250"));
const ROUNDS = Number(flag("rounds", "3"));
const ANALYZE = !process.argv.includes("--no-analyze");

const database = await createTestDatabase("intake_scope");
const db = createDb(database.url, { max: 2 });
const client = new pg.Client({ connectionString: database.url, application_name: "intake-scope" });
await client.connect();
const backend = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
const tenants: { id: string; from: string }[] = [];
for (let i = 0; i < 2; i += 1) {
  const tenant = await makeTenant(db);
  tenants.push({ id: tenant.id, from: (await makeSenderNumber(db, testSecretBox, tenant.id)).displayNumber });
}
const tenantIds = tenants.map((t) => t.id);

// the rows requestSend would write (its writer captures them instead of writing)
let seq = 0;
async function groupOfRows(): Promise<TIntakeRow[]> {
  const rows: TIntakeRow[] = [];
  const senders = createSenderDirectory();
  for (let i = 0; i < GROUP; i += 1) {
    seq += 1;
    const tenant = tenants[seq % 2]!;
    await requestSend(
      {
        sql: sqlOfPg(client),
        scoped: () => Promise.reject(new Error("not used")),
        db,
        senders,
        wake: () => {},
        write: (row) => {
          rows.push(row);
          return Promise.resolve({
            created_id: row.messageId,
            has_sender: true,
            existing_id: null,
            existing_hash: null,
            updated_at: null,
          });
        },
      },
      {
        tenantId: tenant.id,
        request: {
          from: tenant.from,
          to: `+1555${String(seq).padStart(7, "0")}`,
          type: "text",
          text: { body: "hi" },
        },
        idempotencyKey: `k-${seq}`,
        origin: { kind: "api", apiKeyId: crypto.randomUUID() },
        now: new Date(),
      },
    );
  }
  return rows;
}

const FORMS: Record<string, (rows: TIntakeRow[]) => Promise<unknown>> = {
  autocommit: (rows) => writeIntakeRows(sqlOfPg(client), rows),
  scoped: async (rows) => {
    await client.query(`BEGIN; ${enterTenantScopeSql(tenantIds)}`);
    await writeIntakeRows(sqlOfPg(client), rows);
    await client.query("COMMIT");
  },
  scopedPlan: async (rows) => {
    await client.query(
      `BEGIN; ${enterTenantScopeSql(tenantIds)}; SET LOCAL plan_cache_mode = force_generic_plan`,
    );
    await writeIntakeRows(sqlOfPg(client, { isPrepared: true }), rows);
    await client.query("COMMIT");
  },
};

console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; ${new Date().toISOString()}`,
);
console.log(
  `groups of ${GROUP} requests over 2 tenants, ${GROUPS} groups per round, ANALYZE before each: ${ANALYZE}`,
);
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const [form, write] of Object.entries(FORMS)) {
    const groups: TIntakeRow[][] = [];
    for (let g = 0; g < GROUPS; g += 1) groups.push(await groupOfRows());
    if (ANALYZE) await client.query("ANALYZE");
    const cpuBefore = cpuSecondsOf(backend) ?? 0;
    const started = performance.now();
    for (const rows of groups) await write(rows);
    const ms = performance.now() - started;
    const cpuMs = ((cpuSecondsOf(backend) ?? 0) - cpuBefore) * 1000;
    const requests = GROUPS * GROUP;
    console.log(
      `round ${round} ${form.padEnd(10)} PostgreSQL ${(cpuMs / requests).toFixed(3)} CPU ms per request, wall ${(ms / requests).toFixed(3)} ms per request (${requests} requests; load ${os.loadavg()[0]?.toFixed(1)})`,
    );
  }
}
await client.end();
await db.$disconnect();
await database.dispose();
