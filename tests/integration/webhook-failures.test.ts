// Failures Meta reports by webhook (a `failed` status with errors[]) are handled like failures on
// the send call: run through the error catalogue, listed as dead letters with their class, a
// sender-level code pauses the number with an alert, and a temporary one is resent as a new
// attempt when the tenant's policy allows it (never for marketing templates by default).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

/** Meta's errors[] entries as its failed statuses carry them. */
const META_ERRORS = {
  payment: {
    code: 131042,
    title: "Business eligibility payment issue",
    message: "Business eligibility payment issue",
    error_data: {
      details: "Message failed to send because there were one or more errors related to your payment method.",
    },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  },
  unknown: {
    code: 131000,
    title: "Something went wrong",
    message: "Something went wrong",
    error_data: { details: "Message failed to send due to an unknown error." },
    href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
  },
};

async function setup() {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  const post = async (statuses: Record<string, unknown>[]) => {
    const body = envelope([
      entry(sender.wabaId, [messagesChange(sender.phoneNumberId, sender.displayNumber, { statuses })]),
    ]);
    expect((await route.POST(webhookPost(body, { secret: APP_SECRET }))).status).toBe(200);
    await drainAll();
  };
  return { tenant, sender, post };
}

const failedWith = (wamid: string, error: object, atMs: number) =>
  statusItem(wamid, "failed", atMs, { errors: [error] });

async function messageRow(tenantId: string, id: string) {
  return db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } } });
}

describe("a failure reported by webhook", () => {
  it("131042 (payment): a dead letter of class sender, and the number paused with an alert", async () => {
    const { tenant, sender, post } = await setup();
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id);
    const t = Date.now() - 10_000;
    await post([statusItem(wamid, "sent", t), failedWith(wamid, META_ERRORS.payment, t + 1000)]);

    expect((await messageRow(tenant.id, messageId)).state).toBe("failed");
    const dl = await db.deadLetter.findUniqueOrThrow({
      where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
    });
    expect(dl).toMatchObject({
      status: "open",
      reasonClass: "sender",
      errorCode: "131042",
      deadLetterAttempt: 1,
    });
    expect(dl.reason).toContain(
      "reported attempt 1 failed by webhook: 131042 (Business eligibility payment issue)",
    );
    const dispatch = await db.senderDispatch.findUniqueOrThrow({
      where: { tenantId_senderNumberId: { tenantId: tenant.id, senderNumberId: sender.id } },
    });
    expect(dispatch).toMatchObject({ pausedErrorCode: "131042", pausedBy: "system:webhook-failures" });
    expect(dispatch.pausedAt).not.toBeNull();
    const alert = await db.alert.findFirstOrThrow({
      where: { tenantId: tenant.id, senderNumberId: sender.id, kind: "sender_health", status: "open" },
    });
    expect(alert).toMatchObject({ severity: "critical", messageId });
    expect(alert.title).toMatch(/131042 \(Business eligibility payment issue\) reported by webhook/);
  });

  it("131000 on a utility template: resent as attempt 2 (queued), no dead letter; a re-delivery adds nothing", async () => {
    const { tenant, sender, post } = await setup();
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id);
    const t = Date.now() - 10_000;
    const failed = failedWith(wamid, META_ERRORS.unknown, t + 1000);
    await post([statusItem(wamid, "sent", t), failed]);

    const row = await messageRow(tenant.id, messageId);
    expect(row).toMatchObject({ state: "retrying", attemptCount: 2 });
    const queued = await db.sendQueueItem.findUniqueOrThrow({
      where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
    });
    expect(queued.attempt).toBe(2);
    expect(
      await db.deadLetter.findUnique({ where: { tenantId_messageId: { tenantId: tenant.id, messageId } } }),
    ).toBeNull();
    const retry = await db.messageEvent.findFirstOrThrow({
      where: { tenantId: tenant.id, messageId, type: "retry_scheduled" },
    });
    expect(retry).toMatchObject({ attempt: 2, source: "worker" });

    // Meta re-delivers the same failed status: no second retry, no dead letter
    await db.sendQueueItem.delete({ where: { tenantId_messageId: { tenantId: tenant.id, messageId } } });
    await post([{ ...failed, recipient_id: "15551234567" }, statusItem(wamid, "sent", t + 5)]);
    expect((await messageRow(tenant.id, messageId)).state).toBe("retrying");
    expect(
      await db.sendQueueItem.findUnique({
        where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
      }),
    ).toBeNull();
    expect(
      await db.messageEvent.count({ where: { tenantId: tenant.id, messageId, type: "retry_scheduled" } }),
    ).toBe(1);
  });

  it("131000 on a marketing template: not resent by default, listed as a temporary failure not resent", async () => {
    const { tenant, sender, post } = await setup();
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id, {
      templateCategory: "MARKETING",
    });
    await post([failedWith(wamid, META_ERRORS.unknown, Date.now() - 5000)]);

    expect((await messageRow(tenant.id, messageId)).state).toBe("failed");
    const dl = await db.deadLetter.findUniqueOrThrow({
      where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
    });
    expect(dl).toMatchObject({ status: "open", reasonClass: "transient", errorCode: "131000" });
    expect(
      await db.sendQueueItem.findUnique({
        where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
      }),
    ).toBeNull();
    const dispatch = await db.senderDispatch.findUnique({
      where: { tenantId_senderNumberId: { tenantId: tenant.id, senderNumberId: sender.id } },
    });
    expect(dispatch?.pausedAt ?? null).toBeNull();
  });

  it("a tenant that allows it gets marketing templates resent too", async () => {
    const { tenant, sender, post } = await setup();
    await db.tenantSendPolicy.create({
      data: { tenantId: tenant.id, retryAsyncTransientMarketing: true, updatedBy: "test" },
    });
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id, {
      templateCategory: "MARKETING",
    });
    await post([failedWith(wamid, META_ERRORS.unknown, Date.now() - 5000)]);
    expect((await messageRow(tenant.id, messageId)).state).toBe("retrying");
  });

  it("a failure beside delivery of the same attempt changes nothing (delivery wins)", async () => {
    const { tenant, sender, post } = await setup();
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id);
    const t = Date.now() - 10_000;
    await post([statusItem(wamid, "delivered", t), failedWith(wamid, META_ERRORS.payment, t + 1000)]);
    expect((await messageRow(tenant.id, messageId)).state).toBe("delivered");
    const dl = await db.deadLetter.findUnique({
      where: { tenantId_messageId: { tenantId: tenant.id, messageId } },
    });
    expect(dl?.status ?? "none").not.toBe("open");
    const dispatch = await db.senderDispatch.findUnique({
      where: { tenantId_senderNumberId: { tenantId: tenant.id, senderNumberId: sender.id } },
    });
    expect(dispatch?.pausedAt ?? null).toBeNull();
  });
});
