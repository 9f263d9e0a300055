// Row-level security as a matrix over the catalogue (ADR 013): for every tenant table, a
// transaction as waybill_app scoped to tenant A reads and writes only A's rows, one with no scope
// sees nothing, the platform role sees every tenant; and the two ways the code enters the scope
// (Prisma and plain pg) really do, as do the tenant REST API's reads and the console's tenant-rung
// reads (tRPC queries), whose search by number keeps its index in the scope. Runs on a database
// of its own: to give every tenant table a row per tenant without building each table's whole
// world, the seeding drops the check constraints and turns foreign keys off, which a shared
// database must not see.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCallerFactory,
  createInnerContext,
  createTRPCRouter,
  tenantProcedure,
} from "@/server/api/trpc";
import { createDb, type TDb } from "@/server/db/client";
import { inPgTransaction } from "@/server/db/pg-transaction";
import { searchMessagesSql } from "@/server/db/queries/messages";
import { inTenantScope, tenantIdsSetting } from "@/server/db/tenant-scope";
import {
  handleCreateEndpoint,
  handleDeleteEndpoint,
  handleGetEndpoint,
  handleListDeliveries,
  handleListEndpoints,
  handleRedeliver,
  handleRotateSecret,
  handleTestEndpoint,
  handleUpdateEndpoint,
} from "@/server/rest/endpoints";
import {
  handleGetMessage,
  handleListMessageEvents,
  handleSendMessage,
  hotPathRestDeps,
  type TRestDeps,
} from "@/server/rest/messages";
import { createApiKeyVerifier } from "@/server/services/api-keys";
import { scopedSqlOfPool } from "@/server/db/scoped-sql";
import { handleGetTenant } from "@/server/rest/tenant";
import { handleGetUsage } from "@/server/rest/usage";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { makeMessage } from "../factories/messages";
import { readTenantTables } from "../setup/catalogue";
import { testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";
import { createTestDatabase, type TTestDatabase } from "../setup/test-database";

const A = crypto.randomUUID();
const B = crypto.randomUUID();

type TColumn = { name: string; type: string; category: string; isEnum: boolean; isRequired: boolean };

let database: TTestDatabase;
let client: pg.Client;
let tables: string[];
const columnsOf = new Map<string, TColumn[]>();

// columns the database fills (identity, generated) are left out of every column list

/** A value of the column's type, as SQL: constraints are dropped, so only the type matters. */
function sampleValue(column: TColumn, tenantId: string): string {
  if (column.name === "tenant_id") return `'${tenantId}'::uuid`;
  if (column.isEnum)
    return `(SELECT enumlabel FROM pg_enum WHERE enumtypid = '${column.type}'::regtype ORDER BY enumsortorder LIMIT 1)::${column.type}`;
  if (column.category === "A") return `'{}'::${column.type}`;
  switch (column.type) {
    case "uuid":
      return "gen_random_uuid()";
    case "jsonb":
    case "json":
      return `'{}'::${column.type}`;
    case "bytea":
      return "'\\x00'::bytea";
    case "boolean":
      return "false";
  }
  if (column.category === "N") return `1::${column.type}`;
  if (column.category === "D") return `now()::${column.type}`;
  if (column.category === "S") return `'x'::${column.type}`;
  throw new Error(`no sample value for ${column.name} ${column.type}`);
}

beforeAll(async () => {
  database = await createTestDatabase("rls");
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  tables = await readTenantTables(client);
  for (const table of tables) {
    const { rows } = await client.query<TColumn>(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory AS category,
              t.typtype = 'e' AS "isEnum", a.attnotnull AND NOT a.atthasdef AS "isRequired"
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
         AND a.attgenerated = '' AND a.attidentity = ''
       ORDER BY a.attnum`,
      [table],
    );
    columnsOf.set(table, rows);
  }
  await client.query("BEGIN");
  // foreign keys are triggers: replica mode turns them off for the seeding
  await client.query("SET LOCAL session_replication_role = replica");
  const { rows: checks } = await client.query<{ table: string; name: string }>(
    `SELECT conrelid::regclass::text AS table, conname AS name FROM pg_constraint
     WHERE contype = 'c' AND conrelid::regclass::text = ANY ($1::text[])`,
    [tables],
  );
  for (const check of checks)
    await client.query(`ALTER TABLE ${check.table} DROP CONSTRAINT ${client.escapeIdentifier(check.name)}`);
  for (const table of tables) {
    const columns = (columnsOf.get(table) ?? []).filter((c) => c.isRequired || c.name === "tenant_id");
    for (const tenantId of [A, B])
      await client.query(
        `INSERT INTO ${table} (${columns.map((c) => c.name).join(", ")})
         VALUES (${columns.map((c) => sampleValue(c, tenantId)).join(", ")})`,
      );
  }
  await client.query("COMMIT");
}, 120_000);

afterAll(async () => {
  await client?.end();
  await database?.dispose();
});

/** Runs `body` in a transaction as `role`, with `app.tenant_ids` set when given; rolled back. */
async function as<T>(role: string, tenantIds: string[] | null, body: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL ROLE ${role}`);
    if (tenantIds) await client.query("SELECT set_config('app.tenant_ids', $1, true)", [tenantIds.join(",")]);
    return await body();
  } finally {
    await client.query("ROLLBACK");
  }
}

/**
 * Runs `body` with every write taken away from waybill_app alone (the platform role that opened
 * the connections keeps its rights): a write that then fails ran as the app role.
 */
async function withoutAppWrites<T>(body: () => Promise<T>): Promise<T> {
  await client.query("REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM waybill_app");
  try {
    return await body();
  } finally {
    await client.query("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO waybill_app");
  }
}

/** The statement's error message, or null when it succeeded (inside a savepoint). */
async function failureOf(text: string, values: unknown[] = []): Promise<string | null> {
  await client.query("SAVEPOINT attempt");
  try {
    await client.query(text, values);
    await client.query("RELEASE SAVEPOINT attempt");
    return null;
  } catch (error) {
    await client.query("ROLLBACK TO SAVEPOINT attempt");
    return error instanceof Error ? error.message : String(error);
  }
}

async function tenantsSeen(table: string): Promise<string[]> {
  const { rows } = await client.query<{ tenant: string }>(
    `SELECT tenant_id::text AS tenant FROM ${table} WHERE tenant_id IN ($1, $2) ORDER BY 1`,
    [A, B],
  );
  return rows.map((r) => r.tenant);
}

describe("row-level security on every tenant table", () => {
  it("covers the catalogue's tenant tables, each seeded with a row of A and of B", async () => {
    expect(tables.length).toBeGreaterThan(20);
    for (const table of tables) expect(await tenantsSeen(table), table).toEqual([A, B].sort());
  });

  it("scoped to A, the app role reads only A's rows; with no scope it reads nothing", async () => {
    for (const table of tables) {
      expect(await as("waybill_app", [A], () => tenantsSeen(table)), table).toEqual([A]);
      expect(await as("waybill_app", [A, B], () => tenantsSeen(table)), table).toEqual([A, B].sort());
      expect(await as("waybill_app", null, () => tenantsSeen(table)), table).toEqual([]);
      expect(await as("waybill_app", [], () => tenantsSeen(table)), table).toEqual([]);
    }
  });

  it("scoped to A, the app role can neither change B's rows nor write a row into B", async () => {
    for (const table of tables) {
      const columns = (columnsOf.get(table) ?? []).map((c) => c.name).join(", ");
      await as("waybill_app", [A], async () => {
        // B's rows are invisible: updating or deleting them touches nothing
        const updated = await client.query(`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = $1`, [
          B,
        ]);
        expect(updated.rowCount, `${table}: update of B`).toBe(0);
        const deleted = await client.query(`DELETE FROM ${table} WHERE tenant_id = $1`, [B]);
        expect(deleted.rowCount, `${table}: delete of B`).toBe(0);
        // a copy of A's row labelled B is refused
        const inserted = await failureOf(
          `INSERT INTO ${table} (${columns})
           SELECT ${columns} FROM jsonb_populate_record(NULL::${table},
             (SELECT to_jsonb(r) || jsonb_build_object('tenant_id', $1::uuid) FROM ${table} r LIMIT 1))`,
          [B],
        );
        expect(inserted, `${table}: insert into B`).toMatch(/row-level security/);
        // moving A's row to B is refused (append-only tables refuse any update first)
        const moved = await failureOf(`UPDATE ${table} SET tenant_id = $1`, [B]);
        expect(moved, `${table}: move to B`).toMatch(/row-level security|append-only/);
      });
      expect(await tenantsSeen(table), table).toEqual([A, B].sort());
    }
  });

  it("with no scope the app role cannot write even its own row", async () => {
    for (const table of tables) {
      const columns = (columnsOf.get(table) ?? []).map((c) => c.name).join(", ");
      const { rows } = await client.query<{ row: unknown }>(
        `SELECT to_jsonb(r) AS row FROM ${table} r WHERE tenant_id = $1`,
        [A],
      );
      await as("waybill_app", null, async () => {
        const inserted = await failureOf(
          `INSERT INTO ${table} (${columns}) SELECT ${columns} FROM jsonb_populate_record(NULL::${table}, $1::jsonb)`,
          [JSON.stringify(rows[0]?.row)],
        );
        expect(inserted, table).toMatch(/row-level security/);
      });
    }
  });

  it("the platform role's explicit bypass sees and writes every tenant", async () => {
    for (const table of tables) {
      await as("waybill_platform", null, async () => {
        expect(await tenantsSeen(table), table).toEqual([A, B].sort());
        // a tenant list does not narrow the platform role: its policy is the bypass
        await client.query("SELECT set_config('app.tenant_ids', $1, true)", [A]);
        expect(await tenantsSeen(table), table).toEqual([A, B].sort());
        const updated = await failureOf(
          `DO $$ DECLARE n int; BEGIN
             UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = '${B}';
             GET DIAGNOSTICS n = ROW_COUNT;
             IF n <> 1 THEN RAISE EXCEPTION 'updated % rows of B', n; END IF;
           END $$`,
        );
        // append-only tables refuse the update itself, never the bypass
        if (updated !== null) expect(updated, table).toMatch(/append-only/);
      });
    }
  });
});

describe("entering the tenant scope from application code", () => {
  let db: TDb;
  let pool: pg.Pool;
  beforeAll(() => {
    // one connection each: what the scope sets must not outlive its transaction on that connection
    db = createDb(database.url, { max: 1 });
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await db.$disconnect();
    await pool.end();
  });

  it("Prisma: a query without a tenant filter sees only the scope's tenants, and the connection goes back as it was", async () => {
    const seen = await inTenantScope(db, [A], (tx) =>
      tx.message.findMany({ where: { tenantId: { in: [A, B] } }, select: { tenantId: true } }),
    );
    expect(seen.map((m) => m.tenantId)).toEqual([A]);
    const after = await db.$queryRawUnsafe<{ user: string; tenants: string | null }[]>(
      "SELECT current_user::text AS user, current_setting('app.tenant_ids', true) AS tenants",
    );
    expect(after[0]?.user).not.toBe("waybill_app");
    expect(after[0]?.tenants ?? "").toBe("");
    expect(await db.message.count({ where: { tenantId: { in: [A, B] } } })).toBe(2);
  });

  it("Prisma: a write into another tenant fails and rolls the whole transaction back", async () => {
    await expect(
      inTenantScope(db, [A], (tx) =>
        tx.$executeRawUnsafe("UPDATE message SET tenant_id = $1::uuid WHERE tenant_id = $2::uuid", B, A),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("plain pg: inPgTransaction with tenantIds runs as the app role, scoped", async () => {
    const seen = await inPgTransaction(
      pool,
      (sql) =>
        sql.query<{ tenant: string; user: string }>(
          "SELECT tenant_id::text AS tenant, current_user::text AS user FROM message WHERE tenant_id IN ($1, $2)",
          [A, B],
        ),
      { tenantIds: [B] },
    );
    expect(seen).toEqual([{ tenant: B, user: "waybill_app" }]);
    const after = await pool.query<{ user: string }>("SELECT current_user::text AS user");
    expect(after.rows[0]?.user).not.toBe("waybill_app");
  });

  it("refuses a tenant list that is not a list of uuids instead of widening it", () => {
    expect(() => tenantIdsSetting([A, `${B},*`])).toThrow(/not a tenant id/);
    expect(tenantIdsSetting([A, B])).toBe(`${A},${B}`);
  });
});

describe("the tenant REST API reads inside the tenant scope", () => {
  let db: TDb;
  let key: string;
  beforeAll(async () => {
    db = createDb(database.url, { max: 2 });
    key = (await makeApiKey(db, (await makeTenant(db)).id)).apiKey;
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  const get = (path: string) =>
    new Request(`http://waybill.test${path}`, { headers: { Authorization: `Bearer ${key}` } });
  const someId = crypto.randomUUID();
  const deps = () => ({ db, box: testSecretBox, allowHttp: false, now: () => new Date() });
  // Each read, and a table it reads. Taking that table away from waybill_app alone must break the
  // read: proof that it runs as the app role (the platform role that opened the connection
  // still has the table).
  const reads: [string, string[], () => Promise<Response>][] = [
    ["GET /api/v1/tenant", ["sender_number"], () => handleGetTenant(deps(), get("/api/v1/tenant"))],
    ["GET /api/v1/usage", ["usage_message"], () => handleGetUsage(deps(), get("/api/v1/usage"))],
    [
      "GET /api/v1/messages/{id}",
      ["message"],
      () => handleGetMessage(deps(), get(`/api/v1/messages/${someId}`), someId),
    ],
    [
      "GET /api/v1/messages/{id}/events",
      ["message", "message_event"],
      () => handleListMessageEvents(deps(), get(`/api/v1/messages/${someId}/events`), someId),
    ],
    [
      "GET /api/v1/endpoints",
      ["webhook_endpoint"],
      () => handleListEndpoints(deps(), get("/api/v1/endpoints")),
    ],
    [
      "GET /api/v1/endpoints/{id}",
      ["webhook_endpoint"],
      () => handleGetEndpoint(deps(), get(`/api/v1/endpoints/${someId}`), someId),
    ],
    [
      "GET /api/v1/endpoints/{id}/deliveries",
      ["webhook_endpoint"],
      () => handleListDeliveries(deps(), get(`/api/v1/endpoints/${someId}/deliveries`), someId),
    ],
  ];

  it.each(reads)("%s runs as waybill_app", async (_route, tables, read) => {
    expect([200, 404]).toContain((await read()).status);
    await client.query(`REVOKE SELECT ON ${tables.join(", ")} FROM waybill_app`);
    try {
      await expect(read()).rejects.toThrow(/permission denied/);
    } finally {
      await client.query(`GRANT SELECT ON ${tables.join(", ")} TO waybill_app`);
    }
  });
});

describe("the console's tenant-rung reads inside the tenant scope", () => {
  let db: TDb;
  // two tenants with a message each to the same number
  const recipient = `1555${crypto.randomInt(1_000_000, 9_999_999)}`;
  let tenantA: string;
  let tenantB: string;
  let messageOfA: string;
  let messageOfB: string;
  beforeAll(async () => {
    db = createDb(database.url, { max: 2 });
    for (const which of ["A", "B"] as const) {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      const { id } = await makeMessage(db, { tenantId: tenant.id, senderNumberId: sender.id, recipient });
      if (which === "A") [tenantA, messageOfA] = [tenant.id, id];
      else [tenantB, messageOfB] = [tenant.id, id];
    }
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it("a read that forgets its tenant filter still sees only the named tenant: the policy holds, not the query", async () => {
    // a procedure on the real tenant rung whose query has no tenant filter at all
    const forgetful = createTRPCRouter({
      messages: tenantProcedure.query(({ ctx }) =>
        ctx.db.message.findMany({
          where: { id: { in: [messageOfA, messageOfB] } },
          select: { tenantId: true, id: true },
        }),
      ),
    });
    const admin = await makeUser(db, "tenant_admin", { tenantId: tenantA });
    const caller = createCallerFactory(forgetful)(
      createInnerContext({
        db,
        secretBox: testSecretBox,
        queue: () => Promise.reject(new Error("no queue in this test")),
        sessionUser: admin,
        ip: "127.0.0.1",
      }),
    );
    expect(await caller.messages({ tenantId: tenantA })).toEqual([{ tenantId: tenantA, id: messageOfA }]);
    // the same query outside the scope would have read both tenants' rows
    const unscoped = await db.message.findMany({
      where: { id: { in: [messageOfA, messageOfB] } },
      select: { tenantId: true },
    });
    expect(unscoped.map((m) => m.tenantId).sort()).toEqual([tenantA, tenantB].sort());
  });

  it("a query runs as waybill_app for a tenant admin and for a cross-tenant role alike", async () => {
    for (const user of [
      await makeUser(db, "tenant_admin", { tenantId: tenantA }),
      await makeUser(db, "engineer"),
    ]) {
      const caller = callerFor(db, user);
      expect((await caller.tenants.overview({ tenantId: tenantA })).tenant.id).toBe(tenantA);
      // sender_number taken from waybill_app alone: the overview fails, so it read as that role
      await client.query("REVOKE SELECT ON sender_number FROM waybill_app");
      try {
        await expect(caller.tenants.overview({ tenantId: tenantA })).rejects.toThrow(/permission denied/);
      } finally {
        await client.query("GRANT SELECT ON sender_number TO waybill_app");
      }
    }
  });

  it("the search by number finds the tenant's message by the whole number and by its last digits", async () => {
    const caller = callerFor(db, await makeUser(db, "support_agent"));
    for (const term of [`+${recipient}`, recipient.slice(-4)]) {
      const page = await caller.messages.search({ tenantId: tenantA, recipient: term });
      expect(
        page.items.map((m) => m.id),
        term,
      ).toEqual([messageOfA]);
    }
  });

  it("the search by number reads the stored reversed column through its index in the scope", async () => {
    const { rows: columns } = await client.query<{ generated: string }>(
      "SELECT generation_expression AS generated FROM information_schema.columns WHERE table_name = 'message' AND column_name = 'recipient_reversed'",
    );
    expect(columns).toEqual([{ generated: "reverse(recipient)" }]);
    for (const recipientFilter of [
      { kind: "exact" as const, digits: recipient },
      { kind: "suffix" as const, digits: recipient.slice(-4) },
    ]) {
      const sql = searchMessagesSql([tenantA], {
        recipient: recipientFilter,
        sort: "created_desc",
        limit: 50,
      });
      await client.query("BEGIN");
      let plan: string;
      try {
        // the tenant's other 5,000 messages, to other numbers (rolled back): on a handful of rows
        // any scan is cheapest and the plan would prove nothing
        const columns = (columnsOf.get("message") ?? []).map((c) => c.name);
        const copied = columns.map((c) =>
          c === "id"
            ? "gen_random_uuid()"
            : c === "recipient"
              ? "'1999' || lpad(g::text, 7, '0')"
              : c === "provider_message_id" || c === "idempotency_key"
                ? "NULL"
                : c,
        );
        await client.query(
          `INSERT INTO message (${columns.join(", ")})
           SELECT ${copied.join(", ")} FROM message, generate_series(1, 5000) g WHERE id = $1`,
          [messageOfA],
        );
        await client.query("ANALYZE message");
        await client.query(
          "SELECT set_config('role', 'waybill_app', true), set_config('app.tenant_ids', $1, true)",
          [tenantA],
        );
        const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql.text}`, sql.values);
        plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
      } finally {
        await client.query("ROLLBACK");
      }
      expect(plan, recipientFilter.kind).toMatch(
        /Index (Only )?Scan using message_tenant_id_recipient_reversed_idx on message m[\s\S]*?Index Cond: .*recipient_reversed/,
      );
      expect(plan, recipientFilter.kind).not.toMatch(/reverse\(/);
    }
  });
});

describe("the console's tenant-rung mutations inside the tenant scope", () => {
  let db: TDb;
  const tenants: { id: string; messageId: string }[] = [];
  beforeAll(async () => {
    db = createDb(database.url, { max: 2 });
    for (let i = 0; i < 2; i += 1) {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      const { id } = await makeMessage(db, { tenantId: tenant.id, senderNumberId: sender.id });
      tenants.push({ id: tenant.id, messageId: id });
    }
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it("a mutation that forgets its tenant filter changes only the named tenant's row, in its service's own transaction too", async () => {
    const [a, b] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const both = { id: { in: [a.messageId, b.messageId] } };
    // procedures on the real tenant rung whose writes have no tenant filter at all
    const forgetful = createTRPCRouter({
      direct: tenantProcedure.mutation(({ ctx }) =>
        ctx.db.message.updateMany({ where: both, data: { stateExplanation: "direct" } }),
      ),
      // a service's unit of work (`db.$transaction`) runs in the scope's transaction
      nested: tenantProcedure.mutation(({ ctx }) =>
        ctx.db.$transaction((tx) =>
          tx.message.updateMany({ where: both, data: { stateExplanation: "nested" } }),
        ),
      ),
    });
    const caller = createCallerFactory(forgetful)(
      createInnerContext({
        db,
        secretBox: testSecretBox,
        queue: () => Promise.reject(new Error("no queue in this test")),
        sessionUser: await makeUser(db, "tenant_admin", { tenantId: a.id }),
        ip: "127.0.0.1",
      }),
    );
    const before = await db.message.findUnique({
      where: { tenantId_id: { tenantId: b.id, id: b.messageId } },
    });
    expect(await caller.direct({ tenantId: a.id })).toEqual({ count: 1 });
    expect(await caller.nested({ tenantId: a.id })).toEqual({ count: 1 });
    const after = await db.message.findMany({
      where: both,
      select: { tenantId: true, stateExplanation: true },
    });
    expect(after.find((m) => m.tenantId === a.id)?.stateExplanation).toBe("nested");
    // B's row is as it was: outside the scope the same writes would have changed it twice
    expect(after.find((m) => m.tenantId === b.id)?.stateExplanation).toBe(before?.stateExplanation);
  });

  it("mutations run as waybill_app: each succeeds, and fails once the app role may not write", async () => {
    const [a] = tenants as [(typeof tenants)[0]];
    const caller = callerFor(db, await makeUser(db, "admin"));
    const mutations: [string, () => Promise<unknown>][] = [
      [
        "messages.annotate",
        () => caller.messages.annotate({ tenantId: a.id, messageId: a.messageId, note: "n" }),
      ],
      [
        "disputes.open",
        () =>
          caller.disputes.open({
            tenantId: a.id,
            messageId: a.messageId,
            ticketRef: `T-${crypto.randomUUID()}`,
          }),
      ],
      [
        "webhooks.create",
        () =>
          caller.webhooks.create({
            tenantId: a.id,
            url: "https://example.com/hook",
            eventTypes: ["message.read"],
          }),
      ],
      // opens its scope as repeatable read (the bundle's one snapshot) and audits
      [
        "messages.exportEvidence",
        () => caller.messages.exportEvidence({ tenantId: a.id, messageId: a.messageId }),
      ],
    ];
    for (const [name, mutate] of mutations) {
      await expect(withoutAppWrites(mutate), name).rejects.toThrow(/permission denied/);
      if (name === "disputes.open") continue; // refused above, it opens fine once; not twice
      await expect(mutate(), name).resolves.toBeDefined();
    }
    await expect(mutations[1]![1]()).resolves.toMatchObject({ status: "open" });
  });
});

describe("the tenant REST API's writes inside the tenant scope", () => {
  let db: TDb;
  let pool: pg.Pool;
  let tenantId: string;
  let key: string;
  let sender: string;
  beforeAll(async () => {
    db = createDb(database.url, { max: 2 });
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    tenantId = (await makeTenant(db)).id;
    key = (await makeApiKey(db, tenantId)).apiKey;
    sender = (await makeSenderNumber(db, testSecretBox, tenantId)).displayNumber;
  });
  afterAll(async () => {
    await db.$disconnect();
    await pool.end();
  });

  const deps = () => ({ db, box: testSecretBox, allowHttp: false, now: () => new Date() });
  const call = (method: string, body?: unknown) =>
    new Request("http://waybill.test/api/v1/x", {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const send = (restDeps: TRestDeps) =>
    handleSendMessage(
      restDeps,
      new Request("http://waybill.test/api/v1/messages", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "idempotency-key": crypto.randomUUID(),
        },
        body: JSON.stringify({ from: sender, to: "+15557770001", type: "text", text: { body: "hello" } }),
      }),
    );

  it("endpoint create, update, rotate, test, redeliver and delete run as waybill_app", async () => {
    // the key's last use is recorded by its first request, so the writes below are the handlers'
    const created = await handleCreateEndpoint(
      deps(),
      call("POST", { url: "https://example.com/hook", eventTypes: ["message.read"] }),
    );
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { endpoint: { id: string } }).endpoint.id;
    const writes: [string, number, () => Promise<Response>][] = [
      [
        "POST /endpoints",
        201,
        () =>
          handleCreateEndpoint(
            deps(),
            call("POST", { url: "https://example.com/b", eventTypes: ["message.read"] }),
          ),
      ],
      [
        "PATCH /endpoints/{id}",
        200,
        () => handleUpdateEndpoint(deps(), call("PATCH", { isEnabled: true }), id),
      ],
      ["POST /endpoints/{id}/rotate-secret", 200, () => handleRotateSecret(deps(), call("POST", {}), id)],
      ["POST /endpoints/{id}/test", 202, () => handleTestEndpoint(deps(), call("POST", {}), id)],
      [
        "POST /endpoints/{id}/redeliver",
        202,
        () => handleRedeliver(deps(), call("POST", { status: "failed" }), id),
      ],
      ["DELETE /endpoints/{id}", 204, () => handleDeleteEndpoint(deps(), call("DELETE"), id)],
    ];
    for (const [route, status, write] of writes) {
      await expect(withoutAppWrites(write), route).rejects.toThrow(/permission denied/);
      expect((await write()).status, route).toBe(status);
    }
  });

  it("the send intake writes as waybill_app, on the hot path's groups and through Prisma alike", async () => {
    for (const restDeps of [hotPathRestDeps(db, pool), { db, now: () => new Date() }]) {
      expect((await send(restDeps)).status).toBe(202);
      await expect(withoutAppWrites(() => send(restDeps))).rejects.toThrow(/permission denied/);
    }
  });

  it("an API key is read in its tenant's scope: a token naming another tenant finds no key", async () => {
    const verify = createApiKeyVerifier(scopedSqlOfPool(pool), { ttlMs: 0 });
    expect(await verify(key, new Date())).toMatchObject({ ok: true, tenantId });
    // the same key id and secret under another tenant's id: the scope hides the key's row
    const other = (await makeTenant(db)).id;
    expect(await verify(key.replace(tenantId, other), new Date())).toEqual({ ok: false, reason: "unknown" });
    await client.query("REVOKE SELECT ON api_key FROM waybill_app");
    try {
      await expect(verify(key, new Date())).rejects.toThrow(/permission denied/);
    } finally {
      await client.query("GRANT SELECT ON api_key TO waybill_app");
    }
  });
});
