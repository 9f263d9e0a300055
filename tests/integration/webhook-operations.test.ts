// What engineers do with ingestion, on real PostgreSQL: replays (after registering an unknown
// number; of an already-processed request, which changes nothing), a request whose processing
// keeps failing (isolated from its batch, backed off, marked failed, replayed once fixed),
// retention (bodies pruned, dedupe kept 30 days, pending never touched), the console's tRPC
// procedures with their role and tenant walls, and the protected Prometheus endpoint.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { createMetricsHandler } from "@/server/ingest/metrics-route";
import { createProcessMetrics } from "@/server/ingest/prometheus";
import { recordRawWebhooks } from "@/server/ingest/record-raw-webhook";
import { WEBHOOK_HTTP_METRICS } from "@/server/ingest/web-metrics";
import { createLogger } from "@/server/platform/logger";
import { drainInboxOnce } from "@/server/services/ingest/process-inbox";
import { pruneWebhooks } from "@/server/services/ingest/prune";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { entry, envelope, messagesChange, otherFields, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let admin: pg.Client;
let route: ReturnType<typeof webhookHandlers>;
let acme: { id: string; slug: string };
let globex: { id: string; slug: string };
let acmeSender: Awaited<ReturnType<typeof makeSenderNumber>>;
let globexSender: Awaited<ReturnType<typeof makeSenderNumber>>;
const users: Record<string, Awaited<ReturnType<typeof makeUser>>> = {};
const DAY = 86_400_000;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  route = webhookHandlers(pool);
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  acmeSender = await makeSenderNumber(db, testSecretBox, acme.id);
  globexSender = await makeSenderNumber(db, testSecretBox, globex.id);
  for (const role of ["support_agent", "engineer", "admin"] as const) users[role] = await makeUser(db, role);
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
});
afterAll(async () => {
  await admin.end();
  await pool.end();
  await db.$disconnect();
});

const sha = (raw: string) => new Uint8Array(crypto.createHash("sha256").update(raw).digest());
const inboxRow = (raw: string) => db.webhookInbox.findUniqueOrThrow({ where: { bodySha256: sha(raw) } });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "ERROR";
  }
}

function statusBody(
  sender: { wabaId: string; phoneNumberId: string; displayNumber: string },
  wamid: string,
  status = "sent",
  at = Date.now() - 1000,
) {
  return JSON.stringify(
    envelope([
      entry(sender.wabaId, [
        messagesChange(sender.phoneNumberId, sender.displayNumber, {
          statuses: [statusItem(wamid, status, at)],
        }),
      ]),
    ]),
  );
}

describe("replay", () => {
  it("re-runs a request quarantined for an unknown number once the number is registered, and records the result", async () => {
    const phoneNumberId = `77${crypto.randomInt(1e8, 1e9)}`;
    const wabaId = `88${crypto.randomInt(1e8, 1e9)}`;
    const wamid = `wamid.${crypto.randomUUID()}`;
    const raw = statusBody({ wabaId, phoneNumberId, displayNumber: "+15557770000" }, wamid, "delivered");
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();
    const row = await inboxRow(raw);
    expect(row.status).toBe("quarantined");

    // onboarding catches up: the number and the message now exist
    const late = await makeSenderNumber(db, testSecretBox, acme.id, { phoneNumberId, wabaId });
    const { messageId } = await sentMessage(db, acme.id, late.id, { wamid });
    const engineer = callerFor(db, users.engineer!);
    const replay = await engineer.ingest.replay({
      filter: { quarantineReason: "unknown_phone_number", rawWebhookIds: [row.id] },
      reason: "number onboarded late",
    });
    expect(replay).toMatchObject({ requestCount: 1, isTruncated: false });
    expect((await inboxRow(raw)).status).toBe("pending");
    await drainAll();

    expect(
      (await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: acme.id, id: messageId } } }))
        .state,
    ).toBe("delivered");
    const after = await inboxRow(raw);
    expect(after).toMatchObject({ status: "processed", processCount: 2, replayId: null });
    expect(await db.webhookQuarantine.findMany({ where: { rawWebhookId: row.id } })).toMatchObject([
      { reason: "unknown_phone_number", resolution: "replayed" },
    ]);
    const view = await engineer.ingest.getReplay({ replayId: replay.replayId });
    expect(view).toMatchObject({
      requestedBy: `user:${users.engineer!.email}`,
      progress: { processed: 1, pending: 0 },
    });
    expect(view.items).toMatchObject([
      { rawWebhookId: row.id, previousStatus: "quarantined", status: "processed" },
    ]);
    expect(
      await db.auditEvent.findFirst({
        where: { action: "webhook.replay_requested", targetId: replay.replayId },
      }),
    ).not.toBeNull();
  });

  it("replaying an applied request changes nothing: no new event, no new receipt", async () => {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const raw = statusBody(acmeSender, wamid, "read");
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();
    const events = await db.messageEvent.count({ where: { tenantId: acme.id, messageId } });
    const receipts = await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } });
    const row = await inboxRow(raw);
    await callerFor(db, users.engineer!).ingest.replay({
      filter: { rawWebhookIds: [row.id] },
      reason: "idempotency check",
    });
    await callerFor(db, users.engineer!)
      .ingest.replay({ filter: { rawWebhookIds: [row.id] }, reason: "idempotency check" })
      .catch(() => null);
    await drainAll();
    expect(await db.messageEvent.count({ where: { tenantId: acme.id, messageId } })).toBe(events);
    expect(await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } })).toBe(receipts);
    expect(await inboxRow(raw)).toMatchObject({
      status: "processed",
      result: { statuses: { applied: 0, alreadyRecorded: 1 }, isReplay: true },
    });
  });

  it("only engineers replay; pending and pruned requests are not replayable", async () => {
    const raw = statusBody(acmeSender, `wamid.${crypto.randomUUID()}`);
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    const row = await inboxRow(raw);
    const input = { filter: { rawWebhookIds: [row.id] }, reason: "try" };
    expect(await codeOf(callerFor(db, users.support_agent!).ingest.replay(input))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.admin!).ingest.replay(input))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.acmeAdmin!).ingest.replay(input))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.engineer!).ingest.replay(input))).toBe("NOT_FOUND"); // still pending
    await drainAll();
  });
});

describe("a batch meeting a message another transaction holds", () => {
  it("leaves that message's requests pending, untouched, and processes the rest; the next claim takes them", async () => {
    const held = await sentMessage(db, acme.id, acmeSender.id);
    const free = await sentMessage(db, acme.id, acmeSender.id);
    const heldBody = statusBody(acmeSender, held.wamid, "delivered");
    const freeBody = statusBody(acmeSender, free.wamid, "delivered");
    for (const raw of [heldBody, freeBody]) await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    const events = (messageId: string) =>
      db.messageEvent.count({ where: { tenantId: acme.id, messageId, type: "status_delivered" } });

    // another drainer's (or the dispatcher's) transaction, still open, holding the message row
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM message WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [
        acme.id,
        held.messageId,
      ]);
      // without deferral this step would wait on the holder until the test timed out
      const step = await drainInboxOnce(pool, { batchSize: 50, maxAttempts: 3, now: () => new Date() });
      const heldRow = await inboxRow(heldBody);
      expect(step.claimedIds).toContain(heldRow.id);
      expect(step.deferred).toBe(1);
      expect(heldRow).toMatchObject({ status: "pending", attempts: 0, processCount: 0, lastError: null });
      expect(await events(held.messageId)).toBe(0);
      expect((await inboxRow(freeBody)).status).toBe("processed");
      expect(await events(free.messageId)).toBe(1);
    } finally {
      await holder.query("COMMIT");
      await holder.end();
    }

    await drainAll();
    expect(await inboxRow(heldBody)).toMatchObject({ status: "processed", processCount: 1 });
    expect(await events(held.messageId)).toBe(1);
    expect(
      (
        await db.message.findUniqueOrThrow({
          where: { tenantId_id: { tenantId: acme.id, id: held.messageId } },
        })
      ).state,
    ).toBe("delivered");
  });
});

describe("a request whose processing keeps failing", () => {
  it("is isolated from its batch, backs off, is marked failed after the attempts, and is replayable once fixed", async () => {
    const good = [0, 1].map(() => ({ ...{ wamid: `wamid.${crypto.randomUUID()}` } }));
    const poison = `wamid.poison.${crypto.randomUUID()}`;
    // a fault only this request meets (a database trigger), as a bug or bad data would be
    await admin.query(`CREATE OR REPLACE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.provider_message_id LIKE 'wamid.poison.%' THEN RAISE EXCEPTION 'poisoned item'; END IF; RETURN NEW; END $$`);
    await admin.query(
      "CREATE TRIGGER test_poison BEFORE INSERT ON webhook_orphan_status FOR EACH ROW EXECUTE FUNCTION test_poison()",
    );
    try {
      const bodies = [...good.map((g) => statusBody(acmeSender, g.wamid)), statusBody(acmeSender, poison)];
      for (const raw of bodies) await route.POST(webhookPost(raw, { secret: APP_SECRET }));
      const t = Date.now();
      const first = await drainInboxOnce(pool, { batchSize: 50, maxAttempts: 2, now: () => new Date(t) });
      expect(first).toMatchObject({ processed: 2, retried: 1, failed: 0 });
      for (const raw of bodies.slice(0, 2)) expect((await inboxRow(raw)).status).toBe("processed");
      const backedOff = await inboxRow(bodies[2]!);
      expect(backedOff).toMatchObject({ status: "pending", attempts: 1 });
      expect(backedOff.lastError).toContain("poisoned item");
      expect(backedOff.availableAt.getTime()).toBeGreaterThan(t);

      expect(
        (await drainInboxOnce(pool, { batchSize: 50, maxAttempts: 2, now: () => new Date(t + 1000) }))
          .claimed,
      ).toBe(0);
      const second = await drainInboxOnce(pool, {
        batchSize: 50,
        maxAttempts: 2,
        now: () => new Date(t + 60_000),
      });
      expect(second.failed).toBe(1);
      expect(await inboxRow(bodies[2]!)).toMatchObject({ status: "failed", attempts: 2 });
      expect(
        (await callerFor(db, users.engineer!).operations.ingestion()).overview.failedRequests,
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await admin.query("DROP TRIGGER test_poison ON webhook_orphan_status");
      await admin.query("DROP FUNCTION test_poison()");
    }
    const failed = await db.webhookInbox.findMany({ where: { status: "failed" }, select: { id: true } });
    await callerFor(db, users.engineer!).ingest.replay({
      filter: { status: "failed" },
      reason: "fault fixed",
    });
    await drainAll();
    for (const { id } of failed)
      expect((await db.webhookInbox.findUniqueOrThrow({ where: { id } })).status).toBe("processed");
    expect(await db.webhookOrphanStatus.count({ where: { providerMessageId: poison } })).toBe(1);
  });
});

describe("retention", () => {
  it("prunes old bodies, keeps body hashes for the dedupe window, deletes rows after both, never touches pending ones", async () => {
    const now = Date.now();
    const make = async (ageDays: number) => {
      const raw = statusBody(globexSender, `wamid.${crypto.randomUUID()}`);
      const [outcome] = await recordRawWebhooks(pool, [
        {
          body: Buffer.from(raw),
          receivedAt: new Date(now - ageDays * DAY),
          headers: {},
          signatureKeyIndex: 0,
        },
      ]);
      return { raw, id: outcome!.id };
    };
    const recent = await make(1);
    const tenDays = await make(10);
    const fortyDays = await make(40);
    const fortyDaysPending = await make(40);
    await db.webhookInbox.updateMany({
      where: { id: { in: [recent.id, tenDays.id, fortyDays.id] } },
      data: { status: "processed", processedAt: new Date(), processCount: 1, tenantIds: [globex.id] },
    });

    const report = await pruneWebhooks(db, {
      now: new Date(now),
      bodyRetentionDays: 7,
      dedupeRetentionDays: 30,
    });
    expect(report.bodiesPruned).toBeGreaterThanOrEqual(1);
    expect(await db.webhookInbox.findUnique({ where: { id: recent.id } })).toMatchObject({
      body: expect.any(Uint8Array),
      bodyPrunedAt: null,
    });
    expect(await db.webhookInbox.findUnique({ where: { id: tenDays.id } })).toMatchObject({
      body: null,
      bodyPrunedAt: expect.any(Date),
    });
    expect(await db.webhookInbox.findUnique({ where: { id: fortyDays.id } })).toBeNull();
    expect(await db.webhookInbox.findUnique({ where: { id: fortyDaysPending.id } })).toMatchObject({
      status: "pending",
      body: expect.any(Uint8Array),
    });

    // inside the dedupe window a re-post is still a counted duplicate, although its body is gone
    const response = await route.POST(webhookPost(tenDays.raw, { secret: APP_SECRET }));
    expect(response.status).toBe(200);
    expect(await db.webhookInbox.findUnique({ where: { id: tenDays.id } })).toMatchObject({
      duplicateCount: 1,
    });
    const counter = await db.ingestCounter.findFirst({
      where: { metric: "requests_duplicate", tenantId: globex.id },
    });
    expect(Number(counter?.value)).toBeGreaterThanOrEqual(1);
    await drainAll();
  });
});

describe("console procedures", () => {
  it("lets engineers and admins read the inbox and quarantine; raw bodies need message.view_raw; others are refused", async () => {
    const raw = statusBody(
      { wabaId: "123", phoneNumberId: `66${crypto.randomInt(1e8, 1e9)}`, displayNumber: "+15550000001" },
      `wamid.${crypto.randomUUID()}`,
    );
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();
    const row = await inboxRow(raw);
    const engineer = callerFor(db, users.engineer!);

    const { overview } = await engineer.operations.ingestion();
    expect(overview.quarantineOpen).toBeGreaterThanOrEqual(1);
    const list = await engineer.ingest.listRequests({ status: "quarantined", limit: 200 });
    expect(list.items.map((i) => i.id)).toContain(row.id);
    const detail = await engineer.ingest.getRequest({ rawWebhookId: row.id });
    expect(detail.body).toEqual({ encoding: "utf8", text: raw });
    expect(detail.quarantine).toMatchObject([{ reason: "unknown_phone_number" }]);
    const quarantine = await callerFor(db, users.admin!).ingest.listQuarantine({
      reason: "unknown_phone_number",
      limit: 200,
    });
    const item = quarantine.items.find((q) => q.rawWebhookId === row.id)!;
    expect(item).toBeDefined();

    expect(await codeOf(callerFor(db, users.support_agent!).operations.ingestion())).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.acmeAdmin!).ingest.listRequests({}))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, null).ingest.listQuarantine({}))).toBe("UNAUTHORIZED");
    expect(
      await codeOf(
        callerFor(db, users.admin!).ingest.discardQuarantine({ quarantineId: item.id, reason: "test noise" }),
      ),
    ).toBe("FORBIDDEN");

    const discarded = await engineer.ingest.discardQuarantine({
      quarantineId: item.id,
      reason: "a test number, not ours",
    });
    expect(discarded).toMatchObject({ resolution: "discarded", resolvedBy: `user:${users.engineer!.email}` });
    expect(await codeOf(engineer.ingest.discardQuarantine({ quarantineId: item.id, reason: "again" }))).toBe(
      "CONFLICT",
    );
  });

  it("shows a tenant its own orphans, health, templates and alerts only", async () => {
    const wamid = `wamid.${crypto.randomUUID()}`;
    const templateId = crypto.randomInt(1e9, 2e9);
    const body = JSON.stringify(
      envelope([
        entry(
          acmeSender.wabaId,
          [
            messagesChange(acmeSender.phoneNumberId, acmeSender.displayNumber, {
              statuses: [statusItem(wamid, "sent", Date.now() - 1000)],
            }),
            otherFields.quality(acmeSender.displayNumber, "UPGRADE", "TIER_100K"),
            otherFields.templateStatus(templateId, "PAUSED"),
          ],
          Date.now(),
        ),
      ]),
    );
    await route.POST(webhookPost(body, { secret: APP_SECRET }));
    await drainAll();
    const acmeAdmin = callerFor(db, users.acmeAdmin!);

    // orphans are a platform concern: engineers see them across tenants, a tenant admin does not
    const orphans = [];
    let cursor: { receivedAt: Date; id: string } | null = null;
    do {
      const page = await callerFor(db, users.engineer!).operations.orphans({ cursor, limit: 100 });
      orphans.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const ours = orphans.filter((o) => o.providerMessageId === wamid);
    expect(ours.map((o) => o.tenantId)).toEqual([acme.id]);
    expect(await codeOf(acmeAdmin.operations.orphans({}))).toBe("FORBIDDEN");
    const health = await acmeAdmin.ingest.senderHealth({ tenantId: acme.id, senderNumberId: acmeSender.id });
    expect(health[0]).toMatchObject({
      field: "phone_number_quality_update",
      event: "UPGRADE",
      applied: { messagingLimitTier: { to: "TIER_100K" } },
    });
    expect(
      await acmeAdmin.ingest.senderHealth({ tenantId: acme.id, senderNumberId: globexSender.id }),
    ).toEqual([]);
    expect(
      (await acmeAdmin.ingest.templates({ tenantId: acme.id })).find(
        (t) => t.templateId === String(templateId),
      ),
    ).toMatchObject({ status: "PAUSED" });
    expect(await codeOf(acmeAdmin.ingest.templates({ tenantId: globex.id }))).toBe("FORBIDDEN");

    // discarding an orphan is an engineer's action
    const orphan = ours[0]!;
    expect(
      await codeOf(
        acmeAdmin.ingest.discardOrphan({ tenantId: acme.id, orphanId: orphan.id, reason: "not ours" }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        callerFor(db, users.engineer!).ingest.discardOrphan({
          tenantId: globex.id,
          orphanId: orphan.id,
          reason: "wrong tenant",
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await callerFor(db, users.engineer!).ingest.discardOrphan({
        tenantId: acme.id,
        orphanId: orphan.id,
        reason: "sent from outside Waybill",
      }),
    ).toMatchObject({ discardedAt: expect.any(Date) });

    // alerts and thresholds
    const alerts = await acmeAdmin.alerts.feed({
      tenantId: acme.id,
      statuses: ["open", "acknowledged", "snoozed"],
    });
    expect(alerts.items.every((a) => a.tenantId === acme.id)).toBe(true);
    expect(await codeOf(acmeAdmin.alerts.feed({ tenantId: globex.id }))).toBe("FORBIDDEN");
    const thresholds = await acmeAdmin.alerts.stallThresholds({ tenantId: acme.id });
    expect(thresholds.find((t) => t.state === "accepted")).toEqual({
      state: "accepted",
      effectiveSeconds: 900,
      defaultSeconds: 900,
      isOverridden: false,
    });
    expect(
      await codeOf(acmeAdmin.alerts.setStallThresholds({ tenantId: acme.id, thresholds: { accepted: 300 } })),
    ).toBe("FORBIDDEN");
    const updated = await callerFor(db, users.engineer!).alerts.setStallThresholds({
      tenantId: acme.id,
      thresholds: { accepted: 300, sent: null },
    });
    expect(updated.filter((t) => t.isOverridden).map((t) => [t.state, t.effectiveSeconds])).toEqual([
      ["accepted", 300],
      ["sent", null],
    ]);
    await callerFor(db, users.engineer!).alerts.setStallThresholds({
      tenantId: acme.id,
      thresholds: { accepted: "default", sent: "default" },
    });
  });
});

describe("GET /api/metrics", () => {
  const TOKEN = "metrics-token-for-tests-0123456789abcdef";
  function handler(sessionUserId: string | null) {
    return createMetricsHandler(() => ({
      db,
      token: TOKEN,
      sessionUserId: async () => sessionUserId,
      processMetrics: createProcessMetrics(WEBHOOK_HTTP_METRICS),
      log: createLogger("metrics-test", "silent"),
      now: () => new Date(),
    }));
  }
  const get = (h: ReturnType<typeof handler>, headers: Record<string, string> = {}) =>
    h(new Request("http://127.0.0.1/api/metrics", { headers }));

  it("is refused without the token or an engineer/admin session", async () => {
    expect((await get(handler(null))).status).toBe(401);
    expect((await get(handler(null), { authorization: "Bearer wrong-token" })).status).toBe(401);
    expect((await get(handler(users.support_agent!.id))).status).toBe(403);
    expect((await get(handler(users.acmeAdmin!.id))).status).toBe(403);
    expect((await get(handler(users.engineer!.id))).status).toBe(200);
  });

  it("exposes per-tenant counts, inbox depth and lag in the Prometheus text format", async () => {
    const { wamid } = await sentMessage(db, acme.id, acmeSender.id);
    await route.POST(webhookPost(statusBody(acmeSender, wamid), { secret: APP_SECRET }));
    await route.POST(webhookPost(statusBody(acmeSender, wamid, "delivered"), { secret: APP_SECRET }));
    const response = await get(handler(null), { authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toMatch(/^waybill_webhook_inbox_depth [1-9]\d*$/m);
    expect(text).toMatch(/^waybill_webhook_processing_lag_seconds \d+(\.\d+)?(e-?\d+)?$/m);
    await drainAll();
    const after = await (await get(handler(null), { authorization: `Bearer ${TOKEN}` })).text();
    const tenantLabel = `tenant="${acme.slug}",tenant_id="${acme.id}"`;
    for (const outcome of ["received", "processed"]) {
      expect(after).toMatch(
        new RegExp(`^waybill_webhook_requests_total\\{outcome="${outcome}",${tenantLabel}\\} \\d+$`, "m"),
      );
    }
    expect(after).toMatch(
      new RegExp(`^waybill_webhook_statuses_total\\{outcome="applied",${tenantLabel}\\} \\d+$`, "m"),
    );
    expect(after).toMatch(
      new RegExp(`^waybill_webhook_statuses_total\\{outcome="orphaned",${tenantLabel}\\} \\d+$`, "m"),
    );
    expect(after).toMatch(
      new RegExp(
        `^waybill_webhook_requests_total\\{outcome="duplicate",tenant="${globex.slug}",tenant_id="${globex.id}"\\} \\d+$`,
        "m",
      ),
    );
    expect(after).toMatch(/^# TYPE waybill_webhook_quarantine_open gauge$/m);
    expect(after).toMatch(/^waybill_webhook_inbox_attention\{status="quarantined"\} \d+$/m);
    expect(after).toMatch(/^# TYPE waybill_webhook_http_requests_total counter$/m);
    // every sample line is well-formed
    for (const line of after
      .trim()
      .split("\n")
      .filter((l) => !l.startsWith("#"))) {
      expect(line).toMatch(
        /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? [-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|NaN|\+Inf|-Inf)$/,
      );
    }
  });
});
