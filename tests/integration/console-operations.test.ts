// The Operations page's procedures and the timeline's "replay raw webhook" intervention on real
// PostgreSQL: ingestion per minute, waiting orphans across tenants, send queues and in-doubt
// attempts per tenant, pg-boss queues, provider error rates per tenant; messages.replayWebhook
// appends a manual action and replays exactly that request, whose facts get no second receipt.
// Each procedure: real behaviour, the denied role, the foreign tenant.
import crypto from "node:crypto";
import pg from "pg";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { recordRawWebhooks } from "@/server/ingest/record-raw-webhook";
import { startQueue } from "@/server/jobs/queue";
import { readLedger } from "@/server/services/ledger/read-ledger";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { enqueueSend } from "@/server/services/sending/send-queue";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { GENERIC_ERROR, makeMessage, stories } from "../factories/messages";
import { drafts } from "../factories/ledger";
import { DEMO_OPERATIONS_IDS, seedDemoOperations } from "../factories/operations";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";
import { shortId } from "@/components/ui/short-id";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };
type TSender = Awaited<ReturnType<typeof makeSenderNumber>>;

const MIN = 60_000;
let db: TDb;
let pool: pg.Pool;
let boss: PgBoss;
let route: ReturnType<typeof webhookHandlers>;
let acme: { id: string; slug: string };
let globex: { id: string; slug: string };
let acmeSender: TSender;
let globexSender: TSender;
const users = {} as Record<"support" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin", TUser>;

function statusBody(sender: TSender, statuses: { wamid: string; status: string; atMs: number }[]) {
  return JSON.stringify(
    envelope([
      entry(sender.wabaId, [
        messagesChange(sender.phoneNumberId, sender.displayNumber, {
          statuses: statuses.map((s) => statusItem(s.wamid, s.status, s.atMs)),
        }),
      ]),
    ]),
  );
}

async function post(raw: string): Promise<string> {
  expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
  const sha = new Uint8Array(crypto.createHash("sha256").update(raw).digest());
  return (await db.webhookInbox.findUniqueOrThrow({ where: { bodySha256: sha } })).id;
}

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  boss = await startQueue({
    databaseUrl: testDatabaseUrl(),
    expireInSeconds: 60,
    isSupervisor: false,
    onError: () => {},
  });
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  acmeSender = await makeSenderNumber(db, testSecretBox, acme.id);
  globexSender = await makeSenderNumber(db, testSecretBox, globex.id);
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.admin = await makeUser(db, "admin");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });
});
afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await pool.end();
  await db.$disconnect();
});

async function deniedToNonOperators(call: (user: TUser) => Promise<unknown>) {
  for (const user of [users.support, users.acmeAdmin, users.globexAdmin]) {
    expect(await codeOf(call(user))).toBe("FORBIDDEN");
  }
}

describe("operations.ingestion", () => {
  it("counts requests per minute of the last hour by status, with depth, lag and attention", async () => {
    const { wamid } = await sentMessage(db, acme.id, acmeSender.id);
    await post(statusBody(acmeSender, [{ wamid, status: "sent", atMs: Date.now() - 1000 }]));
    // a number nobody registered: quarantined
    await post(
      statusBody({ ...acmeSender, phoneNumberId: `9${crypto.randomInt(1e9, 9e9)}` }, [
        { wamid: `wamid.${crypto.randomUUID()}`, status: "sent", atMs: Date.now() - 1000 },
      ]),
    );
    // two hours old: outside the window
    const [old] = await recordRawWebhooks(pool, [
      {
        body: Buffer.from(statusBody(globexSender, [{ wamid: "wamid.old", status: "sent", atMs: 0 }])),
        receivedAt: new Date(Date.now() - 120 * MIN),
        headers: {},
        signatureKeyIndex: 0,
      },
    ]);
    await drainAll();

    for (const user of [users.engineer, users.admin]) {
      const ingestion = await callerFor(db, user).operations.ingestion();
      const minute = Math.floor(Date.now() / MIN) * MIN;
      expect(ingestion.windowFrom.getTime()).toBe(minute - 59 * MIN);
      // this minute or the previous one (the test may cross a minute boundary)
      const recent = ingestion.perMinute.filter((r) => r.minute.getTime() >= minute - MIN);
      const sum = (status: string) => recent.filter((r) => r.status === status).reduce((n, r) => n + r.n, 0);
      expect(sum("processed")).toBeGreaterThanOrEqual(1);
      expect(sum("quarantined")).toBeGreaterThanOrEqual(1);
      expect(ingestion.perMinute.every((r) => r.minute >= ingestion.windowFrom)).toBe(true);
      expect(ingestion.overview).toMatchObject({ pending: 0, lagSeconds: 0 });
      expect(ingestion.overview.quarantinedRequests).toBeGreaterThanOrEqual(1);
    }
    expect(old).toBeDefined();
    await deniedToNonOperators((user) => callerFor(db, user).operations.ingestion());
  });
});

describe("operations.orphans", () => {
  it("lists statuses waiting for their message across tenants, oldest first, in pages", async () => {
    const wamids = [`wamid.orphan-a-${crypto.randomUUID()}`, `wamid.orphan-g-${crypto.randomUUID()}`];
    await post(statusBody(acmeSender, [{ wamid: wamids[0]!, status: "delivered", atMs: Date.now() - 5000 }]));
    await post(statusBody(globexSender, [{ wamid: wamids[1]!, status: "read", atMs: Date.now() - 4000 }]));
    await drainAll();
    const engineer = callerFor(db, users.engineer);
    const all = await engineer.operations.orphans({ limit: 100 });
    const ours = all.items.filter((o) => wamids.includes(o.providerMessageId));
    expect(ours.map((o) => [o.tenantSlug, o.status, o.senderDisplayNumber])).toEqual([
      [acme.slug, "delivered", acmeSender.displayNumber],
      [globex.slug, "read", globexSender.displayNumber],
    ]);
    const received = all.items.map((o) => o.receivedAt.getTime());
    expect([...received].sort((a, b) => a - b)).toEqual(received);

    const first = await engineer.operations.orphans({ limit: 1 });
    const second = await engineer.operations.orphans({ limit: 1, cursor: first.nextCursor });
    expect(second.items[0]?.id).toBe(all.items[1]?.id);

    // discarding (tenant-scoped, operations.act) takes it off the list
    const orphan = ours[0]!;
    await engineer.ingest.discardOrphan({
      tenantId: acme.id,
      orphanId: orphan.id,
      reason: "test send, never ours",
    });
    expect((await engineer.operations.orphans({ limit: 100 })).items.map((o) => o.id)).not.toContain(
      orphan.id,
    );
    expect((await callerFor(db, users.admin).operations.orphans({})).items.length).toBeGreaterThan(0);
    await deniedToNonOperators((user) => callerFor(db, user).operations.orphans({}));
  });
});

describe("operations.queues", () => {
  it("shows each tenant's send queue, paused numbers and attempts in doubt, and the job queues", async () => {
    const now = Date.now();
    const queued = [];
    for (const [i, notBefore] of [now - 10 * MIN, now - 2 * MIN, now + 30 * MIN].entries()) {
      const m = await makeMessage(db, {
        tenantId: acme.id,
        senderNumberId: acmeSender.id,
        createdAtMs: now - 20 * MIN,
      });
      queued.push(m.id);
      await db.$transaction((tx) =>
        enqueueSend(tx, {
          tenantId: acme.id,
          messageId: m.id,
          senderNumberId: acmeSender.id,
          recipient: m.recipient,
          attempt: 1,
          notBefore: new Date(notBefore),
          now: new Date(now - (20 - i) * MIN),
        }),
      );
    }
    // an attempt started ten minutes ago with no outcome and no queue row: held, in doubt
    await sentMessage(db, globex.id, globexSender.id, { wamid: null, at: new Date(now - 10 * MIN) });
    const engineer = callerFor(db, users.engineer);
    await engineer.sending.pauseSender({
      tenantId: globex.id,
      senderNumberId: globexSender.id,
      reason: "token rotation",
    });
    // a job queue with a failure and a waiting job
    const name = `ops-test-${crypto.randomBytes(4).toString("hex")}`;
    await boss.createQueue(name, { name, retryLimit: 0 });
    await boss.send(name, { n: 1 });
    const [job] = await boss.fetch(name);
    await boss.fail(name, job!.id, { message: "boom" });
    await boss.send(name, { n: 2 });

    const queues = await callerFor(db, users.admin).operations.queues();
    expect(queues.sendQueues.find((q) => q.tenantId === acme.id)).toMatchObject({
      tenantSlug: acme.slug,
      queued: 3,
      due: 2,
      leased: 0,
      oldestDueAt: new Date(now - 10 * MIN),
      oldestEnqueuedAt: new Date(now - 20 * MIN),
      pausedNumbers: 0,
      inDoubt: 0,
    });
    expect(queues.sendQueues.find((q) => q.tenantId === globex.id)).toMatchObject({
      queued: 0,
      pausedNumbers: 1,
      inDoubt: 1,
      inDoubtHeld: 1,
    });
    expect(queues.jobQueues?.find((q) => q.name === name)).toMatchObject({
      waiting: 1,
      active: 0,
      failed: 1,
    });
    expect(queues.jobQueues?.map((q) => q.name)).toEqual(
      expect.arrayContaining(["monitor.sweep", "system.probe"]),
    );
    await deniedToNonOperators((user) => callerFor(db, user).operations.queues());
  });
});

describe("operations.providerErrors", () => {
  it("counts rejections and failure statuses per tenant and code in the last hour against the messages requested", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const now = Date.now();
    const base = { tenantId: tenant.id, senderNumberId: sender.id };
    const rejected: TEventDraft = {
      type: "provider_rejected",
      source: "provider_response",
      providerTimestamp: null,
      dedupeKey: dedupeKey.attempt(1, "rejected"),
      payload: {},
      attempt: 1,
      error: GENERIC_ERROR,
    };
    await makeMessage(db, { ...base, createdAtMs: now - 10 * MIN }, stories.failed131026(now - 10 * MIN));
    await makeMessage(db, { ...base, createdAtMs: now - 5 * MIN }, [
      { atMs: now - 5 * MIN + 100, drafts: [drafts.attemptStarted(1)] },
      { atMs: now - 5 * MIN + 900, drafts: [rejected] },
    ]);
    await makeMessage(db, { ...base, createdAtMs: now - 4 * MIN }, stories.read(now - 4 * MIN));
    // three hours ago: outside the window
    await makeMessage(db, { ...base, createdAtMs: now - 180 * MIN }, stories.failed131026(now - 180 * MIN));

    const errors = await callerFor(db, users.engineer).operations.providerErrors();
    expect(errors.since.getTime()).toBe(errors.checkedAt.getTime() - 60 * MIN);
    expect(errors.tenants.find((t) => t.tenantId === tenant.id)).toMatchObject({
      requested: 3,
      rejected: 1,
      failed: 1,
      codes: expect.arrayContaining([
        expect.objectContaining({ errorCode: "131000", type: "provider_rejected", count: 1 }),
        expect.objectContaining({ errorCode: "131026", type: "status_failed", count: 1 }),
      ]),
    });
    expect(errors.tenants.find((t) => t.tenantId === tenant.id)?.codes).toHaveLength(2);
    // a tenant with nothing in the hour is counted, not listed
    const quiet = await makeTenant(db);
    const again = await callerFor(db, users.admin).operations.providerErrors();
    expect(again.tenants.map((t) => t.tenantId)).not.toContain(quiet.id);
    expect(again.quietTenants).toBeGreaterThanOrEqual(1);
    await deniedToNonOperators((user) => callerFor(db, user).operations.providerErrors());
  });
});

describe("messages.replayWebhook", () => {
  async function linkedMessage() {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const t = Date.now() - 10_000;
    const rawId = await post(
      statusBody(acmeSender, [
        { wamid, status: "sent", atMs: t },
        { wamid, status: "delivered", atMs: t + 1000 },
      ]),
    );
    await drainAll();
    return { messageId, wamid, rawId };
  }

  it("replays exactly that request and appends a manual action; facts already recorded get no second receipt", async () => {
    const { messageId, rawId } = await linkedMessage();
    // an unrelated processed request that must not be touched
    const other = await linkedMessage();
    const receiptsBefore = await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } });
    const engineer = callerFor(db, users.engineer);

    const result = await engineer.messages.replayWebhook({
      tenantId: acme.id,
      messageId,
      rawWebhookId: rawId,
      reason: "parser fix deployed",
    });
    // in the same transaction: the manual action, the replay, its item, the queued request, the audit
    const ledger = await readLedger(db, acme.id, messageId);
    const action = ledger.events.at(-1)!;
    expect(action).toMatchObject({
      type: "manual_action",
      source: "operator",
      action: "replay_webhook",
      actor: `user:${users.engineer.email}`,
      reason: "parser fix deployed",
      payload: { rawWebhookId: rawId, replayId: result.replayId },
      dedupeKey: `operator:${result.replayId}`,
    });
    expect(result).toMatchObject({ eventId: action.id, state: "delivered" });
    expect(await db.webhookReplayItem.findMany({ where: { replayId: result.replayId } })).toMatchObject([
      { rawWebhookId: rawId, previousStatus: "processed" },
    ]);
    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: rawId } })).toMatchObject({
      status: "pending",
      replayId: result.replayId,
    });
    expect((await db.webhookInbox.findUniqueOrThrow({ where: { id: other.rawId } })).status).toBe(
      "processed",
    );
    expect(
      await db.auditEvent.findFirst({
        where: { action: "webhook.replay_requested", targetId: result.replayId },
      }),
    ).toMatchObject({ tenantId: acme.id, reason: "parser fix deployed" });
    // the timeline shows it at once, naming the request
    const timeline = await engineer.messages.timeline({ tenantId: acme.id, messageId });
    expect(timeline.events.at(-1)).toMatchObject({
      action: "replay_webhook",
      reason: "parser fix deployed",
      headline: `Operator action: replay raw webhook of request ${shortId(rawId)} by user:${users.engineer.email}`,
      isInert: true,
    });
    expect(timeline.viewer.canReplayWebhooks).toBe(true);

    // the drainer re-processes it: no new fact, no second receipt (the manual action's own is the only new one)
    await drainAll();
    expect(await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } })).toBe(
      receiptsBefore + 1,
    );
    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: rawId } })).toMatchObject({
      status: "processed",
      processCount: 2,
      result: { statuses: { applied: 0, alreadyRecorded: 2 }, isReplay: true },
    });
    expect((await readLedger(db, acme.id, messageId)).derived.state).toBe("delivered");
  });

  it("refuses other roles, another tenant, a request not linked to the message, a request waiting already, and no reason", async () => {
    const { messageId, rawId } = await linkedMessage();
    const other = await linkedMessage();
    const input = { tenantId: acme.id, messageId, rawWebhookId: rawId, reason: "check" };
    for (const user of [users.support, users.admin, users.acmeAdmin, users.globexAdmin]) {
      expect(await codeOf(callerFor(db, user).messages.replayWebhook(input))).toBe("FORBIDDEN");
    }
    const engineer = callerFor(db, users.engineer);
    expect(await codeOf(engineer.messages.replayWebhook({ ...input, tenantId: globex.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(engineer.messages.replayWebhook({ ...input, rawWebhookId: other.rawId }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(engineer.messages.replayWebhook({ ...input, reason: "" }))).toBe("BAD_REQUEST");
    expect(await engineer.messages.replayWebhook(input)).toMatchObject({ state: "delivered" });
    // queued again and not processed yet: a second replay is refused rather than stacked
    expect(await codeOf(engineer.messages.replayWebhook(input))).toBe("CONFLICT");
    await drainAll();
    const actions = (await readLedger(db, acme.id, messageId)).events.filter(
      (e) => e.type === "manual_action",
    );
    expect(actions).toHaveLength(1);
    expect(await db.webhookReplayItem.count({ where: { rawWebhookId: other.rawId } })).toBe(0);
    // viewers without operations.act are told the page offers no replay
    const timeline = await callerFor(db, users.support).messages.timeline({ tenantId: acme.id, messageId });
    expect(timeline.viewer.canReplayWebhooks).toBe(false);
  });
});

describe("the demo seed", () => {
  it("leaves something true on the Stalled & alerts and Operations pages", async () => {
    const demoAcme = await makeTenant(db);
    const demoGlobex = await makeTenant(db);
    await makeSenderNumber(db, testSecretBox, demoAcme.id);
    await makeSenderNumber(db, testSecretBox, demoAcme.id);
    await makeSenderNumber(db, testSecretBox, demoGlobex.id);
    await seedDemoOperations(db, { acme: demoAcme.id, globex: demoGlobex.id }, Date.now());
    const engineer = callerFor(db, users.engineer);

    const acmeAlerts = await engineer.alerts.feed({ tenantId: demoAcme.id });
    expect(acmeAlerts.items.map((a) => [a.kind, a.messageId])).toContainEqual([
      "message_stalled",
      DEMO_OPERATIONS_IDS.acmeStalled,
    ]);
    const globexStalled = await engineer.alerts.stalled({ tenantId: demoGlobex.id });
    expect(globexStalled.items.map((s) => [s.messageId, s.state])).toEqual([
      [DEMO_OPERATIONS_IDS.globexStalledSent, "sent"],
      [DEMO_OPERATIONS_IDS.globexInDoubt, "submitting"],
    ]);
    const quarantine = await engineer.ingest.listQuarantine({ limit: 200 });
    expect(quarantine.items.map((q) => [q.reason, q.phoneNumberId])).toContainEqual([
      "unknown_phone_number",
      "106540352249999",
    ]);
    const orphans = await engineer.operations.orphans({ limit: 100 });
    expect(orphans.items.filter((o) => o.tenantId === demoAcme.id)).toHaveLength(1);
    const queues = await engineer.operations.queues();
    expect(queues.sendQueues.find((q) => q.tenantId === demoGlobex.id)).toMatchObject({
      inDoubt: 1,
      inDoubtHeld: 1,
    });
    const timeline = await engineer.messages.timeline({
      tenantId: demoAcme.id,
      messageId: DEMO_OPERATIONS_IDS.acmeWebhookLinked,
    });
    expect(timeline.derived.state).toBe("delivered");
    expect(timeline.rawWebhooks).toHaveLength(1);
    expect(timeline.rawWebhooks?.[0]?.eventSeqs).toHaveLength(2);
  });
});

describe("sending.listSenders", () => {
  it("lists every number of the tenant, a never-used one too, with its pause and rate; engineers act, a tenant admin reads", async () => {
    const fresh = await makeSenderNumber(db, testSecretBox, acme.id);
    const acmeAdmin = callerFor(db, users.acmeAdmin);
    const before = await acmeAdmin.sending.listSenders({ tenantId: acme.id });
    expect(before.every((s) => s.tenantId === acme.id)).toBe(true);
    expect(before.find((s) => s.senderNumberId === fresh.id)).toMatchObject({
      displayNumber: fresh.displayNumber,
      queued: 0,
      due: 0,
      inFlight: 0,
      throttleCount: 0,
      pausedAt: null,
      maxRateOverride: null,
    });

    const engineer = callerFor(db, users.engineer);
    await engineer.sending.pauseSender({ tenantId: acme.id, senderNumberId: fresh.id, reason: "checking" });
    await engineer.sending.setSenderMaxRate({
      tenantId: acme.id,
      senderNumberId: fresh.id,
      maxRate: 20,
      reason: "Meta lowered the level",
    });
    const paused = (await engineer.sending.listSenders({ tenantId: acme.id, isPausedOnly: true })).find(
      (s) => s.senderNumberId === fresh.id,
    );
    expect(paused).toMatchObject({
      pausedBy: `user:${users.engineer.email}`,
      pausedReason: "checking",
      maxRateOverride: 20,
    });

    expect(
      await codeOf(
        acmeAdmin.sending.pauseSender({ tenantId: acme.id, senderNumberId: fresh.id, reason: "x y z" }),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(acmeAdmin.sending.listSenders({ tenantId: globex.id }))).toBe("FORBIDDEN");
    expect(
      await codeOf(
        engineer.sending.setSenderMaxRate({
          tenantId: acme.id,
          senderNumberId: fresh.id,
          maxRate: 0,
          reason: "zero",
        }),
      ),
    ).toBe("BAD_REQUEST");
    await engineer.sending.resumeSender({ tenantId: acme.id, senderNumberId: fresh.id, reason: "done" });
    expect(
      (await engineer.sending.listSenders({ tenantId: acme.id })).find((s) => s.senderNumberId === fresh.id)
        ?.pausedAt,
    ).toBeNull();
  });
});
