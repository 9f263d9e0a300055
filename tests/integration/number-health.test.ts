// Number health end to end on real PostgreSQL: Meta's webhooks through the real route and inbox
// drainer become dated facts, the view is derived from them, and the dispatcher's claim follows
// it (a flag never stops a number; a business-messaging restriction holds templates only, until
// its expiry). The SQL twin of the sending decision agrees with the pure one. The migration
// carries old numbers over and the drift audit then reports nothing.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { createDb } from "@/server/db/client";
import { ensureDatabase, dropDatabase, withDatabase } from "@/server/platform/embedded-postgres";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import { decideSending, type THoldState } from "@/server/domain/number-health/sending-hold";
import { auditNumberHealth } from "@/server/services/number-health/audit-health";
import { listUnhealthyNumbers } from "@/server/services/number-health/number-health-view";
import {
  heldAllReasonSql,
  heldTemplatesReasonSql,
  sqlTimestamp,
} from "@/server/services/number-health/hold-sql";
import { claimSends } from "@/server/services/sending/send-queue";
import { requestSend, requestSendDepsOf } from "@/server/services/sending/request-send";
import type { TSendMessageRequest } from "@/server/domain/sending/send-request";
import { entry, envelope, otherFields, webhookPost } from "../factories/webhooks";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { DEAD_LETTER_ERRORS, makeMessage, stories } from "../factories/messages";
import { callerFor } from "../setup/trpc";
import { getMessageView } from "@/server/services/sending/message-views";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { createTestDatabase } from "../setup/test-database";
import { seedDemo } from "@/prisma/seed";
import { APP_SECRET, createWebhookTestPool, drainAll, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
const SYSTEM = { kind: "system", label: "test" } as const;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  // this file claims from the queue: start it empty
  await pool.query("DELETE FROM send_queue");
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function post(wabaId: string, change: Record<string, unknown>, atMs: number) {
  const response = await route.POST(
    webhookPost(envelope([entry(wabaId, [change], atMs)]), { secret: APP_SECRET }),
  );
  expect(response.status).toBe(200);
  await drainAll();
}

async function send(tenantId: string, senderId: string, kind: "template" | "text"): Promise<string> {
  const to = `+1555${String(crypto.randomInt(1_000_000, 9_999_999))}`;
  const request: TSendMessageRequest =
    kind === "template"
      ? {
          from: senderId,
          to,
          type: "template",
          template: { name: "order_update", language: "en_US", bodyParameters: [] },
        }
      : { from: senderId, to, type: "text", text: { body: "hello" } };
  const result = await requestSend(requestSendDepsOf(db), {
    tenantId,
    request,
    idempotencyKey: null,
    origin: { kind: "api", apiKeyId: crypto.randomUUID() },
    now: new Date(),
  });
  if (result.kind !== "created") throw new Error(result.kind);
  return result.message.id;
}

/** Claims what may go at `now` (leases expire at once, so a later claim sees the rows again). */
async function claimable(now: Date, tenantId: string): Promise<string[]> {
  const result = await claimSends(pool, {
    slots: 50,
    workerId: "number-health-test",
    leaseMs: 1,
    now,
    throughput: { ...DEFAULT_THROUGHPUT, defaultMaxRate: 1000, burstSeconds: 1 },
  });
  return result.claimed
    .filter((c) => c.tenantId === tenantId)
    .map((c) => c.messageId)
    .sort();
}

async function viewOf(tenantId: string, senderNumberId: string) {
  return db.senderHealth.findUniqueOrThrow({
    where: { tenantId_senderNumberId: { tenantId, senderNumberId } },
  });
}

describe("sending follows the number's health", () => {
  it("a FLAGGED number keeps sending; the flag and the quality are recorded, dated", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const at = Date.now() - 60_000;
    await post(sender.wabaId, otherFields.quality(sender.displayNumber, "FLAGGED", "TIER_1K"), at);
    const view = await viewOf(tenant.id, sender.id);
    expect(view.health).toMatchObject({
      flag: { state: "FLAGGED", source: "webhook", atMs: Math.floor(at / 1000) * 1000 },
      quality: { rating: "RED" },
      messagingLimit: { tier: "TIER_1K" },
    });
    expect(view.hardHoldCode).toBeNull();
    const ids = [
      await send(tenant.id, sender.id, "template"),
      await send(tenant.id, sender.id, "text"),
    ].sort();
    expect(await claimable(new Date(), tenant.id)).toEqual(ids);
  });

  it("a business-messaging restriction holds templates only, names why, and releases them at its expiry", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const now = Date.now();
    const expiresAt = Math.floor((now + 3_600_000) / 1000) * 1000;
    await post(
      sender.wabaId,
      otherFields.account("ACCOUNT_RESTRICTION", {
        restriction_info: [
          { restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING", expiration: expiresAt / 1000 },
        ],
      }),
      now - 1_000,
    );
    // a later UNFLAGGED does not lift it (separate facts)
    await post(sender.wabaId, otherFields.quality(sender.displayNumber, "UNFLAGGED"), now - 500);
    const view = await viewOf(tenant.id, sender.id);
    expect(view.templateHoldUntil?.getTime()).toBe(expiresAt);
    const template = await send(tenant.id, sender.id, "template");
    const text = await send(tenant.id, sender.id, "text");
    expect(await claimable(new Date(), tenant.id)).toEqual([text]);
    expect(await claimable(new Date(expiresAt - 1), tenant.id)).toEqual([text]);
    expect(await claimable(new Date(expiresAt + 1), tenant.id)).toEqual([template, text].sort());
  });

  it("a disabled account holds every message of its numbers", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    await post(
      sender.wabaId,
      otherFields.account("DISABLED_UPDATE", {
        ban_info: { waba_ban_state: "DISABLE", waba_ban_date: "2026-12-01" },
      }),
      Date.now() - 1_000,
    );
    expect(await viewOf(tenant.id, sender.id)).toMatchObject({ hardHoldCode: "disabled" });
    await send(tenant.id, sender.id, "text");
    expect(await claimable(new Date(), tenant.id)).toEqual([]);
    await post(
      sender.wabaId,
      otherFields.account("DISABLED_UPDATE", { ban_info: { waba_ban_state: "REINSTATE" } }),
      Date.now(),
    );
    expect(await claimable(new Date(), tenant.id)).toHaveLength(1);
  });
});

describe("retrying a dead letter reads the same holds as the dispatcher", () => {
  async function deadLetter(tenantId: string, senderNumberId: string, templateName: string | null) {
    const t0 = Date.now() - 3_600_000;
    return makeMessage(
      db,
      { tenantId, senderNumberId, templateName, createdAtMs: t0 },
      stories.deadLettered(t0, DEAD_LETTER_ERRORS.generic, "retry budget spent: 8 of 8 attempts failed"),
    );
  }

  it("a FLAGGED number is no reason to wait; a restriction delays template retries only, until its expiry", async () => {
    const tenant = await makeTenant(db);
    const flagged = await makeSenderNumber(db, testSecretBox, tenant.id);
    const restricted = await makeSenderNumber(db, testSecretBox, tenant.id);
    const engineer = await makeUser(db, "engineer");
    const now = Date.now();
    await post(flagged.wabaId, otherFields.quality(flagged.displayNumber, "FLAGGED", "TIER_1K"), now - 2_000);
    const expiresAt = Math.floor((now + 3_600_000) / 1000);
    await post(
      restricted.wabaId,
      otherFields.account("ACCOUNT_RESTRICTION", {
        restriction_info: [{ restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING", expiration: expiresAt }],
      }),
      now - 1_000,
    );
    const fromFlagged = await deadLetter(tenant.id, flagged.id, "order_update");
    const template = await deadLetter(tenant.id, restricted.id, "order_update");
    const text = await deadLetter(tenant.id, restricted.id, null);
    const result = await callerFor(db, engineer).deadLetters.assess({
      tenantId: tenant.id,
      messageIds: [fromFlagged.id, template.id, text.id],
    });
    const senderWarnings = (id: string) =>
      result.items
        .find((i) => i.messageId === id)
        ?.warnings.filter((w) => w.kind === "sender_unavailable")
        .map((w) => `${w.key}/${w.severity}`);
    expect(result.items.map((i) => i.verdict)).toEqual(["act", "act", "act"]);
    expect(senderWarnings(fromFlagged.id)).toEqual([]);
    expect(senderWarnings(template.id)).toEqual(["sender_unavailable:biz_messaging_restricted/delayed"]);
    expect(senderWarnings(text.id)).toEqual([]);
  });
});

describe("operator override", () => {
  it("an engineer holds a number with a reason and an expiry: audited, shown, held messages say why; tenant admins cannot", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const engineer = await makeUser(db, "engineer");
    const tenantAdmin = await makeUser(db, "tenant_admin", { tenantId: tenant.id });
    const admin = await makeUser(db, "admin");
    const support = await makeUser(db, "support_agent");
    const expiresAt = new Date(Date.now() + 3_600_000);
    const input = {
      tenantId: tenant.id,
      senderNumberId: sender.id,
      mode: "hold" as const,
      reason: "rotating the access token",
      expiresAt,
    };
    await expect(callerFor(db, tenantAdmin).numberHealth.setOverride(input)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(callerFor(db, support).numberHealth.setOverride(input)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const id = await send(tenant.id, sender.id, "text");
    await callerFor(db, engineer).numberHealth.setOverride(input);
    expect(await claimable(new Date(), tenant.id)).toEqual([]);

    const audit = await db.auditEvent.findFirstOrThrow({
      where: { action: "number_health.override_set", targetId: sender.id },
    });
    expect(audit).toMatchObject({
      reason: "rotating the access token",
      actorLabel: `user:${engineer.email}`,
    });

    const view = await callerFor(db, tenantAdmin).numberHealth.get({
      tenantId: tenant.id,
      senderNumberId: sender.id,
    });
    expect(view.override).toMatchObject({ mode: "hold", reason: "rotating the access token", actor: "user" });
    expect(view.decision.all?.code).toBe("operator_hold");
    expect(view.held).toBe(1);
    expect(view.timeline[0]).toMatchObject({
      source: "operator",
      lines: [expect.stringMatching(/^Override: hold until /)],
    });

    const message = await getMessageView(db, tenant.id, id);
    expect(message?.hold).toMatch(/^held by an operator until .* UTC: rotating the access token$/);
    expect(message?.explanation).toContain("; held: held by an operator");
    // the console's timeline says the same as the API's view
    const timeline = await callerFor(db, tenantAdmin).messages.timeline({
      tenantId: tenant.id,
      messageId: id,
    });
    expect(timeline.hold).toBe(message?.hold);

    const unhealthy = await callerFor(db, support).numberHealth.listUnhealthy({ scope: "all" });
    expect(unhealthy.find((n) => n.senderNumberId === sender.id)).toMatchObject({ held: 1 });
    // a tenant admin reads its own tenant's list, never every tenant's
    const own = await callerFor(db, tenantAdmin).numberHealth.listUnhealthy({ tenantId: tenant.id });
    expect(own.map((n) => n.senderNumberId)).toContain(sender.id);
    expect(own.every((n) => n.tenantId === tenant.id)).toBe(true);
    await expect(
      callerFor(db, tenantAdmin).numberHealth.listUnhealthy({ scope: "all" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await callerFor(db, admin).numberHealth.setOverride({
      ...input,
      mode: "clear",
      reason: "token rotated",
      expiresAt: null,
    });
    expect(await claimable(new Date(), tenant.id)).toEqual([id]);
  });
});

describe("support's list of numbers that are not healthy", () => {
  it("lists every tenant's non-healthy numbers, most held messages first, in words; healthy numbers stay out", async () => {
    const acme = await makeTenant(db);
    const globex = await makeTenant(db);
    const disabled = await makeSenderNumber(db, testSecretBox, acme.id);
    const restricted = await makeSenderNumber(db, testSecretBox, acme.id);
    const flagged = await makeSenderNumber(db, testSecretBox, globex.id);
    const healthy = await makeSenderNumber(db, testSecretBox, globex.id);
    const now = Date.now();
    await post(
      disabled.wabaId,
      otherFields.account("DISABLED_UPDATE", {
        ban_info: { waba_ban_state: "DISABLE", waba_ban_date: "2026-12-01" },
      }),
      now - 3_000,
    );
    await post(
      restricted.wabaId,
      otherFields.account("ACCOUNT_RESTRICTION", {
        restriction_info: [
          {
            restriction_type: "RESTRICTED_BIZ_INITIATED_MESSAGING",
            expiration: Math.floor((now + 3_600_000) / 1000),
          },
        ],
      }),
      now - 2_000,
    );
    await post(flagged.wabaId, otherFields.quality(flagged.displayNumber, "FLAGGED", "TIER_1K"), now - 1_000);
    // held: every message of the disabled number (2), the templates of the restricted one (3 of 4),
    // none of the flagged one (a flag holds nothing), none of the healthy one
    for (let i = 0; i < 2; i += 1) await send(acme.id, disabled.id, "text");
    for (let i = 0; i < 3; i += 1) await send(acme.id, restricted.id, "template");
    await send(acme.id, restricted.id, "text");
    await send(globex.id, flagged.id, "template");
    await send(globex.id, healthy.id, "template");

    const support = await makeUser(db, "support_agent");
    const ours = new Set([disabled.id, restricted.id, flagged.id, healthy.id]);
    const listed = (await callerFor(db, support).numberHealth.listUnhealthy({ scope: "all" })).filter((n) =>
      ours.has(n.senderNumberId),
    );
    expect(listed.map((n) => [n.senderNumberId, n.tenantSlug, n.held, n.queued])).toEqual([
      [restricted.id, acme.slug, 3, 4],
      [disabled.id, acme.slug, 2, 2],
      [flagged.id, globex.slug, 0, 1],
    ]);
    expect(listed[0]).toMatchObject({
      problems: ["restricted: Business-initiated messaging"],
      holdReason: expect.stringMatching(
        /^business-initiated messaging restricted by Meta until .*: template messages wait$/,
      ),
    });
    expect(listed[1]?.holdReason).toMatch(/disabled/i);
    expect(listed[2]).toMatchObject({ problems: ["flagged", "quality low"], holdReason: null });
  });
});

describe("the SQL twin of the sending decision", () => {
  it("holds and words exactly what decideSending does", async () => {
    const T = Date.UTC(2026, 11, 3, 12, 0, 0);
    const states: THoldState[] = [];
    const hards = [null, { code: "disabled" as const, reason: "WhatsApp Business account disabled by Meta" }];
    const templates = [
      null,
      { reason: "business-initiated messaging restricted by Meta", untilMs: null },
      { reason: "business-initiated messaging restricted by Meta until x", untilMs: T + 60_000 },
      { reason: "business-initiated messaging restricted by Meta until y", untilMs: T - 60_000 },
    ];
    const overrides = [
      null,
      { mode: "hold" as const, reason: "rotating the token", actor: "user:e@x", expiresAtMs: T + 90_000 },
      { mode: "send" as const, reason: "Meta confirmed", actor: "user:e@x", expiresAtMs: T + 90_000 },
      { mode: "hold" as const, reason: "expired", actor: "user:e@x", expiresAtMs: T - 1 },
    ];
    for (const hardHold of hards)
      for (const templateHold of templates)
        for (const override of overrides)
          states.push({ hardHold, templateHold, override, rateCeiling: null });
    const at = sqlTimestamp(new Date(T));
    for (const state of states) {
      const { rows } = await pool.query<{ all: string | null; templates: string | null }>(
        `SELECT ${heldAllReasonSql("h", at)} AS all, ${heldTemplatesReasonSql("h", at)} AS templates
         FROM (SELECT $1::text AS hard_hold_reason, $2::text AS template_hold_reason,
                      to_timestamp($3::float8 / 1000) AS template_hold_until, $4::text AS override_mode,
                      $5::text AS override_reason, to_timestamp($6::float8 / 1000) AS override_until) h`,
        [
          state.hardHold?.reason ?? null,
          state.templateHold?.reason ?? null,
          state.templateHold?.untilMs ?? null,
          state.override?.mode ?? null,
          state.override?.reason ?? null,
          state.override?.expiresAtMs ?? null,
        ],
      );
      const decision = decideSending(state, T);
      expect(rows[0], JSON.stringify(state)).toEqual({
        all: decision.all?.reason ?? null,
        templates: decision.templates?.reason ?? null,
      });
    }
  });
});

describe("migration 011 carries existing numbers over", () => {
  it("keeps their state as a baseline fact, re-derives the views, and the drift audit then reports 0", async () => {
    const name = `waybill_health_migration_${crypto.randomBytes(4).toString("hex")}`;
    const adminUrl = withDatabase(testDatabaseUrl(), "postgres");
    await ensureDatabase(adminUrl, name);
    const url = withDatabase(testDatabaseUrl(), name);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const migrations = path.resolve(import.meta.dirname, "../../prisma/migrations");
    const files = fs
      .readdirSync(migrations)
      .filter((f) => /^\d{3}\.do\..*\.sql$/.test(f))
      .sort();
    const before = files.filter((f) => f < "011");
    const after = files.filter((f) => f >= "011");
    let other: TDb | null = null;
    try {
      for (const file of before) await client.query(fs.readFileSync(path.join(migrations, file), "utf8"));
      // the old model: a status column (FLAGGED stopped sending), history rows without a source
      const tenant = crypto.randomUUID();
      await client.query(`INSERT INTO tenant (id, slug, name) VALUES ($1, 'old', 'Old')`, [tenant]);
      const numbers = { flagged: crypto.randomUUID(), gone: crypto.randomUUID(), plain: crypto.randomUUID() };
      const status = { flagged: "FLAGGED", gone: "DISCONNECTED", plain: "CONNECTED" } as const;
      for (const [key, id] of Object.entries(numbers)) {
        await client.query(
          `INSERT INTO sender_number (tenant_id, id, waba_id, phone_number_id, display_number, status, quality_rating,
                                      messaging_limit_tier, updated_at)
           VALUES ($1, $2, '1029384756', $3, $4, $5, $6, 'TIER_1K', now())`,
          [
            tenant,
            id,
            `1000${key.charCodeAt(0)}`,
            `+1555000${key.charCodeAt(0)}`,
            status[key as keyof typeof status],
            key === "flagged" ? "RED" : "GREEN",
          ],
        );
      }
      await client.query(
        `INSERT INTO sender_health_event (tenant_id, id, sender_number_id, waba_id, field, event, provider_timestamp,
                                          value, applied, dedupe_key, raw_webhook_id, recorded_at)
         VALUES ($1, $2, $3, '1029384756', 'phone_number_quality_update', 'FLAGGED', now() - interval '1 hour',
                 '{"event":"FLAGGED","current_limit":"TIER_2K"}'::jsonb, '{}'::jsonb, 'k1', $4, now())`,
        [tenant, crypto.randomUUID(), numbers.flagged, crypto.randomUUID()],
      );
      for (const file of after) await client.query(fs.readFileSync(path.join(migrations, file), "utf8"));

      other = createDb(url, { max: 2 });
      // before any audit, support's list already derives the carried-over views
      const unhealthy = await listUnhealthyNumbers(other, [tenant], new Date());
      expect(unhealthy.map((n) => n.senderNumberId).sort()).toEqual([numbers.flagged, numbers.gone].sort());
      expect(unhealthy.find((n) => n.senderNumberId === numbers.flagged)?.problems).toContain("flagged");
      const first = await auditNumberHealth(other, { apply: true, actor: SYSTEM }, new Date());
      expect(first.checked).toBe(3);
      expect(first.repaired).toBe(3); // carried-over views are re-derived by the current rules
      const second = await auditNumberHealth(other, { apply: false, actor: SYSTEM }, new Date());
      expect(second.drifted).toEqual([]);

      const views = await other.senderHealth.findMany({ where: { tenantId: tenant } });
      const byId = new Map(views.map((v) => [v.senderNumberId, v]));
      // flagged: the flag is kept, from the history, and no longer holds; TIER_2K is read
      expect(byId.get(numbers.flagged)).toMatchObject({
        hardHoldCode: null,
        health: { flag: { state: "FLAGGED", source: "webhook" }, messagingLimit: { tier: "TIER_2K" } },
      });
      // the disconnected number without history keeps holding, from its baseline
      expect(byId.get(numbers.gone)).toMatchObject({
        hardHoldCode: "disconnected",
        health: { connection: { state: "DISCONNECTED", source: "migration" } },
      });
      expect(byId.get(numbers.plain)).toMatchObject({
        hardHoldCode: null,
        health: { quality: { rating: "GREEN", source: "migration" }, messagingLimit: { tier: "TIER_1K" } },
      });
      const legacy = await other.senderNumber.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: tenant, id: numbers.flagged } },
      });
      expect(legacy.messagingLimitTier).toBe("TIER_2K");
    } finally {
      await other?.$disconnect();
      await client.end();
      await dropDatabase(adminUrl, name);
    }
  });
});

describe("the demo seed", () => {
  it("leaves number health with no drift; its troubled number was flagged, then restricted", async () => {
    const database = await createTestDatabase("health_seed");
    const seeded = createDb(database.url, { max: 2 });
    try {
      await seedDemo(seeded, testSecretBox, null);
      const audit = await auditNumberHealth(seeded, { apply: false, actor: SYSTEM }, new Date());
      expect(audit.checked).toBe(4);
      expect(audit.drifted).toEqual([]);
      const promotions = await seeded.senderNumber.findFirstOrThrow({
        where: { displayNumber: "+15550101002" },
      });
      const view = await seeded.senderHealth.findUniqueOrThrow({
        where: { tenantId_senderNumberId: { tenantId: promotions.tenantId, senderNumberId: promotions.id } },
      });
      expect(view.health).toMatchObject({
        flag: { state: "FLAGGED", source: "webhook" },
        restrictions: { list: [{ type: "RESTRICTED_BIZ_INITIATED_MESSAGING" }] },
        messagingLimit: { tier: "TIER_250" },
      });
      expect(view.hardHoldCode).toBeNull();
      expect(view.templateHoldUntil?.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await seeded.$disconnect();
      await database.dispose();
    }
    // the whole demo seed (users with password hashes, days of traffic) on a busy machine
  }, 300_000);
});
