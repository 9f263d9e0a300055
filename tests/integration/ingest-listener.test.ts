// The dedicated ingest listener on real PostgreSQL, over real HTTP: the same answers as the
// Next.js route, health and metrics, group commit (concurrent requests in one statement, each
// answered only after the commit holding its row), 503 and no row when that commit fails, and
// the graceful stop (no new connections, every received request answered after its commit).
// Requests are held at the database with a table lock, so nothing here depends on timing.
import crypto from "node:crypto";
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIngestListener, type TIngestListener, WEBHOOK_PATH } from "@/server/ingest/listener";
import { createProcessMetrics } from "@/server/ingest/prometheus";
import { createWebhookStore, sha256, type TWebhookStore } from "@/server/ingest/record-raw-webhook";
import { signBody } from "@/server/ingest/verify-signature";
import { observeGroupCommit, WEBHOOK_HTTP_METRICS } from "@/server/ingest/web-metrics";
import { findFreePort } from "@/server/platform/embedded-postgres";
import { createLogger } from "@/server/platform/logger";
import { testDatabaseUrl } from "../setup/context";
import { startProcess, waitFor } from "../setup/processes";
import { APP_SECRET, VERIFY_TOKEN } from "./webhook-helpers";

const METRICS_TOKEN = "listener-metrics-token-0123456789abcdef";
const APP_NAME = "listener-test";

let reader: pg.Pool;

beforeAll(() => {
  reader = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
});
afterAll(async () => {
  await reader.end();
});

type TRunning = { listener: TIngestListener; store: TWebhookStore; url: string; pool: pg.Pool };

async function startListener(options: { maxInFlight: number; appName?: string }): Promise<TRunning> {
  const pool = new pg.Pool({
    connectionString: testDatabaseUrl(),
    max: options.maxInFlight,
    application_name: options.appName ?? APP_NAME,
  });
  const metrics = createProcessMetrics(WEBHOOK_HTTP_METRICS);
  const store = createWebhookStore(pool, {
    maxRows: 500,
    maxInFlight: options.maxInFlight,
    onFlush: observeGroupCommit(metrics),
  });
  const listener = createIngestListener({
    appSecrets: [APP_SECRET],
    verifyToken: VERIFY_TOKEN,
    maxBodyBytes: 64 * 1024,
    store,
    log: createLogger("listener-test", "silent"),
    metrics,
    now: () => new Date(),
    metricsToken: METRICS_TOKEN,
    pingDatabase: async () => {
      await pool.query("SELECT 1");
    },
  });
  const address = await listener.listen(0, "127.0.0.1");
  return { listener, store, pool, url: `http://127.0.0.1:${address.port}` };
}

function body(): string {
  return JSON.stringify({ object: "whatsapp_business_account", entry: [], probe: crypto.randomUUID() });
}

function post(url: string, raw: string, signature: string | null = signBody(raw, APP_SECRET)) {
  return fetch(`${url}${WEBHOOK_PATH}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === null ? {} : { "x-hub-signature-256": signature }),
    },
    body: raw,
  });
}

async function inboxRows(raws: readonly string[]): Promise<number> {
  const { rows } = await reader.query<{ n: string }>(
    "SELECT count(*) AS n FROM webhook_inbox WHERE body_sha256 = ANY($1::bytea[])",
    [raws.map((raw) => sha256(Buffer.from(raw)))],
  );
  return Number(rows[0]!.n);
}

/** Holds every insert into the inbox until `release`. */
async function lockInbox() {
  const locker = new pg.Client({ connectionString: testDatabaseUrl() });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query("LOCK TABLE webhook_inbox IN SHARE MODE");
  return {
    release: async () => {
      await locker.query("COMMIT");
      await locker.end();
    },
  };
}

async function waitingOnLock(appName: string, count: number) {
  await waitFor(
    async () => {
      const { rows } = await reader.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [appName],
      );
      return Number(rows[0]!.n) >= count;
    },
    30_000,
    `${count} ${appName} statement(s) waiting on the inbox lock`,
  );
}

function tracked(response: Promise<Response>) {
  const state = { isSettled: false };
  const done = response.finally(() => (state.isSettled = true));
  return { state, done };
}

describe("the ingest listener", () => {
  it("answers like the route: 200 stored, 401 unsigned or forged, 413 oversized, the handshake; and health, metrics, 404, 405", async () => {
    const { listener, url, pool } = await startListener({ maxInFlight: 2 });
    try {
      const raw = body();
      const stored = await post(url, raw);
      expect(stored.status).toBe(200);
      expect(await stored.text()).toBe("EVENT_RECEIVED");
      expect(await inboxRows([raw])).toBe(1);
      const { rows } = await reader.query<{ headers: Record<string, string> }>(
        "SELECT headers FROM webhook_inbox WHERE body_sha256 = $1",
        [sha256(Buffer.from(raw))],
      );
      expect(rows[0]!.headers["x-hub-signature-256"]).toBe(signBody(raw, APP_SECRET));
      expect((await post(url, raw)).status).toBe(200); // a re-post: counted, not stored twice
      expect(await inboxRows([raw])).toBe(1);

      const forged = body();
      expect((await post(url, forged, null)).status).toBe(401);
      expect((await post(url, forged, signBody(forged, "another-secret-0000000"))).status).toBe(401);
      expect(await inboxRows([forged])).toBe(0);

      const big = JSON.stringify({ pad: "x".repeat(70 * 1024) });
      expect((await post(url, big)).status).toBe(413);
      // streamed without a length: the count is enforced, the rest left unread, the connection closed
      // (the signature is well-formed, so the body is read; a malformed one is refused before it)
      const streamed = await new Promise<{ status: number; connection: string | undefined }>(
        (resolve, reject) => {
          const request = http.request(`${url}${WEBHOOK_PATH}`, {
            method: "POST",
            headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}`, "transfer-encoding": "chunked" },
          });
          request.on("response", (response) => {
            response.resume();
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
          });
          request.on("error", reject);
          for (let i = 0; i < 10; i += 1) request.write("y".repeat(16 * 1024));
        },
      );
      expect(streamed).toEqual({ status: 413, connection: "close" });

      const handshake = await fetch(
        `${url}${WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
      );
      expect([handshake.status, await handshake.text()]).toEqual([200, "1158201444"]);
      expect(
        (await fetch(`${url}${WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`))
          .status,
      ).toBe(403);

      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "ok", queued: 0 });

      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(
        401,
      );
      const metrics = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('waybill_webhook_http_requests_total{outcome="stored"} 1');
      expect(text).toContain('waybill_webhook_http_requests_total{outcome="duplicate"} 1');
      expect(text).toContain('waybill_webhook_signature_failures_total{reason="missing"} 1');
      expect(text).toContain("waybill_webhook_group_commit_rows_count 2");
      expect(text).toContain("waybill_ingest_stopping 0");

      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
      expect((await fetch(`${url}${WEBHOOK_PATH}`, { method: "PUT", body: "x" })).status).toBe(405);
    } finally {
      await listener.stop(10_000);
      await pool.end();
    }
  });

  it("writes concurrent requests with one statement and answers each only after the commit holding its row", async () => {
    const { listener, store, url, pool } = await startListener({ maxInFlight: 1 });
    const lock = await lockInbox();
    try {
      const first = body();
      const firstRequest = tracked(post(url, first));
      await waitingOnLock(APP_NAME, 1);
      const others = Array.from({ length: 12 }, () => body());
      const otherRequests = others.map((raw) => tracked(post(url, raw)));
      await waitFor(
        async () => store.queued() === others.length,
        30_000,
        "12 requests queued for the next commit",
      );

      // nothing answered, nothing stored while the first commit cannot happen
      expect([firstRequest, ...otherRequests].some((r) => r.state.isSettled)).toBe(false);
      expect(await inboxRows([first, ...others])).toBe(0);

      await lock.release();
      const answers = await Promise.all([firstRequest, ...otherRequests].map((r) => r.done));
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 13 }, () => 200));
      expect(await inboxRows([first, ...others])).toBe(13);
      const metrics = await (
        await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
      ).text();
      // two statements: the first request alone, then the twelve that queued behind it
      expect(metrics).toContain("waybill_webhook_group_commit_rows_count 2");
      expect(metrics).toContain("waybill_webhook_group_commit_rows_sum 13");
    } finally {
      await lock.release().catch(() => {});
      await listener.stop(10_000);
      await pool.end();
    }
  });

  it("answers 503, never 200, to every request of a commit that failed, and stores none of them", async () => {
    const appName = `${APP_NAME}-fail`;
    const { listener, store, url, pool } = await startListener({ maxInFlight: 1, appName });
    pool.on("error", () => {}); // the terminated connection
    const lock = await lockInbox();
    try {
      const first = body();
      const firstRequest = tracked(post(url, first));
      await waitingOnLock(appName, 1);
      const second = [body(), body()];
      const secondRequests = second.map((raw) => tracked(post(url, raw)));
      await waitFor(async () => store.queued() === 2, 30_000, "two requests queued");
      // the first statement's connection dies before it could commit
      await reader.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
        [appName],
      );
      const failed = await firstRequest.done;
      expect(failed.status).toBe(503);
      expect(failed.headers.get("retry-after")).toBe("5");
      await lock.release();
      // the queued ones get their own statement on a fresh connection
      expect((await Promise.all(secondRequests.map((r) => r.done))).map((a) => a.status)).toEqual([200, 200]);
      expect(await inboxRows([first])).toBe(0);
      expect(await inboxRows(second)).toBe(2);
    } finally {
      await lock.release().catch(() => {});
      await listener.stop(10_000);
      await pool.end();
    }
  });

  it("stops gracefully: refuses new connections, answers every received request after its commit, then closes", async () => {
    const appName = `${APP_NAME}-drain`;
    const { listener, store, url, pool } = await startListener({ maxInFlight: 1, appName });
    const lock = await lockInbox();
    try {
      const raws = Array.from({ length: 5 }, () => body());
      const first = tracked(post(url, raws[0]!));
      await waitingOnLock(appName, 1);
      const rest = raws.slice(1).map((raw) => tracked(post(url, raw)));
      await waitFor(async () => store.queued() === 4, 30_000, "four requests queued");

      const stopped = listener.stop(60_000);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      expect(listener.openRequests()).toBe(5);
      expect([first, ...rest].some((r) => r.state.isSettled)).toBe(false);

      await lock.release();
      const answers = await Promise.all([first, ...rest].map((r) => r.done));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.every((a) => a.headers.get("connection") === "close")).toBe(true);
      expect(await stopped).toEqual({ isComplete: true });
      expect(await inboxRows(raws)).toBe(5);
      expect(listener.server.listening).toBe(false);
    } finally {
      await lock.release().catch(() => {});
      await pool.end();
    }
  });

  it("cuts the connections of requests still uncommitted when the drain time runs out: no 200 for them", async () => {
    const appName = `${APP_NAME}-cut`;
    const { listener, url, pool } = await startListener({ maxInFlight: 1, appName });
    pool.on("error", () => {});
    const lock = await lockInbox();
    try {
      const raw = body();
      const request = post(url, raw);
      await waitingOnLock(appName, 1);
      expect(await listener.stop(200)).toEqual({ isComplete: false });
      await expect(request).rejects.toThrow();
    } finally {
      await lock.release();
      await pool.end().catch(() => {});
    }
  });

  it("npm run ingest: starts, serves, and on SIGTERM answers what it holds, then exits 0", async () => {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const running = startProcess("server/listener/main.ts", {
      DATABASE_URL: testDatabaseUrl(),
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WAYBILL_INGEST_PORT: String(port),
      WAYBILL_WEBHOOK_DB_POOL_MAX: "2",
      LOG_LEVEL: "info",
    });
    try {
      await waitFor(
        async () => (await fetch(`${url}/health`).catch(() => null))?.status === 200,
        60_000,
        "the listener's health",
      );
      const before = body();
      expect((await post(url, before)).status).toBe(200);

      const lock = await lockInbox();
      const held = [body(), body(), body()];
      const requests = held.map((raw) => tracked(post(url, raw)));
      await waitingOnLock("waybill-ingest-listener", 1);
      running.child.kill("SIGTERM");
      await waitFor(
        async () => running.output().includes("ingest listener draining"),
        30_000,
        "the drain to start",
      );
      expect(requests.some((r) => r.state.isSettled)).toBe(false);
      await lock.release();
      expect((await Promise.all(requests.map((r) => r.done))).map((a) => a.status)).toEqual([200, 200, 200]);
      expect(await running.exited).toEqual({ code: 0, signal: null });
      expect(await inboxRows([before, ...held])).toBe(4);
    } finally {
      running.child.kill("SIGKILL");
    }
  });
});
