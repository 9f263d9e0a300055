// Orphan statuses: Meta's webhook beats our send response. The status waits, visibly, and joins
// the right message with the right attempt and state when the response is recorded (the hook in
// appendEvents, same transaction); without a response it is matched through
// biz_opaque_callback_data after a grace period; a race between the two never loses a status;
// orphans waiting too long raise an alert per sender number.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { readLedger } from "@/server/services/ledger/read-ledger";
import { countForeignStatuses, raiseOrphanAlerts, sweepOrphans } from "@/server/services/ingest/orphans";
import { listWaitingOrphans } from "@/server/db/queries/operations";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import {
  APP_SECRET,
  createWebhookTestPool,
  drainAll,
  recordAccepted,
  sentMessage,
  webhookHandlers,
} from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
let tenant: { id: string };
let sender: Awaited<ReturnType<typeof makeSenderNumber>>;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  tenant = await makeTenant(db);
  sender = await makeSenderNumber(db, testSecretBox, tenant.id);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function postStatuses(statuses: Record<string, unknown>[]) {
  const body = envelope([
    entry(sender.wabaId, [messagesChange(sender.phoneNumberId, sender.displayNumber, { statuses })]),
  ]);
  const response = await route.POST(webhookPost(body, { secret: APP_SECRET }));
  expect(response.status).toBe(200);
}

async function state(messageId: string) {
  return (
    await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: messageId } } })
  ).state;
}

describe("a status posted before its message's send response is recorded", () => {
  it("waits as an orphan and ends attached to the right message, attempt and state once the response is recorded", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null }); // attempt 1 in flight
    const wamid = `wamid.${crypto.randomUUID()}`;
    const t = Date.now() - 30_000;
    await postStatuses([statusItem(wamid, "delivered", t + 2000), statusItem(wamid, "sent", t + 1000)]);
    await drainAll();

    const waiting = await db.webhookOrphanStatus.findMany({
      where: { tenantId: tenant.id, providerMessageId: wamid },
      orderBy: { status: "asc" },
    });
    expect(waiting.map((o) => [o.status, o.attachedAt])).toEqual([
      ["delivered", null],
      ["sent", null],
    ]);
    expect(await state(messageId)).toBe("submitting");

    // the sending pipeline records the send response: the orphans join in the same transaction
    const result = await recordAccepted(db, tenant.id, messageId, wamid);
    expect(result.derived.state).toBe("delivered");
    expect(result.appended.map((e) => e.type).sort()).toEqual([
      "provider_accepted",
      "status_delivered",
      "status_sent",
    ]);

    expect(await state(messageId)).toBe("delivered");
    const ledger = await readLedger(db, tenant.id, messageId);
    expect(ledger.chain.ok).toBe(true);
    for (const type of ["status_sent", "status_delivered"] as const) {
      const event = ledger.events.find((e) => e.type === type);
      expect(event).toMatchObject({ attempt: 1, providerMessageId: wamid, source: "webhook" });
    }
    const attached = await db.webhookOrphanStatus.findMany({
      where: { tenantId: tenant.id, providerMessageId: wamid },
    });
    expect(
      attached.every((o) => o.messageId === messageId && o.attachedBy === "wamid" && o.attachedAt !== null),
    ).toBe(true);
    // receipts keep the raw request they came from
    const receipts = await db.messageEventReceipt.findMany({
      where: { tenantId: tenant.id, messageId, source: "webhook" },
    });
    expect(receipts.map((r) => r.rawWebhookId)).toEqual([waiting[0]!.rawWebhookId, waiting[0]!.rawWebhookId]);

    // a later status for the same wamid goes straight to the message
    await postStatuses([statusItem(wamid, "read", t + 3000)]);
    await drainAll();
    expect(await state(messageId)).toBe("read");
    expect(
      await db.webhookOrphanStatus.count({ where: { tenantId: tenant.id, providerMessageId: wamid } }),
    ).toBe(2);
  });

  it("never loses a status when the send response and the status are processed at the same moment", async () => {
    const runs = 12;
    const cases = [];
    for (let i = 0; i < runs; i += 1) {
      const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
      cases.push({ messageId, wamid: `wamid.race.${crypto.randomUUID()}` });
    }
    for (const c of cases) await postStatuses([statusItem(c.wamid, "sent", Date.now() - 1000)]);
    // drain and record every response concurrently: each status must end attached exactly once
    await Promise.all([drainAll(), ...cases.map((c) => recordAccepted(db, tenant.id, c.messageId, c.wamid))]);
    await drainAll();
    for (const c of cases) {
      expect(await state(c.messageId)).toBe("sent");
      expect(
        await db.messageEvent.count({
          where: { tenantId: tenant.id, messageId: c.messageId, type: "status_sent" },
        }),
      ).toBe(1);
    }
    expect(
      await db.webhookOrphanStatus.count({
        where: {
          tenantId: tenant.id,
          providerMessageId: { in: cases.map((c) => c.wamid) },
          attachedAt: null,
        },
      }),
    ).toBe(0);
  });
});

describe("biz_opaque_callback_data", () => {
  it("attaches an orphan to the message it names once the grace period passes without a send response", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
    const wamid = `wamid.${crypto.randomUUID()}`;
    await postStatuses([
      statusItem(wamid, "delivered", Date.now() - 5000, { biz_opaque_callback_data: messageId }),
    ]);
    await drainAll();
    const now = Date.now();

    const early = await sweepOrphans(db, { now: new Date(now), matchGraceSeconds: 120, limit: 100 });
    expect(early.attachedByBizData).toBe(0);
    expect(await state(messageId)).toBe("submitting");

    const late = await sweepOrphans(db, { now: new Date(now + 121_000), matchGraceSeconds: 120, limit: 100 });
    expect(late.attachedByBizData).toBe(1);
    const ledger = await readLedger(db, tenant.id, messageId);
    expect(ledger.derived.state).toBe("delivered");
    // attempt unknown: attributed by the rules (R3), and the webhook proves acceptance (R6)
    expect(ledger.events.find((e) => e.type === "status_delivered")).toMatchObject({ attempt: null });
    expect(ledger.derived.explanation).toContain("webhook proves acceptance; accept response never recorded");
    expect(
      await db.webhookOrphanStatus.findFirst({ where: { tenantId: tenant.id, providerMessageId: wamid } }),
    ).toMatchObject({
      attachedBy: "biz_opaque_callback_data",
      messageId,
    });
  });

  it("ignores biz_opaque_callback_data naming a message of another tenant or number", async () => {
    const other = await makeTenant(db);
    const otherSender = await makeSenderNumber(db, testSecretBox, other.id);
    const foreign = await sentMessage(db, other.id, otherSender.id, { wamid: null });
    const wamid = `wamid.${crypto.randomUUID()}`;
    await postStatuses([
      statusItem(wamid, "sent", Date.now() - 5000, { biz_opaque_callback_data: foreign.messageId }),
    ]);
    await drainAll();
    await sweepOrphans(db, { now: new Date(Date.now() + 3_600_000), matchGraceSeconds: 120, limit: 1000 });
    expect(
      await db.webhookOrphanStatus.findFirst({ where: { tenantId: tenant.id, providerMessageId: wamid } }),
    ).toMatchObject({ attachedAt: null });
    expect(
      await db.messageEvent.count({
        where: { tenantId: other.id, messageId: foreign.messageId, source: "webhook" },
      }),
    ).toBe(0);
  });
});

describe("orphan alerts", () => {
  it("raises one alert per sender number for orphans waiting too long, and resolves it when none are left", async () => {
    const alertSender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const wamids = [`wamid.${crypto.randomUUID()}`, `wamid.${crypto.randomUUID()}`];
    const body = envelope([
      entry(alertSender.wabaId, [
        messagesChange(alertSender.phoneNumberId, alertSender.displayNumber, {
          statuses: wamids.map((w) => statusItem(w, "sent", Date.now() - 1000)),
        }),
      ]),
    ]);
    await route.POST(webhookPost(body, { secret: APP_SECRET }));
    await drainAll();

    const later = new Date(Date.now() + 16 * 60_000);
    await raiseOrphanAlerts(db, { now: new Date(), alertAfterMinutes: 15 });
    expect(
      await db.alert.count({
        where: { tenantId: tenant.id, kind: "orphan_statuses", senderNumberId: alertSender.id },
      }),
    ).toBe(0);
    await raiseOrphanAlerts(db, { now: later, alertAfterMinutes: 15 });
    await raiseOrphanAlerts(db, { now: later, alertAfterMinutes: 15 }); // deduplicated while open
    const alerts = await db.alert.findMany({
      where: { tenantId: tenant.id, kind: "orphan_statuses", senderNumberId: alertSender.id },
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: "open", details: { waiting: 2 } });

    // the sending pipeline catches up: both attach, the next sweep resolves the alert
    for (const wamid of wamids) {
      const { messageId } = await sentMessage(db, tenant.id, alertSender.id, { wamid: null });
      await recordAccepted(db, tenant.id, messageId, wamid);
    }
    await raiseOrphanAlerts(db, { now: later, alertAfterMinutes: 15 });
    expect(await db.alert.findFirst({ where: { id: alerts[0]!.id } })).toMatchObject({
      status: "resolved",
      resolvedBy: "system",
    });
  });
});

describe("foreign statuses (messages Waybill never sent)", () => {
  it("are classed foreign after the grace period, counted per number, listed apart and never alerted on", async () => {
    const number = await makeSenderNumber(db, testSecretBox, tenant.id);
    // another app on the same WABA sent these: no callback data of ours
    const wamids = [`wamid.${crypto.randomUUID()}`, `wamid.${crypto.randomUUID()}`];
    const body = envelope([
      entry(number.wabaId, [
        messagesChange(number.phoneNumberId, number.displayNumber, {
          statuses: [
            statusItem(wamids[0]!, "sent", Date.now() - 2000),
            statusItem(wamids[0]!, "delivered", Date.now() - 1000),
            statusItem(wamids[1]!, "read", Date.now() - 1000, {
              biz_opaque_callback_data: "crm-campaign-42",
            }),
          ],
        }),
      ]),
    ]);
    await route.POST(webhookPost(body, { secret: APP_SECRET }));
    await drainAll();
    const now = Date.now();

    // within the grace period they wait like any orphan
    expect(
      (await sweepOrphans(db, { now: new Date(now), matchGraceSeconds: 120, limit: 1000 })).classedForeign,
    ).toBe(0);
    const sweep = await sweepOrphans(db, {
      now: new Date(now + 121_000),
      matchGraceSeconds: 120,
      limit: 1000,
    });
    expect(sweep.classedForeign).toBe(3);
    const rows = await db.webhookOrphanStatus.findMany({
      where: { tenantId: tenant.id, senderNumberId: number.id },
      select: { foreignAt: true, attachedAt: true },
    });
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toEqual({ foreignAt: new Date(now + 121_000), attachedAt: null });

    // no orphan alert, however long they stay
    await raiseOrphanAlerts(db, { now: new Date(now + 40 * 24 * 3_600_000), alertAfterMinutes: 15 });
    expect(
      await db.alert.count({
        where: { tenantId: tenant.id, kind: "orphan_statuses", senderNumberId: number.id },
      }),
    ).toBe(0);
    // not in the waiting list; counted per number instead
    const waiting = await listWaitingOrphans(db, [tenant.id], { limit: 100 });
    expect(waiting.rows.filter((r) => r.senderNumberId === number.id)).toEqual([]);
    const counts = await countForeignStatuses(db, [tenant.id], new Date(now - 3_600_000));
    expect(counts.find((c) => c.senderNumberId === number.id)).toMatchObject({
      senderDisplayNumber: number.displayNumber,
      count: 3,
    });

    // should one of them turn out to be ours after all (a send answer recorded late), it attaches
    const { messageId } = await sentMessage(db, tenant.id, number.id, { wamid: null });
    await recordAccepted(db, tenant.id, messageId, wamids[0]!);
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("delivered");
    expect(
      (await countForeignStatuses(db, [tenant.id], new Date(now - 3_600_000))).find(
        (c) => c.senderNumberId === number.id,
      )?.count,
    ).toBe(1);
  });
});
