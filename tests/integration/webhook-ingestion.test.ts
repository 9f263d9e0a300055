// Webhook ingestion end to end on real PostgreSQL: the route handlers called with real Request
// objects (signatures correct, wrong, missing, rotated; oversized; database down), the raw rows
// they store, and the worker's processing of real-shaped Meta payloads (single, batched across
// entries and tenants, every field type) into ledger events, derived states, sender health,
// templates and quarantine. Duplicated posts add nothing and are counted.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { recordRawWebhooks } from "@/server/ingest/record-raw-webhook";
import { signBody } from "@/server/ingest/verify-signature";
import { readLedger } from "@/server/services/ledger/read-ledger";
import { makeSenderNumber, makeTenant } from "../factories";
import {
  entry,
  envelope,
  inboundMessage,
  messagesChange,
  metaErrors,
  otherFields,
  statusItem,
  webhookPost,
  WEBHOOK_URL,
} from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import {
  APP_SECRET,
  createWebhookTestPool,
  drainAll,
  PREVIOUS_APP_SECRET,
  sentMessage,
  VERIFY_TOKEN,
  webhookHandlers,
} from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
type TSender = Awaited<ReturnType<typeof makeSenderNumber>>;
let acme: { id: string };
let globex: { id: string };
let acmeSender: TSender;
let acmeSender2: TSender;
let globexSender: TSender;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  acmeSender = await makeSenderNumber(db, testSecretBox, acme.id);
  acmeSender2 = await makeSenderNumber(db, testSecretBox, acme.id, { wabaId: acmeSender.wabaId });
  globexSender = await makeSenderNumber(db, testSecretBox, globex.id);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

const sha = (raw: string) => crypto.createHash("sha256").update(raw).digest();

async function inboxRow(raw: string) {
  return db.webhookInbox.findUnique({ where: { bodySha256: new Uint8Array(sha(raw)) } });
}

async function counter(metric: string, tenantId: string | null): Promise<number> {
  const row = await db.ingestCounter.findFirst({ where: { metric, tenantId } });
  return Number(row?.value ?? 0);
}

function sentBody(wamid: string, sender: TSender, at = Date.now()) {
  return envelope([
    entry(sender.wabaId, [
      messagesChange(sender.phoneNumberId, sender.displayNumber, {
        statuses: [statusItem(wamid, "sent", at)],
      }),
    ]),
  ]);
}

describe("GET: the subscription handshake", () => {
  const get = (query: string) => route.GET(new Request(`${WEBHOOK_URL}?${query}`));

  it("echoes the challenge as plain text when mode and token match", async () => {
    const response = await get(
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toBe("1158201444");
  });

  it("answers 403 to a wrong token, a wrong mode or a missing challenge", async () => {
    for (const query of [
      "hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
      "hub.mode=subscribe&hub.challenge=1",
    ]) {
      const response = await get(query);
      expect(response.status, query).toBe(403);
      expect(await response.text()).not.toContain("1");
    }
  });
});

describe("POST: verify, then store raw before answering", () => {
  it("stores a correctly signed request as received: bytes, relevant headers, time, verification", async () => {
    // emoji and escapes: the signature is over these bytes, not over re-serialised JSON
    const raw = JSON.stringify(sentBody(`wamid.${crypto.randomUUID()}`, acmeSender)).replace(
      "}",
      ', "note": "caf\\u00e9 ☕"}',
    );
    const before = Date.now();
    const response = await route.POST(
      webhookPost(raw, {
        secret: APP_SECRET,
        headers: { cookie: "session=secret", "x-forwarded-for": "203.0.113.9" },
      }),
    );
    expect(response.status).toBe(200);
    const row = await inboxRow(raw);
    expect(row).not.toBeNull();
    expect(Buffer.from(row!.body!).toString("utf8")).toBe(raw);
    expect(row!.bodyBytes).toBe(Buffer.byteLength(raw));
    expect(row!.status).toBe("pending");
    expect(row!.signatureKeyIndex).toBe(0);
    expect(row!.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(row!.headers).toMatchObject({
      "x-hub-signature-256": signBody(raw, APP_SECRET),
      "content-type": "application/json",
      "user-agent": "facebookexternalua",
      "x-forwarded-for": "203.0.113.9",
    });
    expect(row!.headers).not.toHaveProperty("cookie");
  });

  it("accepts the previous secret during a rotation and records which one verified", async () => {
    const raw = JSON.stringify(sentBody(`wamid.${crypto.randomUUID()}`, acmeSender));
    const response = await route.POST(webhookPost(raw, { secret: PREVIOUS_APP_SECRET }));
    expect(response.status).toBe(200);
    expect((await inboxRow(raw))?.signatureKeyIndex).toBe(1);
  });

  it("answers 401 to a missing, malformed or wrong signature, stores nothing and counts each", async () => {
    const local = webhookHandlers(pool);
    const raw = JSON.stringify(sentBody(`wamid.${crypto.randomUUID()}`, acmeSender));
    const cases: [string | null, string][] = [
      [null, "missing"],
      ["sha256=not-hex", "malformed"],
      [`sha1=${"a".repeat(40)}`, "malformed"],
      [signBody(raw, "someone-elses-secret-000"), "mismatch"],
      [signBody(`${raw} `, APP_SECRET), "mismatch"], // a signature of other bytes
      [signBody(raw, APP_SECRET).slice(0, -2), "malformed"], // truncated: length checked first
    ];
    for (const [signature, reason] of cases) {
      const response = await local.POST(webhookPost(raw, { signature }));
      expect(response.status, reason).toBe(401);
    }
    expect(await inboxRow(raw)).toBeNull();
    const families = local.deps.metrics.families();
    const failures = families.find((f) => f.name === "waybill_webhook_signature_failures_total")!.samples;
    expect(Object.fromEntries(failures.map((s) => [s.labels.reason, s.value]))).toEqual({
      missing: 1,
      malformed: 3,
      mismatch: 2,
    });
  });

  it("refuses a body over the size cap with 413, declared or not", async () => {
    const small = webhookHandlers(pool, { maxBodyBytes: 2048 });
    const raw = JSON.stringify({ object: "whatsapp_business_account", entry: [], pad: "x".repeat(4096) });
    expect((await small.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(413);
    // no Content-Length: the streamed count is what is enforced
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode("x".repeat(1024)));
        controller.close();
      },
    });
    const request = new Request(WEBHOOK_URL, {
      method: "POST",
      headers: { "x-hub-signature-256": signBody("irrelevant", APP_SECRET) },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await small.POST(request)).status).toBe(413);
    expect(await inboxRow(raw)).toBeNull();
  });

  it("answers 503, never 200, when the database cannot store the request", async () => {
    const dead = new pg.Pool({
      connectionString: "postgres://nobody:x@127.0.0.1:1/none",
      connectionTimeoutMillis: 500,
    });
    try {
      const down = webhookHandlers(dead);
      const response = await down.POST(
        webhookPost(JSON.stringify(sentBody("wamid.x", acmeSender)), { secret: APP_SECRET }),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
    } finally {
      await dead.end();
    }
  });

  it("stores malformed JSON with a valid signature, answers 200, and quarantines it for engineers", async () => {
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1",${crypto.randomUUID()}`;
    expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    const notMeta = JSON.stringify({ object: "page", entry: [], id: crypto.randomUUID() });
    expect((await route.POST(webhookPost(notMeta, { secret: APP_SECRET }))).status).toBe(200);
    await drainAll();
    for (const [body, reason] of [
      [raw, "malformed_json"],
      [notMeta, "invalid_envelope"],
    ] as const) {
      const row = await inboxRow(body);
      expect(row?.status).toBe("quarantined");
      const items = await db.webhookQuarantine.findMany({ where: { rawWebhookId: row!.id } });
      expect(items).toMatchObject([{ reason, itemPath: "", resolvedAt: null }]);
    }
  });
});

describe("processing", () => {
  it("turns a single sent status into a ledger event linked to its raw request, with pricing and conversation kept", async () => {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const at = Date.now() - 10_000;
    const raw = JSON.stringify(sentBody(wamid, acmeSender, at));
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();

    const row = await inboxRow(raw);
    expect(row).toMatchObject({ status: "processed", processCount: 1, tenantIds: [acme.id] });
    expect(row!.result).toMatchObject({
      statuses: { applied: 1, duplicate: 0, orphaned: 0 },
      quarantined: 0,
    });
    const view = await readLedger(db, acme.id, messageId);
    const sent = view.events.find((e) => e.type === "status_sent");
    expect(sent).toMatchObject({
      source: "webhook",
      attempt: 1,
      providerMessageId: wamid,
      providerTimestamp: Math.floor(at / 1000) * 1000,
      dedupeKey: `status:${wamid}:sent`,
      payload: {
        recipient_id: "15551234567",
        pricing: { billable: true, pricing_model: "PMP", category: "utility", type: "regular" },
        conversation: { origin: { type: "utility" } },
      },
    });
    const event = await db.messageEvent.findFirst({
      where: { tenantId: acme.id, messageId, type: "status_sent" },
    });
    expect(event?.rawWebhookId).toBe(row!.id);
    const receipts = await db.messageEventReceipt.findMany({
      where: { tenantId: acme.id, messageId, dedupeKey: `status:${wamid}:sent` },
    });
    expect(receipts).toMatchObject([{ rawWebhookId: row!.id, isFirst: true }]);
    expect(view.derived.state).toBe("sent");
    expect(
      (await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: acme.id, id: messageId } } }))
        .state,
    ).toBe("sent");
    expect(view.chain.ok).toBe(true);
  });

  it("handles every entry, change and status of a batched POST across tenants, and every field type", async () => {
    const t = Date.now() - 60_000;
    const a = await sentMessage(db, acme.id, acmeSender.id);
    const b = await sentMessage(db, acme.id, acmeSender2.id);
    const c = await sentMessage(db, globex.id, globexSender.id);
    const templateId = crypto.randomInt(1e9, 2e9);
    const strangerPhone = `99${crypto.randomInt(1e8, 1e9)}`;
    const body = envelope([
      entry(
        acmeSender.wabaId,
        [
          messagesChange(acmeSender.phoneNumberId, acmeSender.displayNumber, {
            statuses: [
              statusItem(a.wamid, "read", t + 3000), // read before sent and delivered: any order
              statusItem(a.wamid, "sent", t + 1000),
              statusItem(a.wamid, "delivered", t + 2000),
              statusItem(a.wamid, "deleted", t + 4000), // legacy: ignored and counted
            ],
            // inbound: its time is recorded (the customer-service window), its content stays in the raw request
            messages: [inboundMessage("15550001111", t)],
          }),
          messagesChange(acmeSender2.phoneNumberId, acmeSender2.displayNumber, {
            statuses: [
              statusItem(b.wamid, "failed", t + 1500, {
                errors: [metaErrors.ecosystem, metaErrors.undeliverable],
              }),
            ],
            errors: [{ code: 131000, title: "Something went wrong", message: "Something went wrong" }],
          }),
          otherFields.quality(acmeSender.displayNumber, "FLAGGED", "TIER_1K"),
          otherFields.templateStatus(templateId, "APPROVED"),
          otherFields.templateQuality(templateId, "GREEN", "YELLOW"),
          otherFields.templateCategory(templateId, "MARKETING", "UTILITY"),
          otherFields.unknown(),
        ],
        t,
      ),
      entry(globexSender.wabaId, [
        messagesChange(globexSender.phoneNumberId, globexSender.displayNumber, {
          statuses: [statusItem(c.wamid, "delivered", t + 2000), statusItem(c.wamid, "played", t + 9000)],
        }),
        messagesChange(strangerPhone, "+15550009999", {
          statuses: [statusItem("wamid.stranger", "sent", t)],
        }),
        messagesChange(globexSender.phoneNumberId, globexSender.displayNumber, {
          statuses: [{ id: c.wamid, status: "sent" }, statusItem(c.wamid, "bounced", t)], // no timestamp; unknown status
        }),
      ]),
    ]);
    const raw = JSON.stringify(body);
    expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    await drainAll();

    const row = await inboxRow(raw);
    expect(row?.status).toBe("quarantined"); // some items need a look; the rest was applied
    expect([...row!.tenantIds].sort()).toEqual([acme.id, globex.id].sort());
    expect(row!.result).toMatchObject({
      statuses: { applied: 6, duplicate: 0, orphaned: 0, ignored: 1 },
      senderHealth: 2,
      templates: 3,
      quarantined: 3,
      ignored: { "field:security": 1 },
    });
    expect(
      await db.recipientContact.findMany({
        where: { tenantId: acme.id, recipient: "15550001111" },
        select: { senderNumberId: true, lastInboundAt: true, marketingOptedOut: true },
      }),
    ).toEqual([
      {
        senderNumberId: acmeSender.id,
        lastInboundAt: new Date(Math.floor(t / 1000) * 1000),
        marketingOptedOut: false,
      },
    ]);

    // message a: read (delivered and sent recorded too), explanation from the rules
    const ledgerA = await readLedger(db, acme.id, a.messageId);
    expect(ledgerA.derived.state).toBe("read");
    expect(
      ledgerA.events
        .filter((e) => e.type.startsWith("status_"))
        .map((e) => e.type)
        .sort(),
    ).toEqual(["status_delivered", "status_read", "status_sent"]);
    // message b: failed, the first error in the ledger's error, every error kept whole
    const ledgerB = await readLedger(db, acme.id, b.messageId);
    expect(ledgerB.derived.state).toBe("failed");
    const failed = ledgerB.events.find((e) => e.type === "status_failed");
    expect(failed).toMatchObject({
      error: {
        code: "131049",
        title: metaErrors.ecosystem.title,
        message: metaErrors.ecosystem.message,
        details: metaErrors.ecosystem.error_data.details,
      },
      payload: { errors: [metaErrors.ecosystem, metaErrors.undeliverable] },
    });
    expect(
      (await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: acme.id, id: b.messageId } } }))
        .lastErrorCode,
    ).toBe("131049");
    // message c, in the other tenant: played (implies read, delivered, sent)
    const ledgerC = await readLedger(db, globex.id, c.messageId);
    expect(ledgerC.derived.state).toBe("played");

    // quarantine: unknown number, a status without timestamp, an unknown status, all visible
    const quarantined = await db.webhookQuarantine.findMany({
      where: { rawWebhookId: row!.id },
      orderBy: { itemPath: "asc" },
    });
    expect(quarantined.map((q) => [q.reason, q.itemPath])).toEqual([
      ["unknown_phone_number", "entry[1].changes[1].value.statuses[0]"],
      ["invalid_item", "entry[1].changes[2].value.statuses[0]"],
      ["unknown_status", "entry[1].changes[2].value.statuses[1]"],
    ]);
    expect(quarantined[0]).toMatchObject({
      phoneNumberId: strangerPhone,
      tenantId: null,
      item: { id: "wamid.stranger", status: "sent" },
    });
    expect(quarantined[2]?.tenantId).toBe(globex.id);

    // sender health: flagged number, history kept with what changed; out-of-band errors kept
    const sender = await db.senderNumber.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: acme.id, id: acmeSender.id } },
    });
    expect(sender).toMatchObject({ status: "FLAGGED", qualityRating: "RED", messagingLimitTier: "TIER_1K" });
    const history = await db.senderHealthEvent.findMany({
      where: { tenantId: acme.id, rawWebhookId: row!.id },
    });
    expect(history.map((h) => [h.senderNumberId, h.field, h.event]).sort()).toEqual(
      [
        [acmeSender.id, "phone_number_quality_update", "FLAGGED"],
        [acmeSender2.id, "messages.errors", null],
      ].sort(),
    );
    expect(history.find((h) => h.field === "phone_number_quality_update")?.applied).toMatchObject({
      status: { from: "CONNECTED", to: "FLAGGED" },
      qualityRating: { from: "UNKNOWN", to: "RED" },
    });
    const healthAlert = await db.alert.findFirst({
      where: { tenantId: acme.id, kind: "sender_health", senderNumberId: acmeSender.id },
    });
    expect(healthAlert).toMatchObject({ status: "open", severity: "warning" });

    // templates: current status with history per event
    const template = await db.messageTemplate.findUnique({
      where: {
        tenantId_wabaId_templateId: {
          tenantId: acme.id,
          wabaId: acmeSender.wabaId,
          templateId: String(templateId),
        },
      },
    });
    expect(template).toMatchObject({
      name: "order_update",
      language: "en_US",
      status: "APPROVED",
      qualityScore: "YELLOW",
      category: "UTILITY",
    });
    expect(
      await db.messageTemplateEvent.count({ where: { tenantId: acme.id, templateId: String(templateId) } }),
    ).toBe(3);
    // the other tenant sees none of acme's templates or health
    expect(
      await db.messageTemplate.count({ where: { tenantId: globex.id, templateId: String(templateId) } }),
    ).toBe(0);
  });

  it("applies account updates to every number of the WABA and resolves the alert when the restriction is lifted", async () => {
    const t = Date.now();
    const restrict = JSON.stringify(
      envelope([
        entry(
          acmeSender.wabaId,
          [
            otherFields.account("ACCOUNT_RESTRICTION", {
              restriction_info: [
                {
                  restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING",
                  expiration: Math.floor((t + 86_400_000) / 1000),
                },
              ],
            }),
          ],
          t - 5000,
        ),
      ]),
    );
    const lift = (atMs: number) =>
      JSON.stringify(
        envelope([
          entry(
            acmeSender.wabaId,
            [otherFields.account("ACCOUNT_RESTRICTION", { restriction_info: [] })],
            atMs,
          ),
        ]),
      );
    await route.POST(webhookPost(restrict, { secret: APP_SECRET }));
    await route.POST(webhookPost(lift(t - 60_000), { secret: APP_SECRET }));
    await drainAll();
    for (const id of [acmeSender.id, acmeSender2.id]) {
      // the older report arrived later but is only history: the restriction stands
      expect(
        (await db.senderNumber.findUniqueOrThrow({ where: { tenantId_id: { tenantId: acme.id, id } } }))
          .status,
      ).toBe("RESTRICTED");
      const health = await db.senderHealth.findUniqueOrThrow({
        where: { tenantId_senderNumberId: { tenantId: acme.id, senderNumberId: id } },
      });
      expect(health.templateHoldReason).toMatch(/^business-initiated messaging restricted by Meta until /);
      expect(health.hardHoldCode).toBeNull();
    }
    await route.POST(webhookPost(lift(t), { secret: APP_SECRET }));
    await drainAll();
    expect(
      (
        await db.senderNumber.findUniqueOrThrow({
          where: { tenantId_id: { tenantId: acme.id, id: acmeSender2.id } },
        })
      ).status,
    ).toBe("CONNECTED");
    const alerts = await db.alert.findMany({
      where: { tenantId: acme.id, kind: "sender_health", senderNumberId: acmeSender2.id },
    });
    expect(alerts.map((a) => a.status)).toEqual(["resolved"]);
  });

  it("never crosses tenants: a wamid of one tenant reported through another tenant's number is not applied to it", async () => {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const raw = JSON.stringify(sentBody(wamid, globexSender));
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();
    const ledger = await readLedger(db, acme.id, messageId);
    expect(ledger.events.some((e) => e.type === "status_sent")).toBe(false);
    const orphan = await db.webhookOrphanStatus.findFirst({ where: { providerMessageId: wamid } });
    expect(orphan).toMatchObject({ tenantId: globex.id, senderNumberId: globexSender.id, attachedAt: null });
  });

  it("quarantines a number reported under another WABA instead of guessing", async () => {
    const { wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const raw = JSON.stringify(
      envelope([
        entry(globexSender.wabaId, [
          messagesChange(acmeSender.phoneNumberId, acmeSender.displayNumber, {
            statuses: [statusItem(wamid, "sent", Date.now())],
          }),
        ]),
      ]),
    );
    await route.POST(webhookPost(raw, { secret: APP_SECRET }));
    await drainAll();
    const row = await inboxRow(raw);
    expect(await db.webhookQuarantine.findMany({ where: { rawWebhookId: row!.id } })).toMatchObject([
      { reason: "waba_mismatch" },
    ]);
  });
});

describe("duplicates", () => {
  it("a signed payload posted again adds no row and no effect, and the duplicate is counted", async () => {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const raw = JSON.stringify(
      envelope([
        entry(acmeSender.wabaId, [
          messagesChange(acmeSender.phoneNumberId, acmeSender.displayNumber, {
            statuses: [
              statusItem(wamid, "sent", Date.now() - 2000),
              statusItem(wamid, "delivered", Date.now() - 1000),
            ],
          }),
        ]),
      ]),
    );
    const before = await counter("requests_duplicate", acme.id);
    expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    await drainAll();
    const eventsBefore = await db.messageEvent.count({ where: { tenantId: acme.id, messageId } });
    const receiptsBefore = await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } });

    // Meta retries (our 200 was lost): the same bytes, the same signature, days later
    expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    const report = await drainAll();

    const row = await inboxRow(raw);
    expect(row).toMatchObject({ duplicateCount: 2, processCount: 1, status: "processed" });
    expect(await db.webhookInbox.count({ where: { bodySha256: new Uint8Array(sha(raw)) } })).toBe(1);
    expect(report.claimed).toBe(0);
    expect(await db.messageEvent.count({ where: { tenantId: acme.id, messageId } })).toBe(eventsBefore);
    expect(await db.messageEventReceipt.count({ where: { tenantId: acme.id, messageId } })).toBe(
      receiptsBefore,
    );
    expect(await counter("requests_duplicate", acme.id)).toBe(before + 2);
  });

  it("counts re-posts that arrive before the first copy is processed (no tenant known yet), and in one group commit", async () => {
    const raw = JSON.stringify(sentBody(`wamid.${crypto.randomUUID()}`, acmeSender));
    const before = await counter("requests_duplicate", null);
    for (let i = 0; i < 3; i += 1)
      expect((await route.POST(webhookPost(raw, { secret: APP_SECRET }))).status).toBe(200);
    expect(await inboxRow(raw)).toMatchObject({ duplicateCount: 2, status: "pending" });
    expect(await counter("requests_duplicate", null)).toBe(before + 2);

    // a listener's group commit may carry the same body several times: one row, the rest counted
    const other = Buffer.from(JSON.stringify(sentBody(`wamid.${crypto.randomUUID()}`, acmeSender)));
    const input = { body: other, receivedAt: new Date(), headers: {}, signatureKeyIndex: 0 };
    const outcomes = await recordRawWebhooks(pool, [input, input, input]);
    expect(outcomes.map((o) => o.kind)).toEqual(["stored", "duplicate", "duplicate"]);
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    expect(await db.webhookInbox.findUnique({ where: { id: outcomes[0]!.id } })).toMatchObject({
      duplicateCount: 2,
    });
    expect(await counter("requests_duplicate", null)).toBe(before + 4);
    await drainAll();
  });

  it("the same status in two different bodies is one fact with two receipts", async () => {
    const { messageId, wamid } = await sentMessage(db, acme.id, acmeSender.id);
    const at = Date.now() - 1000;
    const one = JSON.stringify(sentBody(wamid, acmeSender, at));
    const two = JSON.stringify({ ...sentBody(wamid, acmeSender, at), extra: "another envelope" });
    await route.POST(webhookPost(one, { secret: APP_SECRET }));
    await route.POST(webhookPost(two, { secret: APP_SECRET }));
    await drainAll();
    const view = await readLedger(db, acme.id, messageId);
    expect(view.events.filter((e) => e.type === "status_sent")).toHaveLength(1);
    expect(view.events.find((e) => e.type === "status_sent")?.receipts?.receivedCount).toBe(2);
    expect((await inboxRow(two))?.result).toMatchObject({ statuses: { applied: 0, duplicate: 1 } });
  });
});
