// The console's webhooks.* and usage.* procedures through the tRPC router (inner context): a
// tenant admin manages its endpoints (the opt-in warning for message.accepted, disable, rotate,
// test event, deliveries with attempts, redelivery, removal); a support agent reads but cannot
// manage; another tenant's admin is refused everything; a message's page lists the triggers it
// fired with every delivery attempt; usage is read per tenant and, by admins, across tenants.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { createLogger } from "@/server/platform/logger";
import { startDeliveryLoop } from "@/server/services/triggers/deliver";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts } from "../factories/ledger";
import { makeMessage, stories, wamidFor } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";
import { startReceiver, waitUntil, type TReceiver } from "../setup/webhook-receiver";

let db: TDb;
const receivers: TReceiver[] = [];
const log = createLogger("test", "error");
const loopConfig = {
  concurrency: 4,
  timeoutMs: 2_000,
  pollMs: 20,
  disableAfterMs: 3_600_000,
  publicBaseUrl: null,
};

beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await db.$disconnect();
});

async function world() {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  const other = await makeTenant(db);
  const receiver = await startReceiver();
  receivers.push(receiver);
  return {
    tenant,
    sender,
    other,
    receiver,
    admin: callerFor(db, await makeUser(db, "tenant_admin", { tenantId: tenant.id })),
    support: callerFor(db, await makeUser(db, "support_agent")),
    intruder: callerFor(db, await makeUser(db, "tenant_admin", { tenantId: other.id })),
    platformAdmin: callerFor(db, await makeUser(db, "admin")),
  };
}

describe("webhooks.* in the console", () => {
  it("a tenant admin manages endpoints; support reads; another tenant is refused", async () => {
    const w = await world();
    const tenantId = w.tenant.id;
    const created = await w.admin.webhooks.create({
      tenantId,
      url: w.receiver.url,
      description: "orders",
      eventTypes: ["message.accepted", "message.delivered"],
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.warnings).toEqual([expect.stringContaining("Acceptance is not delivery")]);
    const endpointId = created.endpoint.id;

    const asSupport = await w.support.webhooks.list({ tenantId });
    expect(asSupport.canManage).toBe(false);
    expect(asSupport.endpoints.map((e) => e.id)).toEqual([endpointId]);
    expect(JSON.stringify(asSupport)).not.toContain(created.secret);
    expect(
      await codeOf(
        w.support.webhooks.create({ tenantId, url: w.receiver.url, eventTypes: ["message.read"] }),
      ),
    ).toBe("FORBIDDEN");
    for (const call of [
      w.intruder.webhooks.list({ tenantId }),
      w.intruder.webhooks.update({ tenantId, endpointId, changes: { isEnabled: false } }),
      w.intruder.webhooks.rotateSecret({ tenantId, endpointId }),
      w.intruder.webhooks.sendTest({ tenantId, endpointId, type: "message.delivered" }),
      w.intruder.webhooks.deliveries({ tenantId }),
      w.intruder.webhooks.remove({ tenantId, endpointId }),
    ])
      expect(await codeOf(call)).toBe("FORBIDDEN");
    // with its own tenant id, the intruder does not find the endpoint either
    expect(
      await codeOf(
        w.intruder.webhooks.update({ tenantId: w.other.id, endpointId, changes: { isEnabled: false } }),
      ),
    ).toBe("NOT_FOUND");

    // a bad URL: a clear error, nothing changed
    await expect(
      w.admin.webhooks.update({ tenantId, endpointId, changes: { url: "http://example.com/hook" } }),
    ).rejects.toThrow(/https/);

    // a test event goes out signed with the current secret; the delivery and its attempt are listed
    await w.admin.webhooks.sendTest({ tenantId, endpointId, type: "message.delivered" });
    const loop = startDeliveryLoop({ db, box: testSecretBox, log }, loopConfig);
    try {
      await waitUntil(async () => w.receiver.received.length === 1, "test event");
      await waitUntil(
        async () => (await w.admin.webhooks.deliveries({ tenantId, endpointId }))[0]?.status === "succeeded",
        "recorded",
      );
    } finally {
      await loop.stop();
    }
    const [delivery] = await w.admin.webhooks.deliveries({ tenantId, endpointId });
    expect(delivery).toMatchObject({ eventType: "message.delivered", attemptCount: 1, lastStatusCode: 200 });
    expect(delivery?.attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([[1, 200]]);
    expect(delivery?.webhookId).toBe(w.receiver.received[0]?.headers["webhook-id"]);
    // a succeeded delivery is not redelivered
    expect(await codeOf(w.admin.webhooks.redeliver({ tenantId, deliveryId: delivery!.id }))).toBe("CONFLICT");

    const rotated = await w.admin.webhooks.rotateSecret({ tenantId, endpointId, overlapHours: 0 });
    expect(rotated.secret).not.toBe(created.secret);
    const disabled = await w.admin.webhooks.update({ tenantId, endpointId, changes: { isEnabled: false } });
    expect(disabled).toMatchObject({ isEnabled: false });
    await w.admin.webhooks.remove({ tenantId, endpointId });
    expect((await w.admin.webhooks.list({ tenantId })).endpoints).toEqual([]);
  });

  it("a message's page lists the triggers it fired, each delivery and every attempt", async () => {
    const w = await world();
    const tenantId = w.tenant.id;
    w.receiver.setBehaviour({ kind: "status", status: 503 }, { kind: "status", status: 200 });
    await w.admin.webhooks.create({
      tenantId,
      url: w.receiver.url,
      eventTypes: ["message.delivered", "message.read"],
    });
    const t0 = Date.now() - 20 * 60_000;
    const message = await makeMessage(
      db,
      { tenantId, senderNumberId: w.sender.id, createdAtMs: t0 },
      stories.read(t0),
    );
    let ms = Date.now();
    const loop = startDeliveryLoop(
      { db, box: testSecretBox, log, now: () => new Date(ms), random: () => 0.5 },
      loopConfig,
    );
    try {
      await waitUntil(async () => w.receiver.received.length >= 2, "first attempts");
      ms += 6_000; // the 503 is retried after 5 s (±20 %)
      await waitUntil(async () => {
        const fired = await w.admin.webhooks.forMessage({ tenantId, messageId: message.id });
        return fired.every((e) => e.deliveries.every((d) => d.status === "succeeded"));
      }, "all delivered");
    } finally {
      await loop.stop();
    }
    const fired = await w.support.webhooks.forMessage({ tenantId, messageId: message.id });
    expect(fired.map((e) => [e.type, e.inferred])).toEqual([
      ["message.delivered", false],
      ["message.read", false],
    ]);
    const attempts = fired.flatMap((e) =>
      e.deliveries.flatMap((d) => d.attempts.map((a) => a.responseStatus)),
    );
    // one of the two was refused once (503) before it went through
    expect(attempts.sort()).toEqual([200, 200, 503]);
    expect(await codeOf(w.intruder.webhooks.forMessage({ tenantId, messageId: message.id }))).toBe(
      "FORBIDDEN",
    );
    expect(await w.intruder.webhooks.forMessage({ tenantId: w.other.id, messageId: message.id })).toEqual([]);
  });
});

describe("usage.* in the console", () => {
  it("a tenant admin reads its tenant's usage; all tenants are for admins", async () => {
    const w = await world();
    const tenantId = w.tenant.id;
    const t0 = Date.now() - 60 * 60_000;
    const wamid = wamidFor("priced");
    const priced = (status: "sent" | "delivered", at: number) => ({
      ...drafts.status(status, wamid, at),
      payload: {
        pricing: {
          billable: false,
          pricing_model: "PMP",
          category: "service",
          type: "free_customer_service",
        },
      },
    });
    await makeMessage(db, { tenantId, senderNumberId: w.sender.id, createdAtMs: t0 }, [
      { atMs: t0 + 100, drafts: [drafts.attemptStarted(1)] },
      { atMs: t0 + 500, drafts: [drafts.accepted(1, wamid)] },
      { atMs: t0 + 2_000, drafts: [priced("sent", t0 + 1_000)] },
      { atMs: t0 + 3_000, drafts: [priced("delivered", t0 + 2_000)] },
    ]);
    const mine = await w.admin.usage.get({ tenantId, days: 7 });
    expect(mine.rows).toEqual([
      expect.objectContaining({
        tenantId,
        senderNumberId: w.sender.id,
        category: "service",
        pricingType: "free_customer_service",
        billable: false,
        messages: 1,
      }),
    ]);
    expect(await codeOf(w.admin.usage.get({ scope: "all", days: 7 }))).toBe("FORBIDDEN");
    expect(await codeOf(w.intruder.usage.get({ tenantId, days: 7 }))).toBe("FORBIDDEN");
    const all = await w.platformAdmin.usage.get({ scope: "all", days: 7 });
    expect(all.rows.filter((r) => r.tenantId === tenantId).map((r) => r.messages)).toEqual([1]);
  });
});
