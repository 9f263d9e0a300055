// Crash proof of webhook intake and processing with real processes, scaled out: two ingest
// listeners (the stateless web tier, behind a client that fails over between them as a load
// balancer would) and three workers share one stream of signed status webhooks. Under that load
// listeners and workers are killed with SIGKILL again and again and restarted. Checked against
// what was acknowledged: every 200-acknowledged request is in the inbox (none lost), every stored
// request is processed exactly once (process_count 1, one receipt per fact), every message's
// state equals an oracle computed from the statuses sent, and the backlog drains within 2 minutes
// of the last restart. Then the processes' own logs are scanned: no recipient number and no
// message body may appear in them.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { signBody } from "@/server/ingest/verify-signature";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, newWamid, statusItem, unixSeconds } from "../factories/webhooks";
import { chaosScale, reportFigures } from "../setup/chaos";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl, testSecretBox } from "../setup/context";
import { scanLogs } from "../setup/log-scan";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";
import { APP_SECRET, sentMessage, VERIFY_TOKEN } from "./webhook-helpers";

const MESSAGES = chaosScale(40, 400);
const LISTENER_KILLS = chaosScale(1, 10);
const WORKER_KILLS = chaosScale(2, 20);
const KILL_INTERVAL_MS = chaosScale(1_500, 1_200);
const POSTERS = 4;

/** A small seeded generator: the plan of statuses is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type TSlot = { name: string; start: () => TRunningProcess; current: TRunningProcess; logs: string[] };

let db: TDb;
const slots: TSlot[] = [];

function slot(name: string, start: () => TRunningProcess): TSlot {
  const s: TSlot = { name, start, current: start(), logs: [] };
  slots.push(s);
  return s;
}

async function killAndRestart(s: TSlot): Promise<void> {
  s.current.child.kill("SIGKILL");
  await s.current.exited;
  s.logs.push(s.current.output());
  s.current = s.start();
}

beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  for (const s of slots) if (s.current.child.exitCode === null) s.current.child.kill("SIGKILL");
  await db.$disconnect();
});

const ORDER = ["sent", "delivered", "read"] as const;

describe("chaos: kill -9 of listeners and workers under webhook load", () => {
  it(
    "loses no acknowledged request, applies no fact twice, and ends in the oracle's states",
    async () => {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      const random = prng(20_261_203);
      const bodyText = `chaos body ${crypto.randomBytes(6).toString("hex")}`;
      const recipients: string[] = [];
      const messages: { messageId: string; wamid: string; recipient: string; last: number }[] = [];
      for (let i = 0; i < MESSAGES; i += 1) {
        const recipient = `1555${String(3_000_000 + i)}`;
        recipients.push(recipient);
        const m = await sentMessage(db, tenant.id, sender.id, { recipient });
        messages.push({ ...m, recipient, last: Math.floor(random() * 3) });
      }

      // the plan: each message's statuses up to its last one, shuffled into webhooks of 1-4 items,
      // some carrying an inbound text message whose body must never reach a log
      const items = messages.flatMap((m, i) =>
        ORDER.slice(0, m.last + 1).map((status, k) => ({ m, status, at: Date.now() - 600_000 + i * 10 + k })),
      );
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      const bodies: string[] = [];
      for (let i = 0; i < items.length;) {
        const n = 1 + Math.floor(random() * 4);
        const chunk = items.slice(i, i + n);
        i += n;
        const first = chunk[0]!;
        const inbound =
          random() < 0.3
            ? [
                {
                  from: first.m.recipient,
                  id: newWamid(),
                  timestamp: unixSeconds(first.at),
                  type: "text",
                  text: { body: bodyText },
                },
              ]
            : undefined;
        bodies.push(
          JSON.stringify(
            envelope([
              entry(sender.wabaId, [
                messagesChange(sender.phoneNumberId, sender.displayNumber, {
                  statuses: chunk.map((c) =>
                    statusItem(c.m.wamid, c.status, c.at, { recipient_id: c.m.recipient }),
                  ),
                  ...(inbound ? { messages: inbound } : {}),
                }),
              ]),
            ]),
          ),
        );
      }

      const listenerPorts = [await findFreePort(), await findFreePort()];
      const listeners = listenerPorts.map((port, i) =>
        slot(`listener ${i + 1}`, () =>
          startProcess("server/listener/main.ts", {
            DATABASE_URL: testDatabaseUrl(),
            WHATSAPP_APP_SECRET: APP_SECRET,
            WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
            WAYBILL_INGEST_PORT: String(port),
            WAYBILL_WEBHOOK_DB_POOL_MAX: "2",
            LOG_LEVEL: "debug",
          }),
        ),
      );
      const workers = [1, 2, 3].map((i) =>
        slot(`worker ${i}`, () =>
          startProcess("server/worker/main.ts", {
            DATABASE_URL: testDatabaseUrl(),
            WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
            WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
            WAYBILL_INGEST_BATCH_SIZE: "10",
            WAYBILL_INGEST_CONCURRENCY: "1",
            WAYBILL_INGEST_POLL_MS: "50",
            LOG_LEVEL: "debug",
          }),
        ),
      );
      const isUp = async (port: number) =>
        (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200;
      await waitFor(
        async () => (await Promise.all(listenerPorts.map(isUp))).every(Boolean),
        90_000,
        "both listeners",
      );

      // load: posters take the next body and post it to a listener; a refused or broken request is
      // posted again to the other one (as Meta retries), until one answers 200
      const acknowledged = new Set<string>();
      let posts = 0;
      let notAcknowledged = 0;
      let next = 0;
      const loadMs = (LISTENER_KILLS + WORKER_KILLS + 1) * KILL_INTERVAL_MS;
      const pause = Math.max(1, Math.floor((loadMs * POSTERS) / bodies.length));
      const poster = async (p: number) => {
        for (;;) {
          const index = next++;
          if (index >= bodies.length) return;
          const raw = bodies[index]!;
          for (let attempt = 0; ; attempt += 1) {
            const port = listenerPorts[(index + attempt + p) % 2]!;
            posts += 1;
            const status = await fetch(`http://127.0.0.1:${port}/api/webhooks/whatsapp`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                "x-hub-signature-256": signBody(raw, APP_SECRET),
              },
              body: raw,
              signal: AbortSignal.timeout(10_000),
            })
              .then((r) => r.status)
              .catch(() => 0);
            if (status === 200) {
              acknowledged.add(crypto.createHash("sha256").update(raw).digest("hex"));
              break;
            }
            notAcknowledged += 1;
            expect([0, 503]).toContain(status);
            await new Promise((r) => setTimeout(r, 100));
          }
          await new Promise((r) => setTimeout(r, pause));
        }
      };

      // kills: listeners and workers in turn, one every KILL_INTERVAL_MS, while the load runs
      let listenerKills = 0;
      let workerKills = 0;
      const killer = async () => {
        while (listenerKills < LISTENER_KILLS || workerKills < WORKER_KILLS) {
          await new Promise((r) => setTimeout(r, KILL_INTERVAL_MS));
          const isListenerTurn =
            workerKills >= WORKER_KILLS ||
            (listenerKills < LISTENER_KILLS && listenerKills * WORKER_KILLS <= workerKills * LISTENER_KILLS);
          if (isListenerTurn) {
            await killAndRestart(listeners[listenerKills % 2]!);
            listenerKills += 1;
          } else {
            await killAndRestart(workers[workerKills % 3]!);
            workerKills += 1;
          }
        }
      };
      await Promise.all([killer(), ...Array.from({ length: POSTERS }, (_, p) => poster(p))]);
      const lastRestart = Date.now();

      // the backlog drains within 2 minutes of the last restart
      const shas = [...acknowledged];
      const pendingOf = async () =>
        (
          await db.$queryRawUnsafe<{ n: number }[]>(
            "SELECT count(*)::int AS n FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1) AND status = 'pending'",
            shas,
          )
        )[0]!.n;
      await waitFor(async () => (await pendingOf()) === 0, 120_000, "the backlog to drain");
      const drainedInMs = Date.now() - lastRestart;

      for (const s of slots) {
        s.current.child.kill("SIGTERM");
        await s.current.exited;
        s.logs.push(s.current.output());
      }

      // 0 lost: every acknowledged body is a stored row; each was processed once, none failed
      const rows = await db.$queryRawUnsafe<{ status: string; process_count: number }[]>(
        "SELECT status::text AS status, process_count FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1)",
        shas,
      );
      expect(acknowledged.size).toBe(bodies.length);
      expect(rows).toHaveLength(acknowledged.size);
      expect(rows.filter((r) => r.status !== "processed" && r.status !== "quarantined")).toEqual([]);
      expect(rows.filter((r) => r.process_count !== 1)).toEqual([]);

      // no fact applied twice: one webhook receipt per (message, fact), as many as statuses planned
      const ids = messages.map((m) => m.messageId);
      const receipts = await db.messageEventReceipt.groupBy({
        by: ["messageId", "dedupeKey"],
        where: { tenantId: tenant.id, messageId: { in: ids }, source: "webhook" },
        _count: { _all: true },
      });
      const duplicated = receipts.filter((r) => r._count._all !== 1).length;
      expect(duplicated).toBe(0);
      expect(receipts).toHaveLength(items.length);

      // states equal the oracle: the furthest status each message was sent (order is irrelevant)
      const states = new Map(
        (
          await db.message.findMany({
            where: { tenantId: tenant.id, id: { in: ids } },
            select: { id: true, state: true },
          })
        ).map((m) => [m.id, m.state]),
      );
      const wrong = messages.filter((m) => states.get(m.messageId) !== ORDER[m.last]);
      expect(wrong.map((m) => `${m.messageId}: ${states.get(m.messageId)} != ${ORDER[m.last]}`)).toEqual([]);

      // the processes' logs of the whole run hold no recipient number and no message body
      const logs = slots.flatMap((s) => s.logs);
      expect(logs.join("").length).toBeGreaterThan(0);
      const seeded = { phoneNumbers: recipients, bodies: [bodyText] };
      expect(scanLogs(logs, seeded)).toEqual([]);
      // the scan itself sees each kind it looks for
      expect(
        scanLogs(
          [`{"to":"${recipients[0]}"}`, `{"text":"${bodyText}"}`, '{"from":"+447700900123"}'],
          seeded,
        ).map((f) => f.kind),
      ).toEqual(["seeded number", "message body", "E.164 number"]);

      expect(listenerKills).toBe(LISTENER_KILLS);
      expect(workerKills).toBe(WORKER_KILLS);
      reportFigures("chaos.ingest", {
        webhooks: bodies.length,
        statuses: items.length,
        acknowledged: acknowledged.size,
        lost: bodies.length - rows.length,
        duplicated,
        posts,
        notAcknowledged,
        listenerKills,
        workerKills,
        drainedInMs,
        logLines: logs.join("").split("\n").length,
      });
    },
    chaosScale(240_000, 900_000),
  );
});
