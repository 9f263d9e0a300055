// End to end, every hop real: a tenant's backend POSTs /api/v1/messages -> the worker process
// claims and calls the provider simulator process over HTTP -> the acknowledgement (wamid) is
// recorded -> the simulator posts signed, batched status webhooks to Waybill's webhook route ->
// the worker drains the inbox into the ledger -> the tenant reads queued -> ... -> read.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { RULES_V1 } from "@/server/domain/reconciliation/rules";
import { loadChain } from "@/server/services/ledger/read-ledger";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { waitFor, type TRunningProcess } from "../setup/processes";
import { callerFor } from "../setup/trpc";
import { startSimulatorProcess, startWebRoutes, startWorkerProcess, stopProcess } from "./sending-harness";

/** A JSON body under test: assertions reach into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions themselves
type TJsonBody = Record<string, any>;

let db: TDb;
let admin: pg.Client;
let web: Awaited<ReturnType<typeof startWebRoutes>>;
let simulator: Awaited<ReturnType<typeof startSimulatorProcess>>;
let worker: TRunningProcess;
let tenant: { id: string; apiKey: string; senderId: string; displayNumber: string; phoneNumberId: string };
let WORKER_ENV: Record<string, string>;

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query("DELETE FROM send_queue"); // earlier files' leftovers are not this test's traffic
  const t = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, t.id, { wabaId: "102290129340398" });
  tenant = {
    id: t.id,
    apiKey: (await makeApiKey(db, t.id)).apiKey,
    senderId: sender.id,
    displayNumber: sender.displayNumber,
    phoneNumberId: sender.phoneNumberId,
  };
  web = await startWebRoutes(db);
  simulator = await startSimulatorProcess(
    {
      numbers: {
        [sender.phoneNumberId]: {
          wabaId: "102290129340398",
          displayPhoneNumber: sender.displayNumber.slice(1),
        },
      },
      defaults: {
        latencyMs: { min: 20, max: 60 },
        outcomes: { read: 1, delivered: 0, sent: 0, failed: 0 },
        readWithoutDeliveredRate: 0,
        statusDelayMs: {
          sent: { min: 100, max: 300 },
          delivered: { min: 100, max: 300 },
          read: { min: 100, max: 300 },
        },
        // Meta's habits: duplicates and out-of-order arrivals
        duplicateRate: 0.5,
        reorderRate: 0.5,
        webhookDelayMs: { min: 0, max: 200 },
      },
      webhooks: {
        batchWindowMs: 100,
        maxStatusesPerPost: 25,
        multiEntryRate: 0.3,
        retries: 5,
        retryBaseMs: 500,
      },
    },
    `${web.url}/api/webhooks/whatsapp`,
  );
  WORKER_ENV = {
    WHATSAPP_GRAPH_API_URL: simulator.url,
    WHATSAPP_GRAPH_API_VERSION: "v21.0",
    // short clocks, so the in-doubt paths run in seconds (in the order production has them)
    WAYBILL_SEND_TIMEOUT_MS: "2000",
    WAYBILL_SEND_LEASE_SECONDS: "5",
    WAYBILL_ORPHAN_MATCH_GRACE_SECONDS: "2",
    WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS: "20",
  };
  worker = await startWorkerProcess(db, WORKER_ENV);
}, 120_000);

afterAll(async () => {
  if (worker) await stopProcess(worker);
  if (simulator) await stopProcess(simulator.process);
  await web?.close();
  await admin.query("DELETE FROM send_queue WHERE tenant_id = $1", [tenant.id]);
  await admin.end();
  await db.$disconnect();
});

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${web.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${tenant.apiKey}`,
      "Content-Type": "application/json",
      ...(init.headers ?? {}),
    },
  });
  return { status: response.status, body: (await response.json()) as TJsonBody };
}

describe("end to end: API request -> worker -> simulator -> acknowledgement -> signed webhooks -> read", () => {
  it("moves a message queued -> submitting -> accepted -> sent -> delivered -> read, driven by signed webhooks", async () => {
    const sent = await api("/api/v1/messages", {
      method: "POST",
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: JSON.stringify({
        from: tenant.displayNumber,
        to: "+15551230001",
        type: "template",
        template: { name: "order_update", language: "en_US", bodyParameters: ["#777", "Friday"] },
      }),
    });
    expect(sent.status).toBe(202);
    expect(sent.body.state).toBe("queued");
    const id = sent.body.id as string;

    const read = await waitFor(
      async () => {
        const events = await api(`/api/v1/messages/${id}/events`);
        return events.body.state === "read" ? events.body : null;
      },
      30_000,
      "the message to be read",
    );
    const types = (read.events as { type: string }[]).map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["requested", "attempt_started", "provider_accepted"]);
    expect(new Set(types.slice(3))).toEqual(new Set(["status_sent", "status_delivered", "status_read"]));
    expect(read.chain).toEqual({ ok: true, checkedEvents: 6 });
    const webhookEvents = (read.events as { source: string; providerTimestamp: string | null }[]).slice(3);
    for (const event of webhookEvents) {
      expect(event.source).toBe("webhook");
      expect(event.providerTimestamp).not.toBeNull();
    }

    // the tenant-facing message
    const message = await api(`/api/v1/messages/${id}`);
    expect(message.body).toMatchObject({ state: "read", lastError: null, attempts: 1 });
    expect(message.body.providerMessageId).toMatch(/^wamid\./);
    expect(message.body.explanation).toBe("read: provider reported read for attempt 1");

    // the canonical timeline, whatever order the webhooks arrived in
    const derived = deriveState(await loadChain(db, tenant.id, id), RULES_V1);
    expect(derived.transitions.map((t) => t.to)).toEqual([
      "queued",
      "submitting",
      "accepted",
      "sent",
      "delivered",
      "read",
    ]);

    // the webhooks were stored raw and verified with the app secret
    const stored = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_inbox WHERE status = 'processed' AND signature_key_index = 0",
    );
    expect(stored.rows[0]!.n).toBeGreaterThan(0);
    const sentLog = (await simulator.admin(`sent?callbackData=${id}`)) as { wamid: string }[];
    expect(sentLog.map((s) => s.wamid)).toEqual([message.body.providerMessageId]);
  });

  it("keeps a burst of messages apart: every one reaches read, with duplicates counted, not applied twice", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const sent = await api("/api/v1/messages", {
        method: "POST",
        body: JSON.stringify({
          from: tenant.senderId,
          to: `+1555123${String(1000 + i)}`,
          type: "text",
          text: { body: `hello ${i}` },
        }),
      });
      expect(sent.status).toBe(202);
      ids.push(sent.body.id as string);
    }
    for (const id of ids) {
      await waitFor(
        async () => (await api(`/api/v1/messages/${id}`)).body.state === "read",
        30_000,
        `message ${id} read`,
      );
    }
    // the simulator re-posts about half the statuses, some after the last read has landed: each
    // is counted as a receipt of its fact
    await waitFor(
      async () =>
        (
          await admin.query<{ duplicates: number }>(
            `SELECT count(*)::int AS duplicates FROM message_event_receipt WHERE tenant_id = $1 AND NOT is_first`,
            [tenant.id],
          )
        ).rows[0]!.duplicates > 0,
      30_000,
      "a re-posted status to be counted",
    );
    const facts = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM message_event WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND source = 'webhook'",
      [tenant.id, ids],
    );
    expect(facts.rows[0]!.n).toBe(20 * 3);
  });
});

describe("a number Meta flags keeps sending", () => {
  it("records the flag (with an alert) and sends from the flagged number, then records the unflag", async () => {
    // Meta flags the number: a signed phone_number_quality_update webhook, ingested like any other
    await simulator.admin("quality", { phoneNumberId: tenant.phoneNumberId, event: "FLAGGED" });
    await waitFor(
      async () =>
        (
          await db.senderNumber.findUniqueOrThrow({
            where: { tenantId_id: { tenantId: tenant.id, id: tenant.senderId } },
          })
        ).status === "FLAGGED",
      30_000,
      "the number to be flagged",
    );
    const alert = await db.alert.findFirst({
      where: { tenantId: tenant.id, senderNumberId: tenant.senderId, kind: "sender_health", status: "open" },
    });
    expect(alert).not.toBeNull();

    // a flag is a warning: Meta keeps sending from a flagged number, and so do we
    const sent = await api("/api/v1/messages", {
      method: "POST",
      body: JSON.stringify({
        from: tenant.senderId,
        to: "+15551239001",
        type: "text",
        text: { body: "flagged" },
      }),
    });
    await waitFor(
      async () => (await api(`/api/v1/messages/${sent.body.id}`)).body.state !== "queued",
      30_000,
      "the flagged number's message to go",
    );

    await simulator.admin("quality", { phoneNumberId: tenant.phoneNumberId, event: "UNFLAGGED" });
    const healthOf = async () =>
      JSON.stringify(
        (
          await db.senderHealth.findUniqueOrThrow({
            where: { tenantId_senderNumberId: { tenantId: tenant.id, senderNumberId: tenant.senderId } },
          })
        ).health,
      );
    await waitFor(
      async () => (await healthOf()).includes('"state":"UNFLAGGED"'),
      30_000,
      "the unflag to be recorded",
    );
  });
});

describe("in doubt, with real processes", () => {
  it("a worker killed between the call and the record: the attempt is held, never resent, and the webhook settles it", async () => {
    const to = "15551238888";
    // Meta accepts but the answer never reaches the worker, which then dies. Its webhooks are
    // held back until the in-doubt state has been checked: a delay would race a slow restart.
    await simulator.admin("scenarios", {
      id: "crash",
      match: { recipient: to },
      scenario: { acceptThenHangRate: 1 },
    });
    await simulator.admin("outage", { mode: "webhooks_down" });
    const sent = await api("/api/v1/messages", {
      method: "POST",
      body: JSON.stringify({ from: tenant.senderId, to: `+${to}`, type: "text", text: { body: "in doubt" } }),
    });
    const id = sent.body.id as string;
    await waitFor(
      async () => (await api(`/api/v1/messages/${id}`)).body.state === "submitting",
      15_000,
      "the attempt to start",
    );
    worker.child.kill("SIGKILL");
    await worker.exited;

    // a new worker takes the row back once the lease runs out, sees attempt 1 started without
    // an outcome, and holds it instead of resending
    worker = await startWorkerProcess(db, WORKER_ENV);
    await waitFor(
      async () => (await db.sendQueueItem.count({ where: { tenantId: tenant.id, messageId: id } })) === 0,
      20_000,
      "the in-doubt attempt to be held",
    );
    expect((await api(`/api/v1/messages/${id}`)).body).toMatchObject({
      state: "submitting",
      explanation: "submitting: attempt 1 started, provider response not recorded",
    });
    const engineer = await makeUser(db, "engineer");
    const inDoubt = await callerFor(db, engineer).sending.listInDoubt({
      tenantId: tenant.id,
      olderThanSeconds: 0,
    });
    expect(inDoubt.find((d) => d.messageId === id)).toMatchObject({ handling: "held", attempt: 1 });

    // Meta's status webhooks arrive, carrying our biz_opaque_callback_data: they settle it
    await simulator.admin("outage", { mode: null });
    const settled = await waitFor(
      async () => {
        const message = await api(`/api/v1/messages/${id}`);
        return ["sent", "delivered", "read"].includes(message.body.state as string) ? message.body : null;
      },
      40_000,
      "a webhook to settle the attempt",
    );
    expect(settled.explanation).toMatch(/webhook proves acceptance; accept response never recorded/);
    const sends = (await simulator.admin(`sent?callbackData=${id}`)) as unknown[];
    expect(sends).toHaveLength(1);
    const after = await callerFor(db, engineer).sending.listInDoubt({
      tenantId: tenant.id,
      olderThanSeconds: 0,
    });
    expect(after.map((d) => d.messageId)).not.toContain(id);
    // every status of the attempt joins the ledger in the end (no orphan left behind)
    await waitFor(
      async () =>
        (await api(`/api/v1/messages/${id}`)).body.state === "read" &&
        (await db.webhookOrphanStatus.count({
          where: { tenantId: tenant.id, attachedAt: null, discardedAt: null },
        })) === 0,
      60_000,
      "every status to be attached",
    );
  });
});
