// Stalled-state detection and alerts on real PostgreSQL: a message that waits too long gets a
// stalled_detected ledger event and one alert scoped to its tenant and sender number (not two,
// however often the sweep runs); the alert resolves when the message moves on; thresholds are
// per tenant; a jump of the stalled share raises a cohort alert; operators acknowledge, snooze
// and resolve (audited), and a snooze runs out.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { readLedger } from "@/server/services/ledger/read-ledger";
import { actOnAlert, reopenExpiredSnoozes } from "@/server/services/monitoring/alerts";
import { detectStalled } from "@/server/services/monitoring/detect-stalled";
import { setStallThresholds } from "@/server/services/monitoring/stall-thresholds";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
const MIN = 60_000;
const actor = { kind: "cli" as const, label: "stalled-test" };

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function tenantWithSender() {
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  return { tenant, sender };
}

function sweep(tenantIds: string[], nowMs: number) {
  return detectStalled(db, {
    now: new Date(nowMs),
    cohort: { minStalled: 5, jump: 0.2, baselineMinutes: 60 },
    limitPerState: 500,
    tenantIds,
  });
}

async function postStatus(
  sender: Awaited<ReturnType<typeof makeSenderNumber>>,
  wamid: string,
  status: string,
  atMs: number,
) {
  const body = envelope([
    entry(sender.wabaId, [
      messagesChange(sender.phoneNumberId, sender.displayNumber, {
        statuses: [statusItem(wamid, status, atMs)],
      }),
    ]),
  ]);
  expect((await route.POST(webhookPost(body, { secret: APP_SECRET }))).status).toBe(200);
}

describe("stalled messages", () => {
  it("flags a message waiting too long once, with a ledger event and a tenant+number alert, and resolves it when the message moves on", async () => {
    const { tenant, sender } = await tenantWithSender();
    const t0 = Date.now() - 60 * MIN;
    const { messageId, wamid } = await sentMessage(db, tenant.id, sender.id, { at: new Date(t0) });

    expect((await sweep([tenant.id], t0 + 14 * MIN)).flagged).toBe(0); // accepted: 15 min by default
    expect((await sweep([tenant.id], t0 + 16 * MIN)).flagged).toBe(1);
    expect((await sweep([tenant.id], t0 + 20 * MIN)).flagged).toBe(0); // the same episode: not again

    const ledger = await readLedger(db, tenant.id, messageId);
    const flags = ledger.events.filter((e) => e.type === "stalled_detected");
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      source: "worker",
      payload: { state: "accepted", thresholdMs: 15 * MIN },
    });
    expect(ledger.derived.state).toBe("accepted"); // stalled is a flag, never a state
    const alerts = await db.alert.findMany({ where: { tenantId: tenant.id, kind: "message_stalled" } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      status: "open",
      senderNumberId: sender.id,
      messageId,
      title: "Message stalled in accepted",
      details: { state: "accepted", deciderKey: "attempt:1:accepted", thresholdSeconds: 900 },
    });

    // the sent webhook arrives: processing resolves the alert at once, naming the new state
    await postStatus(sender, wamid, "sent", t0 + 21 * MIN);
    await drainAll();
    expect(
      await db.alert.findUnique({ where: { tenantId_id: { tenantId: tenant.id, id: alerts[0]!.id } } }),
    ).toMatchObject({
      status: "resolved",
      resolvedBy: "system",
      resolution: "message moved on to sent",
    });

    // stuck at sent past a day: a new episode, a new alert
    const sentSince = (
      await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: messageId } } })
    ).stateReachedAt.getTime();
    expect((await sweep([tenant.id], sentSince + 24 * 60 * MIN + MIN)).flagged).toBe(1);
    const open = await db.alert.findMany({
      where: { tenantId: tenant.id, kind: "message_stalled", status: "open" },
    });
    expect(open).toHaveLength(1);
    expect(open[0]?.details).toMatchObject({ state: "sent" });
  });

  it("uses the tenant's own thresholds; another tenant keeps the defaults; a null threshold never flags", async () => {
    const fast = await tenantWithSender();
    const normal = await tenantWithSender();
    const t0 = Date.now() - 30 * MIN;
    const a = await sentMessage(db, fast.tenant.id, fast.sender.id, { at: new Date(t0) });
    await sentMessage(db, normal.tenant.id, normal.sender.id, { at: new Date(t0) });
    await setStallThresholds(db, actor, fast.tenant.id, { accepted: 60 }, "faster alerts for this tenant");

    const report = await sweep([fast.tenant.id, normal.tenant.id], t0 + 2 * MIN);
    expect(report.flagged).toBe(1);
    expect(await db.alert.count({ where: { tenantId: normal.tenant.id, kind: "message_stalled" } })).toBe(0);
    expect(
      await db.alert.findFirst({ where: { tenantId: fast.tenant.id, kind: "message_stalled" } }),
    ).toMatchObject({ messageId: a.messageId });
    expect(
      await db.auditEvent.findFirst({
        where: { tenantId: fast.tenant.id, action: "tenant.stall_thresholds_changed" },
      }),
    ).toMatchObject({
      actorLabel: "cli:stalled-test",
      data: { accepted: 60 },
    });

    await setStallThresholds(db, actor, normal.tenant.id, { accepted: null }, "never flag accepted");
    expect((await sweep([normal.tenant.id], t0 + 10 * 24 * 60 * MIN)).flagged).toBe(0);
  });

  it("raises a cohort alert when a number's stalled share jumps above its baseline, and resolves it when the share falls back", async () => {
    const { tenant, sender } = await tenantWithSender();
    const t0 = Date.now() - 60 * MIN;
    const messages = [];
    for (let i = 0; i < 10; i += 1)
      messages.push(await sentMessage(db, tenant.id, sender.id, { at: new Date(t0) }));
    await sweep([tenant.id], t0 + 1 * MIN); // baseline: nothing stalled
    await sweep([tenant.id], t0 + 2 * MIN);
    const jumped = await sweep([tenant.id], t0 + 16 * MIN); // all ten stalled at once
    expect(jumped.cohortOpened).toBe(2); // the tenant and its number
    const cohort = await db.alert.findMany({
      where: { tenantId: tenant.id, kind: "stalled_share_jump" },
      orderBy: { senderNumberId: "asc" },
    });
    expect(cohort.map((c) => c.senderNumberId)).toEqual([sender.id, null]);
    expect(cohort[0]).toMatchObject({
      status: "open",
      severity: "critical",
      details: { share: 1, baselineShare: 0, stalled: 10, waiting: 10 },
    });
    expect((await sweep([tenant.id], t0 + 17 * MIN)).cohortOpened).toBe(0); // deduplicated while open

    for (const m of messages.slice(0, 8)) await postStatus(sender, m.wamid, "delivered", t0 + 17 * MIN);
    await drainAll();
    const recovered = await sweep([tenant.id], t0 + 18 * MIN);
    expect(recovered.cohortResolved).toBe(2);
    expect(
      await db.alert.count({
        where: { tenantId: tenant.id, kind: "stalled_share_jump", status: { not: "resolved" } },
      }),
    ).toBe(0);
  });
});

describe("operator actions", () => {
  it("acknowledges, snoozes (until it runs out) and resolves an alert, audited, within its tenant only", async () => {
    const { tenant, sender } = await tenantWithSender();
    const other = await makeTenant(db);
    const t0 = Date.now() - 60 * MIN;
    await sentMessage(db, tenant.id, sender.id, { at: new Date(t0) });
    await sweep([tenant.id], t0 + 20 * MIN);
    const alert = await db.alert.findFirstOrThrow({
      where: { tenantId: tenant.id, kind: "message_stalled" },
    });
    const now = new Date();

    await expect(
      actOnAlert(
        db,
        actor,
        { tenantId: other.id, alertId: alert.id, action: "acknowledge", reason: "looking into it" },
        now,
      ),
    ).rejects.toThrow(/no such alert/);
    expect(
      await actOnAlert(
        db,
        actor,
        { tenantId: tenant.id, alertId: alert.id, action: "acknowledge", reason: "looking into it" },
        now,
      ),
    ).toMatchObject({ status: "acknowledged" });
    const until = new Date(now.getTime() + 30 * MIN);
    expect(
      await actOnAlert(
        db,
        actor,
        { tenantId: tenant.id, alertId: alert.id, action: "snooze", until, reason: "after the night" },
        now,
      ),
    ).toMatchObject({ status: "snoozed", snoozedUntil: until });
    await reopenExpiredSnoozes(db, new Date(until.getTime() + 1000));
    expect(
      (await db.alert.findUniqueOrThrow({ where: { tenantId_id: { tenantId: tenant.id, id: alert.id } } }))
        .status,
    ).toBe("open");
    await actOnAlert(
      db,
      actor,
      { tenantId: tenant.id, alertId: alert.id, action: "resolve", reason: "customer was offline" },
      now,
    );
    await expect(
      actOnAlert(
        db,
        actor,
        { tenantId: tenant.id, alertId: alert.id, action: "acknowledge", reason: "again" },
        now,
      ),
    ).rejects.toThrow(/already resolved/);
    const audit = await db.auditEvent.findMany({
      where: { tenantId: tenant.id, targetId: alert.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["alert.acknowledge", "alert.snooze", "alert.resolve"]);
    // resolved by hand while the message is still stuck: the same episode is not raised again
    expect((await sweep([tenant.id], t0 + 30 * MIN)).flagged).toBe(0);
  });
});
