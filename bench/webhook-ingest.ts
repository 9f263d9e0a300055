// Webhook ingestion throughput on a fresh embedded PostgreSQL (or DATABASE_URL's server):
//   A. the route's POST handler in-process (bounded read, HMAC verify, one-statement insert),
//      many requests in flight;
//   B. recordRawWebhooks with group commit (many requests per statement and commit), the path a
//      dedicated node:http listener would take;
//   C. the drainer: claimed batches processed into ledger events.
// Run: npx tsx bench/webhook-ingest.ts [requests=4000] [messages=1000]
// Results and the machine they were measured on: docs/decisions/005-webhook-inbox-drained-in-batches.md.
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { installProjectors } from "@/server/services/projectors";
import { createProcessMetrics } from "@/server/ingest/prometheus";
import { createWebhookStore, recordRawWebhooks } from "@/server/ingest/record-raw-webhook";
import { WEBHOOK_HTTP_METRICS } from "@/server/ingest/web-metrics";
import { createWhatsAppWebhookHandlers } from "@/server/ingest/webhook-route";
import { createLogger } from "@/server/platform/logger";
import { createSecretBox } from "@/server/platform/secret-box";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import { appendEvents, createMessage } from "@/server/services/ledger/append-events";
import { makeSenderNumber, makeTenant } from "@/tests/factories";
import { drafts } from "@/tests/factories/ledger";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "@/tests/factories/webhooks";
import { createTestDatabase } from "@/tests/setup/test-database";

const REQUESTS = Number(process.argv[2] ?? 4000);
const MESSAGES = Number(process.argv[3] ?? 1000);
const SECRET = "bench-app-secret-000000000001";

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function inParallel<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

async function main() {
  const database = await createTestDatabase("bench");
  installProjectors();
  const db = createDb(database.url, { max: 8 });
  const pool = new pg.Pool({ connectionString: database.url, max: 16 });
  try {
    const box = createSecretBox(crypto.randomBytes(32).toString("base64"));
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, box, tenant.id);
    const wamids: string[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      const wamid = `wamid.bench.${i}.${crypto.randomBytes(6).toString("hex")}`;
      wamids.push(wamid);
      await db.$transaction(async (tx) => {
        const { messageId } = await createMessage(
          tx,
          {
            tenantId: tenant.id,
            senderNumberId: sender.id,
            recipient: "15551234567",
            contentKind: "text",
            requestPayload: {},
          },
          drafts.requested(),
          { now: new Date() },
        );
        await appendEvents(tx, tenant.id, messageId, [drafts.attemptStarted(1), drafts.accepted(1, wamid)], {
          now: new Date(),
        });
      });
    }
    const statuses = ["sent", "delivered", "read"] as const;
    // every body distinct (request i carries its number), so none is a request-level duplicate;
    // statuses repeat across requests (sent, delivered, read, then again), so facts do
    const at = Date.now() - 60_000;
    const body = (i: number) =>
      JSON.stringify({
        ...envelope([
          entry(sender.wabaId, [
            messagesChange(sender.phoneNumberId, sender.displayNumber, {
              statuses: [
                statusItem(
                  wamids[i % MESSAGES]!,
                  statuses[Math.floor(i / MESSAGES) % 3]!,
                  at + (i % MESSAGES) * 10,
                ),
              ],
            }),
          ]),
        ]),
        bench_request: i,
      });
    const log = createLogger("bench", "silent");
    console.log(
      `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; PostgreSQL on the same machine`,
    );

    // A. the route handler, 64 requests in flight, pool of 16
    const route = createWhatsAppWebhookHandlers(() => ({
      appSecrets: [SECRET],
      verifyToken: "bench-token",
      maxBodyBytes: 4 * 1024 * 1024,
      store: createWebhookStore(pool, { maxRows: 500, maxInFlight: 16 }),
      log,
      metrics: createProcessMetrics(WEBHOOK_HTTP_METRICS),
      now: () => new Date(),
    }));
    const requests = Array.from({ length: REQUESTS }, (_, i) => body(i));
    const latencies: number[] = [];
    let started = performance.now();
    await inParallel(requests, 64, async (raw) => {
      const t = performance.now();
      const response = await route.POST(webhookPost(raw, { secret: SECRET }));
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      latencies.push(performance.now() - t);
    });
    const routeSeconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `A. route POST: ${REQUESTS} requests in ${routeSeconds.toFixed(2)} s = ${Math.round(REQUESTS / routeSeconds)} req/s; ` +
        `latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );

    // B. group commit: 100 requests per statement, 8 statements in flight
    const groups: Buffer[][] = [];
    for (let i = 0; i < REQUESTS; i += 100)
      groups.push(
        Array.from({ length: Math.min(100, REQUESTS - i) }, (_, j) => Buffer.from(body(REQUESTS + i + j))),
      );
    started = performance.now();
    await inParallel(groups, 8, async (group) => {
      await recordRawWebhooks(
        pool,
        group.map((b) => ({ body: b, receivedAt: new Date(), headers: {}, signatureKeyIndex: 0 })),
      );
    });
    const groupSeconds = (performance.now() - started) / 1000;
    console.log(
      `B. group commit: ${REQUESTS} requests in ${groupSeconds.toFixed(2)} s = ${Math.round(REQUESTS / groupSeconds)} req/s`,
    );

    // C. processing: two drain loops, batches of 200 (every request carries one status)
    const total = 2 * REQUESTS;
    started = performance.now();
    let processed = 0;
    const errors: string[] = [];
    await Promise.all(
      [0, 1].map(async () => {
        for (;;) {
          const report = await drainInboxOnce(pool, {
            batchSize: 200,
            maxAttempts: 3,
            now: () => new Date(),
            onRowError: (id, error) =>
              errors.push(error instanceof Error ? error.message.slice(0, 300) : String(error)),
          });
          processed += report.processed + report.quarantined;
          if (report.claimed === 0) return;
        }
      }),
    );
    const processSeconds = (performance.now() - started) / 1000;
    if (errors.length > 0) console.log(`   ${errors.length} row errors, first: ${errors[0]}`);
    const events = await db.messageEvent.count({ where: { tenantId: tenant.id, source: "webhook" } });
    const receipts = await db.messageEventReceipt.count({
      where: { tenantId: tenant.id, source: "webhook" },
    });
    console.log(
      `C. processing: ${processed}/${total} requests (${receipts} status receipts, ${events} distinct facts) in ${processSeconds.toFixed(2)} s = ` +
        `${Math.round(receipts / processSeconds)} statuses/s`,
    );
  } finally {
    await pool.end();
    await db.$disconnect();
    await database.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
