// The insights rollups on real PostgreSQL: after varied appends (sent, delivered, read, failed,
// retries, dead letters, conflicts, duplicates, out-of-order arrivals), the pending deltas plus
// the rollups equal a fresh GROUP BY over `message` at every step; the fold moves deltas into the
// rollups exactly once (in batches, and with folders and writers running at the same time); a
// rebuild gives the same rows; the stored time to delivered matches the ledger.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/server/cli/main";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { deliveryLatencyMs, LATENCY_BUCKETS } from "@/server/domain/insights/delivery-latency";
import { ROLLUP_GRAINS } from "@/server/domain/insights/rollup";
import { foldRollupDeltas, foldTenant } from "@/server/services/insights/fold-rollups";
import { rebuildRollups } from "@/server/services/insights/rebuild-rollups";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { makeSenderNumber, makeTenant } from "../factories";
import { drafts, UNDELIVERABLE } from "../factories/ledger";
import { GENERIC_ERROR, makeMessage, stories, wamidFor, type TMessageStep } from "../factories/messages";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";

let db: TDb;
let admin: pg.Client;
const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);
const S = 1000;
const MIN = 60 * S;

const ECOSYSTEM: TLedgerError = {
  code: "131049",
  title: "This message was not delivered to maintain healthy ecosystem engagement.",
  message: "This message was not delivered to maintain healthy ecosystem engagement.",
  details: null,
};
const REENGAGEMENT: TLedgerError = {
  code: "131047",
  title: "Re-engagement message",
  message: "Re-engagement message",
  details: null,
};

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await db.$disconnect();
});

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed by its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rejected = (attempt: number, error: TLedgerError): TEventDraft => ({
  type: "provider_rejected",
  source: "provider_response",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(attempt, "rejected"),
  payload: {},
  attempt,
  error,
});
const retry = (attempt: number, notBefore: number, error: TLedgerError): TEventDraft => ({
  type: "retry_scheduled",
  source: "worker",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
  payload: {},
  attempt,
  notBefore,
  error,
});
const deadLettered = (attempt: number, error: TLedgerError): TEventDraft => ({
  type: "dead_lettered",
  source: "worker",
  providerTimestamp: null,
  dedupeKey: dedupeKey.deadLettered(attempt),
  payload: {},
  attempt,
  reason: `permanent error ${error.code}`,
  error,
});

/**
 * A random history: some of {accepted, sent, delivered, read, failed}, or a synchronous refusal
 * dead-lettered, or a retry; arrivals shuffled (out of order) and some re-delivered (duplicates).
 */
function randomSteps(next: () => number, t0: number): TMessageStep[] {
  const wamid = wamidFor("rnd");
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const kind = pick(["flow", "flow", "flow", "refused", "retried", "stuck"] as const);
  const steps: TMessageStep[] = [];
  let at = t0 + 200;
  const push = (...d: TEventDraft[]) => {
    at += Math.floor(next() * 20 * S);
    steps.push({ atMs: at, drafts: d });
  };
  push(drafts.attemptStarted(1));
  if (kind === "refused") {
    push(rejected(1, REENGAGEMENT), deadLettered(1, REENGAGEMENT));
    return steps;
  }
  if (kind === "stuck") return steps; // submitting: the answer never came
  let attempt = 1;
  if (kind === "retried") {
    push(rejected(1, GENERIC_ERROR), retry(2, at + 30 * S, GENERIC_ERROR));
    push(drafts.attemptStarted(2));
    attempt = 2;
  }
  push(drafts.accepted(attempt, wamid));
  const statuses: TEventDraft[] = [];
  const p0 = at;
  if (next() < 0.8) statuses.push(drafts.status("sent", wamid, p0 + 2 * S, attempt));
  const end = next();
  if (end < 0.45)
    statuses.push(drafts.status("delivered", wamid, p0 + Math.floor(next() * 40 * MIN), attempt));
  if (end < 0.25) statuses.push(drafts.status("read", wamid, p0 + Math.floor(next() * 90 * MIN), attempt));
  if (end >= 0.45 && end < 0.8)
    statuses.push(drafts.failed(wamid, p0 + 30 * S, next() < 0.5 ? UNDELIVERABLE : ECOSYSTEM, attempt));
  if (end < 0.1) statuses.push(drafts.failed(wamid, p0 + 8 * S, UNDELIVERABLE, attempt)); // a conflict
  // out of order: shuffle the statuses; duplicates: re-deliver some
  for (let i = statuses.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [statuses[i], statuses[j]] = [statuses[j]!, statuses[i]!];
  }
  for (const status of statuses) {
    push(status);
    if (next() < 0.3) push(status);
  }
  return steps;
}

const GRAINS = `(VALUES ${ROLLUP_GRAINS.map((g) => `(${g})`).join(", ")}) AS g (grain)`;
const BIN = (column: string) =>
  `date_bin(make_interval(mins => g.grain), ${column}, timestamptz '1970-01-01 00:00:00+00')`;
const THRESHOLDS = `ARRAY[${LATENCY_BUCKETS.map((b) => b.upperMs)
  .filter(Number.isFinite)
  .join(",")}]::int[]`;

type TShapes = { sender: string[]; template: string[]; latency: string[] };

/** A fresh GROUP BY over the tenant's messages, at every grain, as sorted strings. */
async function expectedFromMessages(tenantId: string): Promise<TShapes> {
  const q = async (sql: string) =>
    (await admin.query<{ k: string }>(sql, [tenantId])).rows.map((r) => r.k).sort();
  return {
    sender: await q(`
      SELECT concat_ws('|', grain, b, sender_number_id, state, e, n) AS k FROM (
        SELECT g.grain, ${BIN("created_at")} AS b, sender_number_id, state, coalesce(last_error_code, '') AS e, count(*) AS n
        FROM message CROSS JOIN ${GRAINS} WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5) x`),
    template: await q(`
      SELECT concat_ws('|', grain, b, t, state, e, n) AS k FROM (
        SELECT g.grain, ${BIN("created_at")} AS b, coalesce(template_name, '') AS t, state,
               coalesce(last_error_code, '') AS e, count(*) AS n
        FROM message CROSS JOIN ${GRAINS} WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4, 5) x`),
    latency: await q(`
      SELECT concat_ws('|', grain, b, sender_number_id, l, n) AS k FROM (
        SELECT g.grain, ${BIN("created_at")} AS b, sender_number_id, width_bucket(delivery_latency_ms, ${THRESHOLDS}) AS l,
               count(*) AS n
        FROM message CROSS JOIN ${GRAINS} WHERE tenant_id = $1 AND delivery_latency_ms IS NOT NULL
        GROUP BY 1, 2, 3, 4) x`),
  };
}

/** The rollups plus the pending deltas, summed per key, zeros left out. */
async function rollupsWithPending(tenantId: string): Promise<TShapes> {
  const q = async (sql: string) =>
    (await admin.query<{ k: string }>(sql, [tenantId])).rows.map((r) => r.k).sort();
  return {
    sender: await q(`
      SELECT concat_ws('|', grain, bucket_start, sender_number_id, state, error_code, sum(n)) AS k FROM (
        SELECT grain_minutes AS grain, bucket_start, sender_number_id, state, error_code, messages AS n
        FROM insight_sender_rollup WHERE tenant_id = $1
        UNION ALL
        SELECT g.grain, ${BIN("bucket_start")}, sender_number_id, state, error_code, delta
        FROM insight_delta CROSS JOIN ${GRAINS} WHERE tenant_id = $1
      ) s GROUP BY grain, bucket_start, sender_number_id, state, error_code HAVING sum(n) <> 0`),
    template: await q(`
      SELECT concat_ws('|', grain, bucket_start, template_name, state, error_code, sum(n)) AS k FROM (
        SELECT grain_minutes AS grain, bucket_start, template_name, state, error_code, messages AS n
        FROM insight_template_rollup WHERE tenant_id = $1
        UNION ALL
        SELECT g.grain, ${BIN("bucket_start")}, template_name, state, error_code, delta
        FROM insight_delta CROSS JOIN ${GRAINS} WHERE tenant_id = $1
      ) s GROUP BY grain, bucket_start, template_name, state, error_code HAVING sum(n) <> 0`),
    latency: await q(`
      SELECT concat_ws('|', grain, bucket_start, sender_number_id, latency_bucket, sum(n)) AS k FROM (
        SELECT grain_minutes AS grain, bucket_start, sender_number_id, latency_bucket, messages AS n
        FROM insight_latency_rollup WHERE tenant_id = $1
        UNION ALL
        SELECT g.grain, ${BIN("bucket_start")}, sender_number_id, latency_bucket, delta
        FROM insight_delta CROSS JOIN ${GRAINS} WHERE tenant_id = $1 AND latency_bucket >= 0
      ) s GROUP BY grain, bucket_start, sender_number_id, latency_bucket HAVING sum(n) <> 0`),
  };
}

async function pendingOf(tenantId: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM insight_delta WHERE tenant_id = $1",
    [tenantId],
  );
  return rows[0]!.n;
}

async function rollupRows(tenantId: string): Promise<number> {
  const { rows } = await admin.query<{ n: number; zero: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE messages = 0)::int AS zero FROM (
       SELECT messages FROM insight_sender_rollup WHERE tenant_id = $1
       UNION ALL SELECT messages FROM insight_template_rollup WHERE tenant_id = $1
       UNION ALL SELECT messages FROM insight_latency_rollup WHERE tenant_id = $1) r`,
    [tenantId],
  );
  expect(rows[0]!.zero).toBe(0);
  return rows[0]!.n;
}

async function newTenant() {
  const tenant = await makeTenant(db);
  const senders = [
    (await makeSenderNumber(db, testSecretBox, tenant.id)).id,
    (await makeSenderNumber(db, testSecretBox, tenant.id)).id,
  ];
  return { id: tenant.id, senders };
}

describe("rollups = GROUP BY over messages", () => {
  it("holds after every append (deltas pending), after folds in small batches, and after a rebuild", async () => {
    const tenant = await newTenant();
    const next = random(20260401);
    const stepsOf = [
      stories.read,
      stories.failed131026,
      stories.readAfterFailed,
      stories.duplicateHeavy,
      stories.retriedThenDelivered,
    ];
    const messages: { id: string; steps: TMessageStep[] }[] = [];
    for (let i = 0; i < 40; i += 1) {
      // spread over two days, several per half hour, some across a day boundary
      const t0 = T0 + Math.floor(next() * 48) * 30 * MIN + Math.floor(next() * 10) * MIN;
      const steps = i < stepsOf.length ? stepsOf[i]!(t0) : randomSteps(next, t0);
      const { id } = await makeMessage(db, {
        tenantId: tenant.id,
        senderNumberId: tenant.senders[i % 2]!,
        templateName: i % 7 === 0 ? null : ["order_update", "spring_sale", "login_code"][i % 3]!,
        createdAtMs: t0,
      });
      messages.push({ id, steps });
    }
    // interleave the messages' arrivals (as ingestion does), checking the invariant as we go
    const queue = messages.flatMap((m) => m.steps.map((step) => ({ id: m.id, step })));
    queue.sort((a, b) => a.step.atMs - b.step.atMs);
    let checks = 0;
    for (const [index, { id, step }] of queue.entries()) {
      await db.$transaction((tx) =>
        appendEvents(tx, tenant.id, id, step.drafts, { now: new Date(step.atMs) }),
      );
      if (index % 25 === 0) {
        expect(await rollupsWithPending(tenant.id)).toEqual(await expectedFromMessages(tenant.id));
        checks += 1;
      }
      // fold now and then, in small batches, while appends go on
      if (index % 40 === 39) await foldTenant(db, tenant.id, 7);
    }
    expect(checks).toBeGreaterThan(3);
    const expected = await expectedFromMessages(tenant.id);
    expect(expected.sender.length).toBeGreaterThan(10);
    expect(expected.latency.length).toBeGreaterThan(2);
    expect(await rollupsWithPending(tenant.id)).toEqual(expected);

    while ((await foldTenant(db, tenant.id, 7)) > 0);
    expect(await pendingOf(tenant.id)).toBe(0);
    expect(await rollupsWithPending(tenant.id)).toEqual(expected);
    const folded = await rollupRows(tenant.id);

    const report = await rebuildRollups(db, tenant.id);
    expect(report.messages).toBe(40);
    expect(await rollupsWithPending(tenant.id)).toEqual(expected);
    expect(await rollupRows(tenant.id)).toBe(folded);

    // the stored time to delivered is the ledger's
    for (const m of messages) {
      const row = await db.message.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: tenant.id, id: m.id } },
        select: { state: true, deliveryLatencyMs: true },
      });
      const chain = await loadChain(db, tenant.id, m.id);
      expect(row.deliveryLatencyMs).toBe(deliveryLatencyMs(chain, row.state));
    }
    const read = await db.message.findMany({
      where: { tenantId: tenant.id, id: messages[0]!.id },
      select: { deliveryLatencyMs: true },
    });
    // stories.read: accepted at +0.9 s, delivered at +5 s (provider time)
    expect(read[0]!.deliveryLatencyMs).toBe(4_100);
  });

  it("folds exactly once with two folders and writers running at the same time", async () => {
    const tenant = await newTenant();
    const next = random(7);
    const ids: { id: string; steps: TMessageStep[] }[] = [];
    for (let i = 0; i < 24; i += 1) {
      const t0 = T0 + i * 7 * MIN;
      const { id } = await makeMessage(db, {
        tenantId: tenant.id,
        senderNumberId: tenant.senders[i % 2]!,
        createdAtMs: t0,
      });
      ids.push({ id, steps: randomSteps(next, t0) });
    }
    let writing = true;
    const folder = async () => {
      while (writing) await foldTenant(db, tenant.id, 5);
    };
    const writers = [0, 1, 2].map(async (w) => {
      for (const m of ids.filter((_, i) => i % 3 === w)) {
        for (const step of m.steps) {
          await db.$transaction((tx) =>
            appendEvents(tx, tenant.id, m.id, step.drafts, { now: new Date(step.atMs) }),
          );
        }
      }
    });
    const folders = [folder(), folder()];
    await Promise.all(writers);
    writing = false;
    await Promise.all(folders);
    while ((await foldTenant(db, tenant.id, 50)) > 0);
    expect(await pendingOf(tenant.id)).toBe(0);
    expect(await rollupsWithPending(tenant.id)).toEqual(await expectedFromMessages(tenant.id));
    await rollupRows(tenant.id);
  });

  it("a message moving on leaves no zero rows; writes that change no key write no delta", async () => {
    const tenant = await newTenant();
    const wamid = wamidFor("z");
    const { id } = await makeMessage(
      db,
      { tenantId: tenant.id, senderNumberId: tenant.senders[0]!, createdAtMs: T0 },
      [
        { atMs: T0 + 100, drafts: [drafts.attemptStarted(1)] },
        { atMs: T0 + 900, drafts: [drafts.accepted(1, wamid)] },
      ],
    );
    await foldRollupDeltas(db, { batchSize: 1000 });
    const before = await pendingOf(tenant.id);
    // the same fact again (a duplicate) and a sent after accepted... then delivered
    await db.$transaction((tx) =>
      appendEvents(tx, tenant.id, id, [drafts.accepted(1, wamid)], { now: new Date(T0 + 2 * S) }),
    );
    expect(await pendingOf(tenant.id)).toBe(before);
    await db.$transaction((tx) =>
      appendEvents(tx, tenant.id, id, [drafts.status("delivered", wamid, T0 + 3 * S)], {
        now: new Date(T0 + 4 * S),
      }),
    );
    expect(await pendingOf(tenant.id)).toBe(2); // -1 accepted, +1 delivered
    await foldRollupDeltas(db, { batchSize: 1000 });
    const { rows } = await admin.query<{ state: string; messages: number }>(
      "SELECT state::text, messages FROM insight_sender_rollup WHERE tenant_id = $1 AND grain_minutes = 30",
      [tenant.id],
    );
    expect(rows).toEqual([{ state: "delivered", messages: 1 }]);
    await rollupRows(tenant.id);
  });

  it("rebuild replaces rollups built from bulk-loaded rows and is audited", async () => {
    const tenant = await newTenant();
    // a bulk load that bypassed the ledger service (as the bench does): no deltas at all
    await admin.query(
      `INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name, request_payload,
         state, state_reached_at, state_explanation, rules_version, last_error_code, head_hash, created_at, updated_at,
         delivery_latency_ms)
       SELECT $1, gen_random_uuid(), $2, '15551234567', 'template', 'bulk', '{}', s.state::message_state, now(), 'bulk', 1,
              CASE WHEN s.state = 'failed' THEN '131049' END, repeat('0', 64), $3::timestamptz + g * interval '1 minute', now(),
              CASE WHEN s.state = 'read' THEN 1500 * g END
       FROM generate_series(1, 30) g
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 3 = 0 THEN 'failed' ELSE 'read' END AS state) s`,
      [tenant.id, tenant.senders[0], new Date(T0).toISOString()],
    );
    expect(await rollupsWithPending(tenant.id)).not.toEqual(await expectedFromMessages(tenant.id));
    const report = await rebuildRollups(db, tenant.id, {
      actor: { kind: "cli", label: "insights-test" },
      reason: "bulk load",
    });
    expect(report).toMatchObject({ messages: 30, droppedDeltas: 0 });
    expect(await rollupsWithPending(tenant.id)).toEqual(await expectedFromMessages(tenant.id));
    const audit = await db.auditEvent.findFirst({
      where: { action: "insights.rollups_rebuilt", tenantId: tenant.id },
      select: { reason: true, actorLabel: true },
    });
    expect(audit).toEqual({ reason: "bulk load", actorLabel: "cli:insights-test" });
  });

  it("`rollup:rebuild` rebuilds one tenant with a reason, and refuses without one", async () => {
    const tenant = await newTenant();
    const slug = (await db.tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: { slug: true } }))
      .slug;
    await makeMessage(
      db,
      { tenantId: tenant.id, senderNumberId: tenant.senders[0]!, createdAtMs: T0 },
      stories.read(T0),
    );
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        args,
        {
          DATABASE_URL: testDatabaseUrl(),
          WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          WAYBILL_CLI_ACTOR: "ops-test",
        },
        { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => "" },
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const refused = await run(["rollup:rebuild", "--tenant", slug]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--reason/);
    // the created message (+1) and five moves of its state (-1 +1 each) were pending; one row per
    // grain in each rollup
    const done = await run(["rollup:rebuild", "--tenant", slug, "--reason", "after restore"]);
    expect(done.code).toBe(0);
    expect(done.out).toBe(
      `${slug}: 1 messages -> 3 sender, 3 template, 3 latency rollup rows (11 pending deltas replaced)`,
    );
    expect(await pendingOf(tenant.id)).toBe(0);
    expect(await rollupsWithPending(tenant.id)).toEqual(await expectedFromMessages(tenant.id));
  });
});
