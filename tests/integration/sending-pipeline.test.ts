// The send pipeline on real PostgreSQL against the provider simulator over real HTTP (both
// in-process here; tests/integration/sending-e2e.test.ts runs them as processes): acceptance,
// retries with their reasons, dead letters, the adaptive throttle on 130429, pair pacing on
// 131056, a sender paused alone on 190, in-doubt attempts (timeouts and crashes) resolved by a
// webhook or by an engineer, and manual retries of dead letters.
import crypto from "node:crypto";
import pg from "pg";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { DEFAULT_RETRY_POLICY } from "@/server/domain/sending/retry-policy";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import type { TSendMessageRequest } from "@/server/domain/sending/send-request";
import { createLogger } from "@/server/platform/logger";
import { seededRandom, startSimulator, type TSimulator } from "@/server/providers/simulator/simulator";
import { ZSimulatorConfigSchema } from "@/server/providers/simulator/scenario";
import { createWhatsAppCloudProvider } from "@/server/providers/whatsapp-cloud/client";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import type { TSendingConfig } from "@/server/services/sending/config";
import { startDispatcher, type TDispatcher } from "@/server/services/sending/dispatcher";
import { listInDoubtAttempts } from "@/server/services/sending/in-doubt";
import { createCredentialCache } from "@/server/services/sending/process-send";
import { requestSend, requestSendDepsOf } from "@/server/services/sending/request-send";
import { resumeSender } from "@/server/services/sending/sender-control";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { createTestDb, createTestPool, testDatabaseUrl, testSecretBox } from "../setup/context";
import { waitFor } from "../setup/processes";
import { callerFor } from "../setup/trpc";

const CONFIG: TSendingConfig = {
  retry: {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: 6,
    baseDelayMs: 150,
    maxDelayMs: 600,
    rateLimitedBaseDelayMs: 200,
    throttleBaseDelayMs: 100,
    pairIntervalMs: 300,
    inDoubtGraceMs: 2_000,
  },
  throughput: DEFAULT_THROUGHPUT,
  concurrency: 16,
  leaseMs: 8_000,
  pollMs: 50,
};

let db: TDb;
let pool: pg.Pool;
let admin: pg.Client;
let simulator: TSimulator;
let dispatcher: TDispatcher;
const engineerActor = { kind: "cli" as const, label: "pipeline-test" };

type TSenderFixture = { tenantId: string; senderId: string; phoneNumberId: string };
let acme: TSenderFixture;
let acme2: TSenderFixture;
let globex: TSenderFixture;

beforeAll(async () => {
  db = createTestDb();
  pool = createTestPool();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  // leftovers of earlier files would be claimed too: this file starts from an empty queue
  await admin.query("DELETE FROM send_queue");
  const a = await makeTenant(db);
  const aSender = await makeSenderNumber(db, testSecretBox, a.id);
  const aSender2 = await makeSenderNumber(db, testSecretBox, a.id);
  const g = await makeTenant(db);
  const gSender = await makeSenderNumber(db, testSecretBox, g.id);
  acme = { tenantId: a.id, senderId: aSender.id, phoneNumberId: aSender.phoneNumberId };
  acme2 = { tenantId: a.id, senderId: aSender2.id, phoneNumberId: aSender2.phoneNumberId };
  globex = { tenantId: g.id, senderId: gSender.id, phoneNumberId: gSender.phoneNumberId };

  simulator = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    // status webhooks are not ingested in this file (see sending-e2e.test.ts): a closed port
    webhookUrl: "http://127.0.0.1:9/api/webhooks/whatsapp",
    appSecret: "pipeline-test-app-secret-0123456789",
    config: ZSimulatorConfigSchema.parse({
      defaults: { latencyMs: { min: 5, max: 20 }, rateLimitPerSecond: null, pairLimit: null },
      webhooks: {
        batchWindowMs: 1_000,
        maxStatusesPerPost: 25,
        multiEntryRate: 0,
        retries: 0,
        retryBaseMs: 1_000,
      },
    }),
    random: seededRandom(11),
    log: createLogger("simulator", "error"),
  });
  dispatcher = startDispatcher({
    db,
    pool,
    databaseUrl: testDatabaseUrl(),
    provider: createWhatsAppCloudProvider({ baseUrl: simulator.url, version: "v21.0", timeoutMs: 1_500 }),
    credentials: createCredentialCache(db, testSecretBox),
    config: CONFIG,
    workerId: `pipeline-test-${crypto.randomUUID().slice(0, 8)}`,
    clock: () => new Date(),
    random: seededRandom(5),
    log: createLogger("dispatcher", "fatal"),
  });
});
afterEach(() => {
  for (const rule of simulator.engine.config().rules) if (rule.id) simulator.engine.removeRule(rule.id);
  simulator.engine.setOutage(null);
});
afterAll(async () => {
  await dispatcher.stop(2_000);
  await simulator.close();
  await admin.query("DELETE FROM send_queue WHERE tenant_id = ANY($1::uuid[])", [
    [acme.tenantId, globex.tenantId],
  ]);
  await admin.end();
  await db.$disconnect();
  await pool.end();
});

function template(sender: TSenderFixture, to: string): TSendMessageRequest {
  return {
    from: sender.senderId,
    to,
    type: "template",
    template: { name: "order_update", language: "en_US", bodyParameters: ["#1", "Friday"] },
  };
}

let recipientCounter = 0;
function newRecipient(prefix = "1555"): string {
  recipientCounter += 1;
  return `${prefix}${String(Date.now() % 1000).padStart(3, "0")}${String(recipientCounter).padStart(4, "0")}`;
}

async function send(sender: TSenderFixture, to = newRecipient()): Promise<string> {
  const result = await requestSend(requestSendDepsOf(db), {
    tenantId: sender.tenantId,
    request: template(sender, `+${to}`),
    idempotencyKey: null,
    origin: { kind: "api", apiKeyId: crypto.randomUUID() },
    now: new Date(),
  });
  if (result.kind !== "created") throw new Error(`not created: ${result.kind}`);
  return result.message.id;
}

async function state(tenantId: string, messageId: string) {
  return db.message.findUniqueOrThrow({
    where: { tenantId_id: { tenantId, id: messageId } },
    select: {
      state: true,
      stateExplanation: true,
      lastErrorCode: true,
      providerMessageId: true,
      attemptCount: true,
    },
  });
}

function waitForState(tenantId: string, messageId: string, states: string[], timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const current = await state(tenantId, messageId);
      return states.includes(current.state) ? current : null;
    },
    timeoutMs,
    `message ${messageId} to reach ${states.join("|")}`,
  );
}

async function ledger(tenantId: string, messageId: string) {
  return loadChain(db, tenantId, messageId);
}

function types(events: Awaited<ReturnType<typeof ledger>>): string[] {
  return events.map((e) => ("attempt" in e && e.attempt !== null ? `${e.type}:${e.attempt}` : e.type));
}

describe("acceptance", () => {
  it("records attempt_started before the call and the wamid after, with the callback data set", async () => {
    const id = await send(acme);
    const done = await waitForState(acme.tenantId, id, ["accepted"]);
    const sent = simulator.engine.sent({ callbackData: id });
    expect(sent).toHaveLength(1);
    expect(done.providerMessageId).toBe(sent[0]!.wamid);
    const events = await ledger(acme.tenantId, id);
    expect(types(events)).toEqual(["requested", "attempt_started:1", "provider_accepted:1"]);
    expect(events[2]).toMatchObject({
      source: "provider_response",
      payload: { httpStatus: 200, messageStatus: "accepted" },
    });
    // each attempt names itself in the callback data its webhooks echo
    expect(sent[0]!.body).toMatchObject({
      biz_opaque_callback_data: `${id}:1`,
      to: expect.any(String),
      type: "template",
    });
    expect(await db.sendQueueItem.count({ where: { tenantId: acme.tenantId, messageId: id } })).toBe(0);
  });
});

describe("retries and dead letters", () => {
  it("retries a transient error with its reason in the ledger, then completes", async () => {
    const to = newRecipient("1666");
    simulator.engine.addRule({
      id: "flaky",
      match: { recipient: to },
      scenario: { syncErrors: [{ code: 131000, rate: 1 }] },
    });
    const id = await send(acme, to);
    await waitFor(
      async () => (await ledger(acme.tenantId, id)).some((e) => e.type === "provider_rejected"),
      10_000,
      "a rejection",
    );
    simulator.engine.removeRule("flaky");
    await waitForState(acme.tenantId, id, ["accepted"]);
    const events = await ledger(acme.tenantId, id);
    const rejected = events.filter((e) => e.type === "provider_rejected");
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]).toMatchObject({
      attempt: 1,
      error: { code: "131000", title: "Something went wrong", message: "(#131000) Something went wrong" },
      payload: {
        disposition: "transient",
        httpStatus: 500,
        providerError: { code: 131000, is_transient: true },
      },
    });
    const retry = events.find((e) => e.type === "retry_scheduled");
    expect(retry).toMatchObject({ attempt: 2, error: { code: "131000" } });
    const last = events.at(-1)!;
    expect(last.type).toBe("provider_accepted");
    expect(types(events).slice(0, 5)).toEqual([
      "requested",
      "attempt_started:1",
      "provider_rejected:1",
      "retry_scheduled:2",
      "attempt_started:2",
    ]);
  });

  it("dead-letters a permanent error at once, with its reason, after one call", async () => {
    const to = newRecipient("1777");
    simulator.engine.addRule({
      id: "undeliverable",
      match: { recipient: to },
      scenario: { syncErrors: [{ code: 131026, rate: 1 }] },
    });
    const id = await send(acme, to);
    const done = await waitForState(acme.tenantId, id, ["dead_lettered"]);
    expect(done.stateExplanation).toBe(
      "dead_lettered: stopped at attempt 1, permanent error 131026 (Message undeliverable): not retried automatically (131026: Message undeliverable)",
    );
    expect(done.lastErrorCode).toBe("131026");
    expect(types(await ledger(acme.tenantId, id))).toEqual([
      "requested",
      "attempt_started:1",
      "provider_rejected:1",
      "dead_lettered:1",
    ]);
    expect(simulator.engine.stats().numbers[acme.phoneNumberId]?.errors["131026"]).toBe(1);
  });

  it("dead-letters when the retry budget is spent", async () => {
    const to = newRecipient("1778");
    simulator.engine.addRule({
      id: "down",
      match: { recipient: to },
      scenario: { syncErrors: [{ code: 131016, rate: 1 }] },
    });
    const id = await send(acme, to);
    const done = await waitForState(acme.tenantId, id, ["dead_lettered"], 20_000);
    expect(done.stateExplanation).toMatch(
      /^dead_lettered: stopped at attempt 6, retry budget spent: 6 of 6 attempts failed \(last: 131016 \(Service unavailable\)\)/,
    );
    const events = await ledger(acme.tenantId, id);
    expect(
      events.filter((e) => e.type === "retry_scheduled").map((e) => ("attempt" in e ? e.attempt : 0)),
    ).toEqual([2, 3, 4, 5, 6]);
  });

  it("rides out a Meta outage: retries until it ends", async () => {
    simulator.engine.setOutage("unavailable");
    const id = await send(globex);
    await waitFor(
      async () => (await ledger(globex.tenantId, id)).some((e) => e.type === "retry_scheduled"),
      10_000,
      "a retry",
    );
    simulator.engine.setOutage(null);
    await waitForState(globex.tenantId, id, ["accepted"]);
    const rejected = (await ledger(globex.tenantId, id)).find((e) => e.type === "provider_rejected");
    expect(rejected).toMatchObject({ error: { code: "2", title: "API Service" } });
  });

  it("lets an engineer retry a dead letter, once per operation", async () => {
    const to = newRecipient("1779");
    simulator.engine.addRule({
      id: "perm",
      match: { recipient: to },
      scenario: { syncErrors: [{ code: 131026, rate: 1 }] },
    });
    const id = await send(acme, to);
    await waitForState(acme.tenantId, id, ["dead_lettered"]);
    simulator.engine.removeRule("perm");
    const engineer = await makeUser(db, "engineer");
    const operationId = crypto.randomUUID();
    const input = {
      tenantId: acme.tenantId,
      messageId: id,
      reason: "customer re-registered on WhatsApp",
      operationId,
    };
    expect(await callerFor(db, engineer).sending.retryMessage(input)).toEqual({
      attempt: 2,
      isRepeat: false,
    });
    expect(await callerFor(db, engineer).sending.retryMessage(input)).toEqual({ attempt: 2, isRepeat: true });
    await waitForState(acme.tenantId, id, ["accepted"]);
    const events = await ledger(acme.tenantId, id);
    expect(types(events).slice(4)).toEqual([
      "manual_action",
      "retry_scheduled:2",
      "attempt_started:2",
      "provider_accepted:2",
    ]);
    expect(events[4]).toMatchObject({
      action: "retry",
      actor: `user:${engineer.email}`,
      reason: "customer re-registered on WhatsApp",
    });
    // only dead letters (and failures) can be retried; support cannot retry at all
    await expect(
      callerFor(db, engineer).sending.retryMessage({ ...input, operationId: crypto.randomUUID() }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const support = await makeUser(db, "support_agent");
    await expect(
      callerFor(db, support).sending.retryMessage({ ...input, operationId: crypto.randomUUID() }),
    ).rejects.toThrow(TRPCError);
  });
});

describe("tenant isolation in the pipeline", () => {
  it("a 130429 burst slows that number, retries and completes; another tenant is not delayed", async () => {
    simulator.engine.addRule({
      id: "mps",
      match: { phoneNumberId: acme2.phoneNumberId },
      scenario: { rateLimitPerSecond: 8 },
    });
    const burst = await Promise.all(Array.from({ length: 60 }, () => send(acme2)));
    // meanwhile another tenant sends ten messages of its own
    const globexIds = await Promise.all(Array.from({ length: 10 }, () => send(globex)));
    for (const id of globexIds) await waitForState(globex.tenantId, id, ["accepted"], 30_000);
    for (const id of burst) await waitForState(acme2.tenantId, id, ["accepted"], 60_000);

    const dispatch = await db.senderDispatch.findUniqueOrThrow({
      where: { tenantId_senderNumberId: { tenantId: acme2.tenantId, senderNumberId: acme2.senderId } },
    });
    expect(dispatch.throttleCount).toBeGreaterThan(0);
    expect(simulator.engine.stats().numbers[acme2.phoneNumberId]?.errors["130429"]).toBeGreaterThan(0);
    const throttled = await db.messageEvent.count({
      where: { tenantId: acme2.tenantId, type: "retry_scheduled", errorCode: "130429" },
    });
    expect(throttled).toBeGreaterThan(0);
    expect(
      await db.message.count({
        where: { tenantId: acme2.tenantId, senderNumberId: acme2.senderId, state: "dead_lettered" },
      }),
    ).toBe(0);
    // the other tenant's messages went out as if nothing happened: never held back or retried,
    // and all of them accepted while the throttled number was still working through its burst
    // (an order of facts, not a wall-clock bound, so a slow machine cannot fail it)
    expect(
      await db.messageEvent.count({
        where: { tenantId: globex.tenantId, messageId: { in: globexIds }, type: "retry_scheduled" },
      }),
    ).toBe(0);
    const lastAccepted = async (tenantId: string, ids: string[]) =>
      (
        await db.messageEvent.aggregate({
          where: { tenantId, messageId: { in: ids }, type: "provider_accepted" },
          _max: { recordedAt: true },
        })
      )._max.recordedAt!.getTime();
    expect(await lastAccepted(globex.tenantId, globexIds)).toBeLessThan(
      await lastAccepted(acme2.tenantId, burst),
    );
  });

  it("paces a recipient after 131056 without slowing the number's other recipients", async () => {
    const to = newRecipient("1888");
    simulator.engine.addRule({
      id: "pair",
      match: { phoneNumberId: acme.phoneNumberId },
      scenario: { pairLimit: { burst: 1, perMs: 1_200 } },
    });
    const ids = [await send(acme, to), await send(acme, to), await send(acme, to)];
    const started = Date.now();
    const other = await send(acme);
    await waitForState(acme.tenantId, other, ["accepted"], 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const id of ids) await waitForState(acme.tenantId, id, ["accepted"], 30_000);
    const paced = await db.pairPacing.findUniqueOrThrow({
      where: {
        tenantId_senderNumberId_recipient: {
          tenantId: acme.tenantId,
          senderNumberId: acme.senderId,
          recipient: to,
        },
      },
    });
    expect(paced.strikes).toBeGreaterThanOrEqual(1);
    const pairErrors = await db.messageEvent.count({
      where: {
        tenantId: acme.tenantId,
        messageId: { in: ids },
        type: "provider_rejected",
        errorCode: "131056",
      },
    });
    expect(pairErrors).toBeGreaterThan(0);
    // one message per recipient at a time: no two attempts to the pair overlap
    const windows: [number, number][] = [];
    for (const id of ids) {
      const events = await ledger(acme.tenantId, id);
      for (const started of events.filter((e) => e.type === "attempt_started")) {
        const attempt = "attempt" in started ? started.attempt : null;
        const answer = events.find(
          (e) =>
            (e.type === "provider_accepted" || e.type === "provider_rejected") &&
            "attempt" in e &&
            e.attempt === attempt,
        );
        windows.push([started.recordedAt, answer!.recordedAt]);
      }
    }
    windows.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < windows.length; i += 1)
      expect(windows[i]![0]).toBeGreaterThanOrEqual(windows[i - 1]![1]);
  });

  it("an invalid token pauses that number alone, with an alert, until an engineer resumes it", async () => {
    const victim = { ...acme2 };
    simulator.engine.addRule({
      id: "token",
      match: { phoneNumberId: victim.phoneNumberId },
      scenario: { invalidToken: true },
    });
    const first = await send(victim);
    const done = await waitForState(victim.tenantId, first, ["dead_lettered"]);
    expect(done.stateExplanation).toContain(
      "the sender cannot send: 190 (Access token has expired); the sender number is paused",
    );
    const queued = [await send(victim), await send(victim), await send(victim)];
    // other numbers and tenants flow on
    const otherTenant = await send(globex);
    const sameTenantOtherNumber = await send(acme);
    await waitForState(globex.tenantId, otherTenant, ["accepted"], 5_000);
    await waitForState(acme.tenantId, sameTenantOtherNumber, ["accepted"], 5_000);
    await new Promise((r) => setTimeout(r, 500));
    for (const id of queued) expect((await state(victim.tenantId, id)).state).toBe("queued");
    expect(simulator.engine.stats().numbers[victim.phoneNumberId]?.errors["190"]).toBe(1);

    const alert = await db.alert.findFirstOrThrow({
      where: { tenantId: victim.tenantId, senderNumberId: victim.senderId, status: "open" },
    });
    expect(alert).toMatchObject({ kind: "sender_health", severity: "critical", messageId: first });
    expect(alert.title).toMatch(/^Sending paused for \+1555[0-9]+: 190 \(Access token has expired\)$/);
    expect(
      await db.auditEvent.count({ where: { action: "sending.sender_paused", targetId: victim.senderId } }),
    ).toBe(1);
    const engineer = await makeUser(db, "engineer");
    const paused = await callerFor(db, engineer).sending.listPausedSenders({});
    expect(paused.find((p) => p.senderNumberId === victim.senderId)).toMatchObject({
      pausedErrorCode: "190",
      queued: 3,
    });

    // the token is fixed; the engineer resumes and asks for the dead-lettered message too
    simulator.engine.removeRule("token");
    const resumed = await resumeSender(
      db,
      engineerActor,
      {
        tenantId: victim.tenantId,
        senderNumberId: victim.senderId,
        reason: "token rotated",
        requeueDeadLettered: true,
      },
      new Date(),
    );
    expect(resumed).toEqual({ requeued: 1 });
    for (const id of [first, ...queued]) await waitForState(victim.tenantId, id, ["accepted"], 10_000);
    expect(
      (
        await db.alert.findUniqueOrThrow({
          where: { tenantId_id: { tenantId: victim.tenantId, id: alert.id } },
        })
      ).status,
    ).toBe("resolved");
  });
});

describe("our own configuration", () => {
  it("pauses a number whose token cannot be read, keeps its messages queued, and sends nothing", async () => {
    const sender = await makeSenderNumber(db, testSecretBox, globex.tenantId);
    const broken = { tenantId: globex.tenantId, senderId: sender.id, phoneNumberId: sender.phoneNumberId };
    await admin.query("DELETE FROM sender_credential WHERE tenant_id = $1 AND sender_number_id = $2", [
      broken.tenantId,
      broken.senderId,
    ]);
    const id = await send(broken);
    const paused = await waitFor(
      () =>
        db.senderDispatch.findFirst({
          where: { tenantId: broken.tenantId, senderNumberId: broken.senderId, pausedAt: { not: null } },
        }),
      10_000,
      "the number to be paused",
    );
    expect(paused).toMatchObject({
      pausedErrorCode: "waybill.credential_unavailable",
      pausedReason: "the sender's access token cannot be read (sender number has no stored credential)",
      pausedBy: "system:dispatcher",
    });
    expect((await state(broken.tenantId, id)).state).toBe("queued");
    expect(simulator.engine.sent({ callbackData: id })).toHaveLength(0);
  });
});

describe("in-doubt attempts", () => {
  it("a timed-out attempt is not resent while a webhook may still prove it; the webhook settles it", async () => {
    const to = newRecipient("1999");
    simulator.engine.addRule({ id: "hang", match: { recipient: to }, scenario: { acceptThenHangRate: 1 } });
    const id = await send(globex, to);
    const row = await waitFor(
      () =>
        db.sendQueueItem.findFirst({
          where: { tenantId: globex.tenantId, messageId: id, inDoubtAttempt: 1 },
        }),
      10_000,
      "the attempt to time out",
    );
    expect(row.lastError).toMatchObject({ code: "transport.timeout" });
    expect((await state(globex.tenantId, id)).state).toBe("submitting");
    // the status webhook (Meta echoes biz_opaque_callback_data) arrives; ingestion records it.
    // Here its effect is appended directly, as ingestion does (attempt unknown: null).
    const wamid = simulator.engine.sent({ callbackData: id })[0]!.wamid;
    await db.$transaction((tx) =>
      appendEvents(
        tx,
        globex.tenantId,
        id,
        [
          {
            type: "status_sent",
            source: "webhook",
            providerTimestamp: Date.now(),
            dedupeKey: dedupeKey.status(wamid, "sent"),
            payload: {},
            attempt: null,
            providerMessageId: wamid,
          },
        ],
        { now: new Date() },
      ),
    );
    const settled = await waitForState(globex.tenantId, id, ["sent"]);
    expect(settled.stateExplanation).toContain(
      "sent webhook proves acceptance; accept response never recorded",
    );
    // after the grace period the queue row is dropped, never resent
    await waitFor(
      async () =>
        (await db.sendQueueItem.count({ where: { tenantId: globex.tenantId, messageId: id } })) === 0,
      10_000,
      "the row to go",
    );
    expect(simulator.engine.sent({ callbackData: id })).toHaveLength(1);
  });

  it("a timed-out attempt with no webhook in the grace period is sent again, saying why", async () => {
    const to = newRecipient("1998");
    simulator.engine.addRule({ id: "hang", match: { recipient: to }, scenario: { acceptThenHangRate: 1 } });
    const id = await send(globex, to);
    await waitFor(
      () =>
        db.sendQueueItem.findFirst({
          where: { tenantId: globex.tenantId, messageId: id, inDoubtAttempt: 1 },
        }),
      10_000,
      "the attempt to time out",
    );
    simulator.engine.removeRule("hang");
    await waitForState(globex.tenantId, id, ["accepted"], 10_000);
    const events = await ledger(globex.tenantId, id);
    expect(types(events)).toEqual([
      "requested",
      "attempt_started:1",
      "retry_scheduled:2",
      "attempt_started:2",
      "provider_accepted:2",
    ]);
    expect(events[2]).toMatchObject({
      error: {
        code: "transport.timeout",
        message:
          "no response within 1500 ms; the provider may have accepted the message; no webhook proved acceptance within 2 s, so it is sent again",
      },
    });
  });

  it("an attempt whose worker died is held for a webhook or an engineer, who sees and resolves it", async () => {
    // three crashed attempts: attempt_started recorded, the worker gone (its lease expired).
    // Set up on a number held back meanwhile, so the live dispatcher does not send them first.
    const crashSender = await makeSenderNumber(db, testSecretBox, acme.tenantId);
    const crash = {
      tenantId: acme.tenantId,
      senderId: crashSender.id,
      phoneNumberId: crashSender.phoneNumberId,
    };
    await admin.query(
      "INSERT INTO sender_dispatch (tenant_id, sender_number_id, paused_at) VALUES ($1, $2, now())",
      [crash.tenantId, crash.senderId],
    );
    const crashed = [await send(crash), await send(crash), await send(crash)];
    for (const id of crashed) {
      await db.$transaction((tx) =>
        appendEvents(
          tx,
          acme.tenantId,
          id,
          [
            {
              type: "attempt_started",
              source: "worker",
              providerTimestamp: null,
              dedupeKey: dedupeKey.attempt(1, "started"),
              payload: {},
              attempt: 1,
            },
          ],
          { now: new Date(Date.now() - 5 * 60_000) },
        ),
      );
      await admin.query(
        "UPDATE send_queue SET lease_until = now() - interval '1 second', leased_by = 'dead-worker' WHERE message_id = $1",
        [id],
      );
    }
    await admin.query("UPDATE sender_dispatch SET paused_at = NULL WHERE sender_number_id = $1", [
      crash.senderId,
    ]);
    dispatcher.wake();
    // the dispatcher takes the rows back, sees the started attempt, and holds them
    for (const id of crashed) {
      await waitFor(
        async () => (await db.sendQueueItem.count({ where: { messageId: id } })) === 0,
        10_000,
        "the row to be held",
      );
      expect((await state(acme.tenantId, id)).state).toBe("submitting");
      expect(simulator.engine.sent({ callbackData: id })).toHaveLength(0);
    }
    const engineer = await makeUser(db, "engineer");
    const listed = await callerFor(db, engineer).sending.listInDoubt({
      tenantId: acme.tenantId,
      olderThanSeconds: 60,
    });
    expect(listed.map((l) => l.messageId).sort()).toEqual([...crashed].sort());
    expect(listed[0]).toMatchObject({
      handling: "held",
      attempt: 1,
      recipient: expect.stringMatching(/^\+1555•+\d{4}$/),
    });

    // 1. a webhook carrying our callback data arrives: settled, and gone from the list
    const [byWebhook, byRetry, byAccept] = crashed as [string, string, string];
    await db.$transaction((tx) =>
      appendEvents(
        tx,
        acme.tenantId,
        byWebhook,
        [
          {
            type: "status_delivered",
            source: "webhook",
            providerTimestamp: Date.now(),
            dedupeKey: dedupeKey.status("wamid.CRASHED1", "delivered"),
            payload: {},
            attempt: null,
            providerMessageId: "wamid.CRASHED1",
          },
        ],
        { now: new Date() },
      ),
    );
    expect((await state(acme.tenantId, byWebhook)).state).toBe("delivered");
    expect(
      (await listInDoubtAttempts(db, { tenantId: acme.tenantId, olderThanMs: 0, limit: 10 }, new Date())).map(
        (l) => l.messageId,
      ),
    ).not.toContain(byWebhook);
    await expect(
      callerFor(db, engineer).sending.resolveInDoubt({
        tenantId: acme.tenantId,
        messageId: byWebhook,
        resolution: { kind: "retry" },
        reason: "late",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    // 2. the engineer finds it never reached Meta: send again
    const retried = await callerFor(db, engineer).sending.resolveInDoubt({
      tenantId: acme.tenantId,
      messageId: byRetry,
      resolution: { kind: "retry" },
      reason: "no trace at Meta (support case 123)",
    });
    expect(retried).toMatchObject({ attempt: 1, state: "retrying", isRepeat: false });
    await waitForState(acme.tenantId, byRetry, ["accepted"]);
    const retryEvents = await ledger(acme.tenantId, byRetry);
    expect(types(retryEvents)).toEqual([
      "requested",
      "attempt_started:1",
      "manual_action",
      "retry_scheduled:2",
      "attempt_started:2",
      "provider_accepted:2",
    ]);
    expect(retryEvents[2]).toMatchObject({
      action: "resolve_in_doubt",
      actor: `user:${engineer.email}`,
      reason: "no trace at Meta (support case 123)",
    });

    // 3. Meta support names the wamid: accepted, nothing resent
    await callerFor(db, engineer).sending.resolveInDoubt({
      tenantId: acme.tenantId,
      messageId: byAccept,
      resolution: { kind: "accepted", providerMessageId: "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI5QUFBQQA=" },
      reason: "Meta support confirmed acceptance",
    });
    expect(await state(acme.tenantId, byAccept)).toMatchObject({
      state: "accepted",
      providerMessageId: "wamid.HBgLMTU1NTAwMDAwMDAVAgARGBI5QUFBQQA=",
    });
    expect(simulator.engine.sent({ callbackData: byAccept })).toHaveLength(0);

    // the wall: a tenant admin and a support agent cannot resolve
    for (const user of [
      await makeUser(db, "tenant_admin", { tenantId: acme.tenantId }),
      await makeUser(db, "support_agent"),
    ]) {
      await expect(
        callerFor(db, user).sending.resolveInDoubt({
          tenantId: acme.tenantId,
          messageId: byAccept,
          resolution: { kind: "give_up" },
          reason: "x x x",
        }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});
