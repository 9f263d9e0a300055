// sender.paused / sender.resumed / sender.quality_changed reach a tenant's endpoints through the
// outbox, in the transaction of the change: an engineer's pause and resume (with the alert's
// resolution as alert.resolved), an operator's hold from the number's health, and Meta's
// quality update arriving by webhook. A repeated pause fires nothing; another tenant gets nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { TDb } from "@/server/db/client";
import { pauseSender, resumeSender } from "@/server/services/sending/sender-control";
import { setHealthOverride } from "@/server/services/number-health/set-override";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { ZCreateEndpointSchema } from "@/server/services/triggers/inputs";
import { entry, envelope, otherFields, webhookPost } from "../factories/webhooks";
import { makeSenderNumber, makeTenant } from "../factories";
import { createTestDb, testSecretBox } from "../setup/context";
import { APP_SECRET, createWebhookTestPool, drainAll, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
const engineer = { kind: "cli" as const, label: "sender-events-test" };

beforeAll(() => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function subscribed(types: string[]) {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  const { endpoint } = await createEndpoint(
    db,
    testSecretBox,
    engineer,
    {
      tenantId: tenant.id,
      ...ZCreateEndpointSchema.parse({ url: "https://hooks.example.test/w", eventTypes: types }),
    },
    { allowHttp: false },
    new Date(),
  );
  return { tenant, sender, endpoint };
}

async function eventsOf(tenantId: string) {
  const rows = await db.triggerEvent.findMany({
    where: { tenantId },
    orderBy: { id: "asc" },
    select: { id: true, type: true, payload: true },
  });
  return rows.map((r) => ({ type: r.type, payload: r.payload as Record<string, unknown>, id: r.id }));
}

const SENDER_TYPES = ["sender.paused", "sender.resumed", "sender.quality_changed"];

describe("sender events", () => {
  it("an engineer's pause and resume fire sender.paused then sender.resumed once, and the alert's resolution", async () => {
    const { tenant, sender, endpoint } = await subscribed([
      ...SENDER_TYPES,
      "alert.opened",
      "alert.resolved",
    ]);
    const other = await subscribed(SENDER_TYPES);
    await pauseSender(
      db,
      engineer,
      { tenantId: tenant.id, senderNumberId: sender.id, reason: "token rotation" },
      new Date(),
    );
    await expect(
      pauseSender(
        db,
        engineer,
        { tenantId: tenant.id, senderNumberId: sender.id, reason: "again" },
        new Date(),
      ),
    ).rejects.toThrow(/already paused/);
    await resumeSender(
      db,
      engineer,
      { tenantId: tenant.id, senderNumberId: sender.id, reason: "token rotated", requeueDeadLettered: false },
      new Date(),
    );
    const events = await eventsOf(tenant.id);
    // events of one transaction share its millisecond: compare them by type
    const byType = new Map(events.map((e) => [e.type, e.payload]));
    expect(events.map((e) => e.type).sort()).toEqual([
      "alert.opened",
      "alert.resolved",
      "sender.paused",
      "sender.resumed",
    ]);
    expect(byType.get("sender.paused")).toMatchObject({
      senderNumberId: sender.id,
      cause: "dispatch",
      code: "operator_pause",
      reason: "token rotation",
      changedBy: "cli:sender-events-test",
    });
    expect(byType.get("sender.resumed")).toMatchObject({
      cause: "dispatch",
      previousReason: "token rotation",
    });
    expect(byType.get("alert.resolved")).toMatchObject({ resolution: "sender resumed: token rotated" });
    // one delivery per event to the subscribed endpoint; the other tenant got nothing
    expect(await db.webhookDelivery.count({ where: { tenantId: tenant.id, endpointId: endpoint.id } })).toBe(
      4,
    );
    expect(await eventsOf(other.tenant.id)).toEqual([]);
    // the alert the resume resolved names who resolved it
    const alert = await db.alert.findFirstOrThrow({ where: { tenantId: tenant.id } });
    expect(alert).toMatchObject({ status: "resolved", resolvedBy: "cli:sender-events-test" });
  });

  it("an operator's health hold pauses and its clearing resumes (cause: health)", async () => {
    const { tenant, sender } = await subscribed(SENDER_TYPES);
    const now = new Date();
    await setHealthOverride(
      db,
      engineer,
      {
        tenantId: tenant.id,
        senderNumberId: sender.id,
        mode: "hold",
        reason: "suspected spam",
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
      now,
    );
    await setHealthOverride(
      db,
      engineer,
      { tenantId: tenant.id, senderNumberId: sender.id, mode: "clear", reason: "checked", expiresAt: null },
      new Date(now.getTime() + 1_000),
    );
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => [e.type, e.payload.cause])).toEqual([
      ["sender.paused", "health"],
      ["sender.resumed", "health"],
    ]);
    expect(events[0]?.payload).toMatchObject({ code: "operator_hold" });
    expect(String(events[0]?.payload.reason)).toContain("suspected spam");
  });

  it("Meta's quality updates fire sender.quality_changed when the rating or the flag changes, not on a repeat", async () => {
    const { tenant, sender } = await subscribed(SENDER_TYPES);
    const post = async (event: string, atMs: number) => {
      const response = await route.POST(
        webhookPost(
          envelope([entry(sender.wabaId, [otherFields.quality(sender.displayNumber, event)], atMs)]),
          {
            secret: APP_SECRET,
          },
        ),
      );
      expect(response.status).toBe(200);
      await drainAll();
    };
    const t0 = Date.now() - 120_000;
    await post("FLAGGED", t0);
    await post("FLAGGED", t0 + 1_000); // the same rating again: nothing
    await post("UNFLAGGED", t0 + 2_000);
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => e.type)).toEqual(["sender.quality_changed", "sender.quality_changed"]);
    // a lifted flag keeps the last rating Meta gave (it does not say the new one)
    expect(events.map((e) => [e.payload.previousQuality, e.payload.quality, e.payload.isFlagged])).toEqual([
      [null, "RED", true],
      ["RED", "RED", false],
    ]);
  });
});
