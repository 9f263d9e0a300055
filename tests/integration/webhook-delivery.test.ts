// Outbound webhooks on real PostgreSQL and real HTTP: what is sent verifies with the
// standardwebhooks library; a receiver that fails, times out and recovers gets the same event
// (same webhook-id) until it answers 2xx, every attempt recorded; a slow tenant endpoint never
// delays a healthy one; an endpoint failing too long is disabled with an alert to its tenant;
// a dead delivery can be redelivered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { Webhook } from "standardwebhooks";
import type { TDb } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";
import { createLogger } from "@/server/platform/logger";
import { createDb } from "@/server/db/client";
import {
  claimDeliveries,
  createSuccessRecorder,
  recordAttempt,
  startDeliveryLoop,
  type TDeliveryConfig,
} from "@/server/services/triggers/deliver";
import { listAttempts, listDeliveries, redeliver } from "@/server/services/triggers/deliveries";
import { createEndpoint, rotateEndpointSecret } from "@/server/services/triggers/endpoints";
import { writeOutbox } from "@/server/services/triggers/outbox";
import { ZCreateEndpointSchema } from "@/server/services/triggers/inputs";
import { makeSenderNumber, makeTenant } from "../factories";
import { createTestDb, createTestPool, testDatabaseUrl, testSecretBox } from "../setup/context";
import { startReceiver, waitUntil, type TReceiver } from "../setup/webhook-receiver";

let db: TDb;
let pool: pg.Pool;
const receivers: TReceiver[] = [];
const actor = { kind: "cli" as const, label: "delivery-test" };
const log = createLogger("test", "error");
const policy = { allowHttp: false };

beforeAll(() => {
  db = createTestDb();
  pool = createTestPool();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await db.$disconnect();
  await pool.end();
});

/** The pool with a count of the connections taken: one per plain-pg transaction. */
function countingPool() {
  let taken = 0;
  const connect = pool.connect.bind(pool);
  const counted = Object.create(pool) as pg.Pool;
  counted.connect = (() => {
    taken += 1;
    return connect();
  }) as typeof pool.connect;
  return { pool: counted, transactions: () => taken };
}

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** A clock the test moves: retries become due when the test says so, not after real waiting. */
function testClock(start = Date.now()) {
  let ms = start;
  return { now: () => new Date(ms), advance: (by: number) => (ms += by), ms: () => ms };
}

async function setup(eventTypes: string[] = ["message.delivered"], url?: string) {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  const r = await receiver();
  const created = await createEndpoint(
    db,
    testSecretBox,
    actor,
    { tenantId: tenant.id, ...ZCreateEndpointSchema.parse({ url: url ?? r.url, eventTypes }) },
    policy,
    new Date(),
  );
  return { tenant, sender, receiver: r, endpoint: created.endpoint, secret: created.secret };
}

async function fire(tenantId: string, senderNumberId: string, n = 1, now = new Date()) {
  const events = Array.from({ length: n }, () => {
    const messageId = crypto.randomUUID();
    return {
      tenantId,
      type: "message.delivered",
      dedupeKey: `message.delivered:${messageId}`,
      messageId,
      senderNumberId,
      templateName: null,
      occurredAt: now,
      payload: {
        messageId,
        tenantId,
        senderNumberId,
        recipient: "15551234567",
        state: "delivered",
        inferred: false,
      },
    };
  });
  await db.$transaction((tx) => writeOutbox(sqlOfPrisma(tx), events, now));
  return events;
}

const baseConfig: TDeliveryConfig = {
  concurrency: 8,
  timeoutMs: 1_000,
  pollMs: 20,
  disableAfterMs: 72 * 3_600_000,
  publicBaseUrl: "https://waybill.example.test",
};

describe("outbound webhook delivery", () => {
  it("signs with Standard Webhooks, retries a failing then timing-out receiver with the same id, records every attempt", async () => {
    const { tenant, sender, receiver: r, endpoint, secret } = await setup();
    r.setBehaviour({ kind: "status", status: 500 }, { kind: "hang" }, { kind: "status", status: 204 });
    const clock = testClock();
    const [event] = await fire(tenant.id, sender.id, 1, clock.now());
    const loop = startDeliveryLoop(
      { db, box: testSecretBox, log, now: clock.now, random: () => 0.5 },
      baseConfig,
    );
    try {
      const attemptsOf = async () =>
        (await listDeliveries(db, tenant.id, { endpointId: endpoint.id, limit: 5 }))[0];
      await waitUntil(async () => (await attemptsOf())?.attemptCount === 1, "first attempt");
      expect((await attemptsOf())?.status).toBe("pending");
      clock.advance(6_000); // past the 5 s (±20 %) first retry
      await waitUntil(async () => (await attemptsOf())?.attemptCount === 2, "second attempt (timeout)");
      r.release(); // let the hung request go; its answer came too late to count
      clock.advance(6 * 60_000); // past the 5 min second retry
      await waitUntil(async () => (await attemptsOf())?.status === "succeeded", "third attempt succeeds");
    } finally {
      await loop.stop();
    }
    const [delivery] = await listDeliveries(db, tenant.id, { endpointId: endpoint.id, limit: 5 });
    const attempts = (await listAttempts(db, tenant.id, [delivery!.id])).get(delivery!.id) ?? [];
    expect(attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([
      [1, 500],
      [2, null],
      [3, 204],
    ]);
    expect(attempts[0]?.responseBody).toBe("answered 500");
    expect(attempts[1]?.error).toMatch(/timeout/);
    expect(attempts[2]?.error).toBeNull();

    // every request carried the same webhook-id and verifies with the library's verifier
    expect(r.received).toHaveLength(3);
    const ids = new Set(r.received.map((q) => q.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    const wh = new Webhook(secret);
    for (const q of r.received) {
      // the test moved the clock past the verifier's 5-minute tolerance, so the signature is
      // checked against the library's own signing at the request's timestamp
      const ts = new Date(Number(q.headers["webhook-timestamp"]) * 1000);
      expect(q.headers["webhook-signature"]).toBe(wh.sign(q.headers["webhook-id"]!, ts, q.body));
      const payload = JSON.parse(q.body) as { type: string; data: Record<string, unknown> };
      expect(payload.type).toBe("message.delivered");
      expect(payload.data.messageId).toBe(event!.messageId);
      expect(payload.data.recipient).toBe("+1555•••4567");
      expect(payload.data.links).toEqual({
        message: `https://waybill.example.test/api/v1/messages/${event!.messageId}`,
      });
    }
  });

  it("the real signature verifies as sent (clock not moved), also with the previous secret during a rotation", async () => {
    const { tenant, sender, receiver: r, endpoint, secret } = await setup();
    const rotated = await rotateEndpointSecret(
      db,
      testSecretBox,
      actor,
      { tenantId: tenant.id, endpointId: endpoint.id, overlapHours: 1 },
      new Date(),
    );
    await fire(tenant.id, sender.id);
    const loop = startDeliveryLoop({ db, box: testSecretBox, log }, baseConfig);
    try {
      await waitUntil(async () => r.received.length === 1, "delivery");
    } finally {
      await loop.stop();
    }
    const q = r.received[0]!;
    for (const s of [secret, rotated.secret]) expect(new Webhook(s).verify(q.body, q.headers)).toBeTruthy();
    expect(q.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
  });

  it("a slow endpoint of one tenant never delays a healthy endpoint of another", async () => {
    const slow = await setup();
    const healthy = await setup();
    slow.receiver.setBehaviour({ kind: "hang" });
    await fire(slow.tenant.id, slow.sender.id, 10);
    await fire(healthy.tenant.id, healthy.sender.id, 5);
    const loop = startDeliveryLoop({ db, box: testSecretBox, log }, { ...baseConfig, timeoutMs: 60_000 });
    try {
      // all of the healthy tenant's events arrive while the slow endpoint still holds its requests
      await waitUntil(async () => {
        const rows = await listDeliveries(db, healthy.tenant.id, { limit: 10 });
        return rows.length === 5 && rows.every((d) => d.status === "succeeded");
      }, "healthy deliveries");
      const slowRows = await listDeliveries(db, slow.tenant.id, { limit: 20 });
      expect(slowRows.filter((d) => d.status === "succeeded")).toHaveLength(0);
      // the slow endpoint is held to its own concurrency (4 by default), not the whole pool
      expect(slow.receiver.received.length).toBeLessThanOrEqual(4);
      slow.receiver.setBehaviour({ kind: "status", status: 200 });
      slow.receiver.release(200);
      await waitUntil(async () => {
        const rows = await listDeliveries(db, slow.tenant.id, { limit: 20 });
        return rows.every((d) => d.status === "succeeded");
      }, "slow deliveries after release");
    } finally {
      await loop.stop();
    }
  });

  it("disables an endpoint failing for too long, alerts its tenant (alert.opened to its other endpoint); a dead delivery is redelivered", async () => {
    const { tenant, sender } = await setup(["message.delivered"], "http://127.0.0.1:9/unreachable");
    const watcher = await receiver();
    await createEndpoint(
      db,
      testSecretBox,
      actor,
      {
        tenantId: tenant.id,
        ...ZCreateEndpointSchema.parse({ url: watcher.url, eventTypes: ["alert.opened"] }),
      },
      policy,
      new Date(),
    );
    const clock = testClock();
    await fire(tenant.id, sender.id, 1, clock.now());
    const loop = startDeliveryLoop(
      { db, box: testSecretBox, log, now: clock.now, random: () => 0 },
      { ...baseConfig, disableAfterMs: 60_000 },
    );
    const deadEndpoint = async () =>
      db.webhookEndpoint.findFirst({ where: { tenantId: tenant.id, url: { contains: "unreachable" } } });
    try {
      await waitUntil(async () => (await deadEndpoint())?.failingSince != null, "first failure");
      clock.advance(10_000);
      await waitUntil(async () => {
        const rows = await listDeliveries(db, tenant.id, {
          endpointId: (await deadEndpoint())!.id,
          limit: 1,
        });
        return rows[0]?.attemptCount === 2;
      }, "second failure");
      clock.advance(10 * 60_000);
      await waitUntil(async () => (await deadEndpoint())?.isEnabled === false, "auto-disable");
      await waitUntil(async () => watcher.received.length === 1, "alert.opened to the other endpoint");
    } finally {
      await loop.stop();
    }
    const endpoint = (await deadEndpoint())!;
    expect(endpoint.disabledReason).toMatch(/disabled automatically: every attempt failed since/);
    const alert = await db.alert.findFirst({ where: { tenantId: tenant.id, kind: "endpoint_disabled" } });
    expect(alert?.status).toBe("open");
    const opened = JSON.parse(watcher.received[0]!.body) as { type: string; data: { kind: string } };
    expect(opened).toMatchObject({ type: "alert.opened", data: { kind: "endpoint_disabled" } });

    // the operator fixes the receiver's URL, enables it and redelivers the delivery
    const fixed = await receiver();
    await db.webhookEndpoint.update({
      where: { tenantId_id: { tenantId: tenant.id, id: endpoint.id } },
      data: { url: fixed.url, isEnabled: true, failingSince: null },
    });
    const [delivery] = await listDeliveries(db, tenant.id, { endpointId: endpoint.id, limit: 1 });
    await redeliver(db, actor, { tenantId: tenant.id, deliveryId: delivery!.id }, new Date());
    const again = startDeliveryLoop({ db, box: testSecretBox, log }, baseConfig);
    try {
      await waitUntil(async () => fixed.received.length === 1, "redelivery");
    } finally {
      await again.stop();
    }
    const [after] = await listDeliveries(db, tenant.id, { endpointId: endpoint.id, limit: 1 });
    expect(after?.status).toBe("succeeded");
  });

  it("records an attempt that waits over two seconds for a connection, so the posted event is not posted again", async () => {
    const { tenant, sender, endpoint } = await setup();
    await fire(tenant.id, sender.id);
    const now = new Date();
    const claimed = (
      await claimDeliveries(db, { now, limit: 10, leaseMs: 60_000, inFlight: new Map() })
    ).filter((c) => c.endpoint_id === endpoint.id);
    expect(claimed).toHaveLength(1);
    // the worker's delivery pool is small beside its attempts in flight: under load an attempt's
    // record queues for a connection longer than Prisma's default wait (2 s)
    const narrow = createDb(testDatabaseUrl(), { max: 1 });
    try {
      const busy = narrow.$transaction((tx) => tx.$queryRaw`SELECT 1 AS slept FROM pg_sleep(3)`, {
        timeout: 10_000,
      });
      await new Promise((r) => setTimeout(r, 200));
      const recorded = recordAttempt(
        { db: narrow, box: testSecretBox, log },
        baseConfig,
        claimed[0]!,
        { status: 200, body: "ok", error: null, latencyMs: 5, requestHeaders: {} },
        now,
        now,
      );
      await busy;
      await expect(recorded).resolves.toMatchObject({ status: "succeeded" });
    } finally {
      await narrow.$disconnect();
    }
    const [delivery] = await listDeliveries(db, tenant.id, { endpointId: endpoint.id, limit: 1 });
    expect(delivery?.status).toBe("succeeded");
  });

  it("records successes answered together in one transaction, every attempt row present, and leaves a healthy endpoint's row unwritten", async () => {
    const healthy = await setup();
    const recovering = await setup();
    const failingSince = new Date(Date.now() - 60_000);
    await db.webhookEndpoint.update({
      where: { tenantId_id: { tenantId: recovering.tenant.id, id: recovering.endpoint.id } },
      data: { failingSince },
    });
    await fire(healthy.tenant.id, healthy.sender.id, 6);
    await fire(recovering.tenant.id, recovering.sender.id, 4);
    const now = new Date();
    // this test's deliveries only (a claim would lease other tests' too), as a claim returns them
    const claimed = await sqlOfPrisma(db).query<{
      tenant_id: string;
      id: string;
      endpoint_id: string;
      attempt_count: number;
      url: string;
      event_id: string;
    }>(
      `SELECT d.tenant_id::text AS tenant_id, d.id::text AS id, d.endpoint_id::text AS endpoint_id,
              d.attempt_count::int AS attempt_count, e.url, d.event_id::text AS event_id
       FROM webhook_delivery d JOIN webhook_endpoint e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
       WHERE d.tenant_id = ANY($1::uuid[])`,
      [[healthy.tenant.id, recovering.tenant.id]],
    );
    expect(claimed).toHaveLength(10);
    const versionOf = async (tenantId: string, endpointId: string) =>
      (
        await sqlOfPrisma(db).query<{ xmin: string }>(
          `SELECT xmin::text AS xmin FROM webhook_endpoint WHERE tenant_id = $1::uuid AND id = $2::uuid`,
          [tenantId, endpointId],
        )
      )[0]?.xmin;
    const healthyVersion = await versionOf(healthy.tenant.id, healthy.endpoint.id);

    const counting = countingPool();
    const record = createSuccessRecorder(counting.pool);
    await Promise.all(
      claimed.map((c, i) =>
        record({
          claimed: c,
          outcome: {
            status: 200,
            body: `ok ${i}`,
            error: null,
            latencyMs: 3 + i,
            requestHeaders: { "webhook-id": `msg_${c.event_id}` },
          },
          startedAt: now,
          now,
        }),
      ),
    );
    expect(counting.transactions()).toBe(1);

    for (const side of [healthy, recovering]) {
      const deliveries = await listDeliveries(db, side.tenant.id, {
        endpointId: side.endpoint.id,
        limit: 10,
      });
      const recorded = deliveries.filter((d) => claimed.some((c) => c.id === d.id));
      expect(recorded).toHaveLength(side === healthy ? 6 : 4);
      const attempts = await listAttempts(
        db,
        side.tenant.id,
        recorded.map((d) => d.id),
      );
      for (const d of recorded) {
        expect(d).toMatchObject({ status: "succeeded", attemptCount: 1 });
        const [attempt] = attempts.get(d.id) ?? [];
        expect(attempt).toMatchObject({ attempt: 1, responseStatus: 200, error: null });
        expect(attempt?.responseBody).toMatch(/^ok \d+$/);
      }
    }
    // the endpoint with nothing to clear was not written; the recovering one is healthy again
    expect(await versionOf(healthy.tenant.id, healthy.endpoint.id)).toBe(healthyVersion);
    const after = await db.webhookEndpoint.findFirst({
      where: { tenantId: recovering.tenant.id, id: recovering.endpoint.id },
    });
    expect(after?.failingSince).toBeNull();
  });

  it("the loop with a pool records every success in fewer transactions than attempts", async () => {
    const sides = [await setup(), await setup(), await setup()];
    for (const side of sides) await fire(side.tenant.id, side.sender.id, 8);
    const counting = countingPool();
    const loop = startDeliveryLoop({ db, pool: counting.pool, box: testSecretBox, log }, baseConfig);
    try {
      await waitUntil(async () => {
        for (const side of sides) {
          const rows = await listDeliveries(db, side.tenant.id, { limit: 20 });
          if (rows.length !== 8 || rows.some((d) => d.status !== "succeeded")) return false;
        }
        return true;
      }, "every delivery succeeded");
    } finally {
      await loop.stop();
    }
    let attempts = 0;
    for (const side of sides) {
      const rows = await listDeliveries(db, side.tenant.id, { limit: 20 });
      const byDelivery = await listAttempts(
        db,
        side.tenant.id,
        rows.map((d) => d.id),
      );
      for (const d of rows) expect(byDelivery.get(d.id)?.map((a) => a.responseStatus)).toEqual([200]);
      attempts += rows.length;
      expect(side.receiver.received).toHaveLength(8);
    }
    expect(attempts).toBe(24);
    expect(counting.transactions()).toBeLessThan(attempts);
  });

  it("refuses plain http except for loopback (or in demo mode)", async () => {
    const tenant = await makeTenant(db);
    const input = (url: string) => ({
      tenantId: tenant.id,
      ...ZCreateEndpointSchema.parse({ url, eventTypes: ["message.read"] }),
    });
    await expect(
      createEndpoint(db, testSecretBox, actor, input("http://example.com/hook"), policy, new Date()),
    ).rejects.toThrow(/https/);
    await expect(
      createEndpoint(
        db,
        testSecretBox,
        actor,
        input("http://example.com/hook"),
        { allowHttp: true },
        new Date(),
      ),
    ).resolves.toBeTruthy();
    await expect(
      createEndpoint(db, testSecretBox, actor, input("https://example.com/hook"), policy, new Date()),
    ).resolves.toBeTruthy();
  });
});
