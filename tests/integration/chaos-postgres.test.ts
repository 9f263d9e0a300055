// PostgreSQL stopped immediately (SIGQUIT to the postmaster: no checkpoint, every connection cut)
// in the middle of webhook intake, then started again on the same data. Real processes: an ingest
// listener and a worker, never restarted by the test. While the database is down the listener
// answers 503, never 200; no acknowledged request is lost (crash recovery keeps every commit);
// the listener answers 200 again within 30 s of the restart with no manual step; the worker
// reconnects by itself and processes everything stored.
// The database is an embedded PostgreSQL this test starts for itself, never the shared server.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type TDb } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { signBody } from "@/server/ingest/verify-signature";
import {
  ensureDatabase,
  findFreePort,
  startEmbeddedPostgres,
  type TEmbeddedServer,
} from "@/server/platform/embedded-postgres";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem } from "../factories/webhooks";
import { chaosScale, reportFigures } from "../setup/chaos";
import { TEST_ENCRYPTION_KEY, testSecretBox } from "../setup/context";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";
import { APP_SECRET, sentMessage, VERIFY_TOKEN } from "./webhook-helpers";

const OUTAGES = chaosScale(1, 3);
const DOWN_MS = 3_000;

let dataDir: string;
let port: number;
let server: TEmbeddedServer | null = null;
let url: string;
let db: TDb;
const running: TRunningProcess[] = [];

async function startServer() {
  server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "data"), port });
}

/** Immediate shutdown, as `pg_ctl stop -m immediate`: the postmaster gets SIGQUIT. */
async function stopImmediately() {
  const pid = Number(fs.readFileSync(path.join(dataDir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGQUIT");
  await waitFor(
    async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    30_000,
    "the postmaster to exit",
  );
  server = null;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "waybill-chaos-pg-"));
  port = await findFreePort();
  await startServer();
  await ensureDatabase(server!.url("postgres"), "waybill_chaos");
  url = server!.url("waybill_chaos");
  await migrateDatabase(url);
  db = createDb(url, { max: 3 });
}, 180_000);
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await db?.$disconnect().catch(() => {});
  await server?.stop().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("chaos: PostgreSQL stopped immediately and restarted mid-ingest", () => {
  it(
    "answers 503 while it is down, loses nothing acknowledged, and recovers by itself",
    async () => {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      const messages: { messageId: string; wamid: string }[] = [];
      for (let i = 0; i < 20; i += 1) messages.push(await sentMessage(db, tenant.id, sender.id));

      const listenerPort = await findFreePort();
      const listener = startProcess("server/listener/main.ts", {
        DATABASE_URL: url,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WAYBILL_INGEST_PORT: String(listenerPort),
        WAYBILL_WEBHOOK_DB_POOL_MAX: "2",
        WAYBILL_WEBHOOK_DB_TIMEOUT_MS: "2000",
      });
      const worker = startProcess("server/worker/main.ts", {
        DATABASE_URL: url,
        WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
        WAYBILL_INGEST_POLL_MS: "100",
      });
      running.push(listener, worker);
      const base = `http://127.0.0.1:${listenerPort}`;
      const healthy = async () => (await fetch(`${base}/health`).catch(() => null))?.status === 200;
      await waitFor(healthy, 90_000, "the listener");

      // a stream of distinct signed webhooks, one after another, each remembered with its answer
      const acknowledged = new Set<string>();
      const answers: { status: number; sentAt: number; answeredAt: number }[] = [];
      let sequence = 0;
      const postOne = async () => {
        const m = messages[sequence % messages.length]!;
        const raw = JSON.stringify(
          envelope([
            entry(sender.wabaId, [
              messagesChange(sender.phoneNumberId, sender.displayNumber, {
                statuses: [statusItem(m.wamid, "delivered", Date.now() - 60_000 + sequence++)],
              }),
            ]),
          ]),
        );
        const sentAt = Date.now();
        const status = await fetch(`${base}/api/webhooks/whatsapp`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": signBody(raw, APP_SECRET) },
          body: raw,
          signal: AbortSignal.timeout(15_000),
        })
          .then((r) => r.status)
          .catch(() => 0);
        answers.push({ status, sentAt, answeredAt: Date.now() });
        if (status === 200) acknowledged.add(crypto.createHash("sha256").update(raw).digest("hex"));
        return status;
      };
      let isLoading = true;
      const load = (async () => {
        while (isLoading) {
          await postOne();
          await new Promise((r) => setTimeout(r, 20));
        }
      })();

      const downWindows: { from: number; to: number }[] = [];
      const recoveries: number[] = [];
      for (let outage = 0; outage < OUTAGES; outage += 1) {
        await new Promise((r) => setTimeout(r, 1_500));
        await stopImmediately();
        const from = Date.now();
        await new Promise((r) => setTimeout(r, DOWN_MS));
        const to = Date.now();
        downWindows.push({ from, to });
        await startServer();
        // back within 30 s, with no step other than the database coming back
        const answered = await waitFor(
          async () => answers.find((a) => a.sentAt > to && a.status === 200),
          30_000,
          "a 200 after the restart",
        );
        recoveries.push(answered.answeredAt - to);
      }
      await new Promise((r) => setTimeout(r, 1_000));
      isLoading = false;
      await load;

      // while it was down: every request sent and answered inside the window got a refusal, never 200
      const duringOutage = answers.filter((a) =>
        downWindows.some((w) => a.sentAt >= w.from && a.answeredAt <= w.to),
      );
      expect(duringOutage.length).toBeGreaterThan(0);
      expect(duringOutage.filter((a) => a.status === 200)).toEqual([]);
      expect(new Set(duringOutage.map((a) => a.status))).toEqual(new Set([503]));
      expect(answers.filter((a) => a.status !== 200 && a.status !== 503)).toEqual([]);

      // nothing acknowledged is lost, and the worker (never restarted) processes all of it
      const shas = [...acknowledged];
      const count = async (where: string) =>
        (
          await db.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1) ${where}`,
            shas,
          )
        )[0]!.n;
      expect(await count("")).toBe(shas.length);
      await waitFor(
        async () => (await count("AND status = 'pending'")) === 0,
        60_000,
        "the worker to catch up",
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}; worker exit ${worker.child.exitCode}:\n${worker.output().slice(-3000)}`,
        );
      });
      expect(await count("AND status = 'processed'")).toBe(shas.length);
      expect(worker.child.exitCode).toBeNull();
      expect(listener.child.exitCode).toBeNull();
      expect(Math.max(...recoveries)).toBeLessThan(30_000);

      reportFigures("chaos.postgres", {
        outages: OUTAGES,
        requests: answers.length,
        acknowledged: shas.length,
        lost: 0,
        refusedWhileDown: duringOutage.length,
        okWhileDown: 0,
        recoveryMs: JSON.stringify(recoveries),
      });
    },
    chaosScale(180_000, 400_000),
  );
});
