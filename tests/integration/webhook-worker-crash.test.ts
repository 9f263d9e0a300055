// Crash proof of webhook processing with a real worker process (no mocks): the worker claims a
// batch of stored requests and is killed with SIGKILL in the middle of it (held there by a row
// lock this test takes on the tenant's request counter, which a batch updates last, after every
// other write; a lock on a message would not hold it, since a batch leaves the requests of a
// message another transaction holds for a later claim). Nothing of the batch is visible
// afterwards; requests keep arriving while no worker runs; a new worker then processes every
// stored request exactly once: one processing per request, one event and one receipt per fact.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";
import { APP_SECRET, createWebhookTestPool, sentMessage, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let locker: pg.Client;
const running: TRunningProcess[] = [];

function startWorker() {
  const worker = startProcess("server/worker/main.ts", {
    DATABASE_URL: testDatabaseUrl(),
    WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
    WAYBILL_INGEST_BATCH_SIZE: "100",
    WAYBILL_INGEST_CONCURRENCY: "1",
    WAYBILL_INGEST_POLL_MS: "100",
  });
  running.push(worker);
  return worker;
}

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  locker = new pg.Client({ connectionString: testDatabaseUrl() });
  await locker.connect();
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await locker.end().catch(() => {});
  await pool.end();
  await db.$disconnect();
});

describe("webhook processing survives kill -9 of the worker mid-batch", () => {
  it("processes every stored request exactly once after a restart", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const route = webhookHandlers(pool);
    const messages = [];
    for (let i = 0; i < 24; i += 1) messages.push(await sentMessage(db, tenant.id, sender.id));
    const post = async (m: { wamid: string }, base: number) => {
      const body = envelope([
        entry(sender.wabaId, [
          messagesChange(sender.phoneNumberId, sender.displayNumber, {
            statuses: [statusItem(m.wamid, "sent", base), statusItem(m.wamid, "delivered", base + 1000)],
          }),
        ]),
      ]);
      const response = await route.POST(webhookPost(body, { secret: APP_SECRET }));
      expect(response.status).toBe(200);
    };
    const t0 = Date.now() - 60_000;
    for (const m of messages.slice(0, 16)) await post(m, t0);

    // hold the tenant's counter row: the batch has written everything else when it gets there
    await locker.query(
      `INSERT INTO ingest_counter (metric, tenant_id, value, updated_at)
       VALUES ('requests_received', $1, 0, now()) ON CONFLICT DO NOTHING`,
      [tenant.id],
    );
    await locker.query("BEGIN");
    await locker.query(
      "SELECT 1 FROM ingest_counter WHERE metric = 'requests_received' AND tenant_id = $1 FOR UPDATE",
      [tenant.id],
    );

    const first = startWorker();
    // mid-batch: the worker's transaction has claimed the rows, written the batch's facts and
    // waits on the held counter
    await waitFor(
      async () => {
        if (first.child.exitCode !== null) throw new Error(`the worker exited:\n${first.output()}`);
        // from another connection: inside the locker's transaction pg_stat_activity is a snapshot
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name = 'waybill-ingest'`,
        );
        return (rows[0]?.n ?? 0) > 0;
      },
      60_000,
      "the worker blocked mid-batch",
    );
    first.child.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    await locker.query("COMMIT");

    // nothing of the killed batch is visible: no status fact, every request still pending
    const ids = messages.map((m) => m.messageId);
    expect(
      await db.messageEvent.count({
        where: { tenantId: tenant.id, messageId: { in: ids }, source: "webhook" },
      }),
    ).toBe(0);
    // requests keep arriving while no worker runs: stored, acknowledged, waiting
    for (const m of messages.slice(16)) await post(m, t0);
    const stored = await db.webhookInbox.findMany({
      where: { tenantIds: { isEmpty: true }, status: "pending" },
      select: { id: true },
    });
    expect(stored.length).toBeGreaterThanOrEqual(24);

    const second = startWorker();
    await waitFor(
      async () =>
        (await db.messageEvent.count({
          where: { tenantId: tenant.id, messageId: { in: ids }, source: "webhook" },
        })) === 48,
      90_000,
      "every status applied after the restart",
    );
    await waitFor(
      async () =>
        (await db.webhookInbox.count({
          where: { id: { in: stored.map((s) => s.id) }, status: "pending" },
        })) === 0,
      30_000,
      "the inbox drained",
    );
    // exactly once in effect: each request processed once, each fact one event and one receipt
    const rows = await db.webhookInbox.findMany({ where: { id: { in: stored.map((s) => s.id) } } });
    for (const row of rows.filter((r) => r.tenantIds.includes(tenant.id))) expect(row.processCount).toBe(1);
    expect(rows.filter((r) => r.tenantIds.includes(tenant.id))).toHaveLength(24);
    const receipts = await db.messageEventReceipt.groupBy({
      by: ["messageId", "dedupeKey"],
      where: { tenantId: tenant.id, messageId: { in: ids }, source: "webhook" },
      _count: { _all: true },
    });
    expect(receipts).toHaveLength(48);
    expect(receipts.every((r) => r._count._all === 1)).toBe(true);
    const states = await db.message.findMany({
      where: { tenantId: tenant.id, id: { in: ids } },
      select: { state: true },
    });
    expect(states.every((s) => s.state === "delivered")).toBe(true);

    second.child.kill("SIGTERM");
    expect((await second.exited).code).toBe(0);
  }, 180_000);
});
