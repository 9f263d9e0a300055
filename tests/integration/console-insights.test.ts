// Number health and heatmaps through the tRPC procedures on real PostgreSQL: the figures (totals,
// rates, failures by code with hints, time to delivered, stalled and open alerts, quality/limit
// history, templates), the heatmaps' cells and markers, a cell's drill-down finding exactly its
// messages, the same answers before and after the fold, and for every procedure the signed-out
// caller, the denied role and the foreign tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { foldRollupDeltas } from "@/server/services/insights/fold-rollups";
import { alertKeys, raiseAlert } from "@/server/services/monitoring/alerts";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { INSIGHT_ERRORS, insightStories } from "../factories/insights";
import { makeMessage, stories } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

let db: TDb;
let acme: { id: string; slug: string };
let globex: { id: string; slug: string };
let support: { id: string; displayNumber: string };
let promo: { id: string; displayNumber: string };
let globexSender: string;
const users = {} as Record<"support" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin", TUser>;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
// a day in the past, on a half-hour boundary: the 24 h window's columns are half hours
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const UNTIL = new Date(T0 + 20 * H);
let stalledMessageId: string;

beforeAll(async () => {
  db = createTestDb();
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  support = await makeSenderNumber(db, testSecretBox, acme.id, { label: "Support" });
  promo = await makeSenderNumber(db, testSecretBox, acme.id, { label: "Promotions" });
  globexSender = (await makeSenderNumber(db, testSecretBox, globex.id)).id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.admin = await makeUser(db, "admin");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });

  const at = (ms: number, sender: string, templateName: string | null) => ({
    tenantId: acme.id,
    senderNumberId: sender,
    templateName,
    createdAtMs: T0 + ms,
  });
  // Support: two read (latency 4.1 s each), one delivered after a retry, one 131026, one 131047
  await makeMessage(db, at(0, support.id, "order_update"), stories.read(T0));
  await makeMessage(db, at(10 * MIN, support.id, "order_update"), stories.read(T0 + 10 * MIN));
  await makeMessage(db, at(2 * H, support.id, "login_code"), stories.retriedThenDelivered(T0 + 2 * H));
  await makeMessage(db, at(H, support.id, "order_update"), stories.failed131026(T0 + H));
  await makeMessage(
    db,
    at(H + 5 * MIN, support.id, null),
    insightStories.refused(T0 + H + 5 * MIN, INSIGHT_ERRORS.reengagement),
  );
  // Promotions: 131049 twice in the same half hour, one delivered, one never heard of again
  await makeMessage(
    db,
    at(3 * H, promo.id, "spring_sale"),
    insightStories.failedWith(T0 + 3 * H, INSIGHT_ERRORS.marketingCap),
  );
  await makeMessage(
    db,
    at(3 * H + 7 * MIN, promo.id, "spring_sale"),
    insightStories.failedWith(T0 + 3 * H + 7 * MIN, INSIGHT_ERRORS.marketingCap),
  );
  await makeMessage(
    db,
    at(3 * H + 9 * MIN, promo.id, "spring_sale"),
    insightStories.deliveredAfter(T0 + 3 * H + 9 * MIN, 60 * S),
  );
  stalledMessageId = (
    await makeMessage(db, at(4 * H, promo.id, "spring_sale"), insightStories.acceptedOnly(T0 + 4 * H))
  ).id;
  // outside the window (two days earlier): never counted
  await makeMessage(
    db,
    at(-48 * H, promo.id, "spring_sale"),
    insightStories.failedWith(T0 - 48 * H, INSIGHT_ERRORS.marketingCap),
  );
  // Globex: one 131026 in the same hour as Acme's
  await makeMessage(
    db,
    { tenantId: globex.id, senderNumberId: globexSender, templateName: "outage_alert", createdAtMs: T0 + H },
    stories.failed131026(T0 + H),
  );

  // Meta lowered Promotions' limit and flagged it; the number shows Medium quality now
  const healthEvent = (field: string, event: string, atMs: number, value: object, applied: object) =>
    db.senderHealthEvent.create({
      data: {
        tenantId: acme.id,
        id: crypto.randomUUID(),
        senderNumberId: promo.id,
        wabaId: "waba-1",
        source: "webhook",
        field,
        event,
        providerTimestamp: new Date(atMs),
        value: { event, ...value },
        applied,
        dedupeKey: crypto.randomUUID(),
        rawWebhookId: crypto.randomUUID(),
        recordedAt: new Date(atMs + 2 * S),
      },
    });
  await healthEvent(
    "phone_number_quality_update",
    "DOWNGRADE",
    T0 + 2 * H + 30 * MIN,
    { current_limit: "TIER_250", old_limit: "TIER_1K" },
    { messagingLimitTier: { from: "TIER_1K", to: "TIER_250" } },
  );
  await healthEvent(
    "phone_number_quality_update",
    "FLAGGED",
    T0 - 24 * H,
    { current_limit: "TIER_1K" },
    { qualityRating: { from: "GREEN", to: "RED" } },
  );
  await db.senderNumber.update({
    where: { tenantId_id: { tenantId: acme.id, id: promo.id } },
    data: { qualityRating: "YELLOW", messagingLimitTier: "TIER_250" },
  });
  await db.$transaction(async (tx) => {
    await raiseAlert(
      tx,
      {
        tenantId: acme.id,
        senderNumberId: promo.id,
        kind: "message_stalled",
        dedupeKey: alertKeys.messageStalled(stalledMessageId, null),
        severity: "warning",
        title: "Message stalled at accepted",
        details: {},
        messageId: stalledMessageId,
        isNewOccurrence: true,
      },
      new Date(T0 + 5 * H),
    );
    await raiseAlert(
      tx,
      {
        tenantId: acme.id,
        senderNumberId: promo.id,
        kind: "sender_health",
        dedupeKey: alertKeys.senderHealth(promo.id),
        severity: "warning",
        title: "Sender number flagged for low quality",
        details: {},
        isNewOccurrence: true,
      },
      new Date(T0 + 5 * H),
    );
  });
  await db.messageTemplate.create({
    data: {
      tenantId: acme.id,
      wabaId: "waba-1",
      templateId: "9001",
      name: "spring_sale",
      language: "en_US",
      category: "MARKETING",
      status: "PAUSED",
      qualityScore: "RED",
    },
  });
  await db.messageTemplate.create({
    data: {
      tenantId: acme.id,
      wabaId: "waba-1",
      templateId: "9002",
      name: "order_update",
      language: "en_US",
      category: "UTILITY",
      status: "APPROVED",
    },
  });
});
afterAll(async () => {
  await db.$disconnect();
});

const window = { window: "24h" as const, until: UNTIL };

describe("insights.senderHealth", () => {
  it("answers each number's outcomes, failures with hints, latency, alerts and history", async () => {
    const health = await callerFor(db, users.acmeAdmin).insights.senderHealth({
      tenantId: acme.id,
      ...window,
    });
    expect(health.window).toMatchObject({
      key: "24h",
      bucketMinutes: 30,
      to: new Date(T0 + 20 * H + 30 * MIN),
    });
    expect(health.totals).toMatchObject({ messages: 9, delivered: 4, failed: 4, inFlight: 1 });
    const [first, second] = health.senders;
    const s = first!.id === support.id ? first! : second!;
    const p = first!.id === promo.id ? first! : second!;
    expect(s.totals).toEqual({
      messages: 5,
      delivered: 3,
      failed: 2,
      inFlight: 0,
      cancelled: 0,
      deliveryRate: 0.6,
      failureRate: 0.4,
    });
    expect(s.failuresByCode.map((f) => [f.code, f.messages, f.byState])).toEqual([
      ["131026", 1, { failed: 1, dead_lettered: 0, rejected: 0 }],
      ["131047", 1, { failed: 0, dead_lettered: 1, rejected: 0 }],
    ]);
    expect(s.failuresByCode[0]!.hint).toMatch(/WhatsApp user/);
    expect(s.failuresByCode[1]!.hint).toMatch(/24 hours/);
    // read x2 at 4.1 s (2-5 s bucket), the retried one 5 s after its second acceptance (5-10 s):
    // the median interpolates 1.5 of 2 into the 2-5 s bucket
    expect(s.latency).toMatchObject({ counted: 3, medianMs: 4_250 });
    expect(s.latency.histogram.filter((b) => b.messages > 0).map((b) => [b.label, b.messages])).toEqual([
      ["2–5 s", 2],
      ["5–10 s", 1],
    ]);
    expect(s.series).toHaveLength(48);
    expect(s.series.reduce((sum, point) => sum + point.messages, 0)).toBe(5);

    expect(p).toMatchObject({
      qualityRating: "YELLOW",
      messagingLimitTier: "TIER_250",
      stalled: 1,
      openAlerts: 2,
    });
    expect(p.totals).toMatchObject({ messages: 4, delivered: 1, failed: 2, inFlight: 1 });
    expect(p.failuresByCode[0]).toMatchObject({ code: "131049", messages: 2 });
    expect(p.failuresByCode[0]!.hint).toMatch(/marketing/i);
    expect(p.latency).toMatchObject({ counted: 1 });
    expect(p.alerts.map((a) => a.kind)).toEqual(["sender_health"]);
    expect(p.changes.map((c) => c.summary)).toEqual([
      "Messaging limit lowered: 1K → 250 per 24 h",
      "Quality dropped to Low: Meta flagged the number",
    ]);
    expect(p.tierSteps.map((step) => step.tier)).toEqual(["TIER_1K", "TIER_250"]);

    expect(health.templates.map((t) => [t.name, t.status, t.messages, t.failed])).toEqual([
      ["spring_sale", "PAUSED", 4, 2],
      ["order_update", "APPROVED", 3, 1],
      ["login_code", null, 1, 0],
    ]);
  });

  it("answers the same before and after the fold (pending deltas are read too)", async () => {
    const caller = callerFor(db, users.support);
    const before = await caller.insights.senderHealth({ tenantId: acme.id, ...window });
    expect(before.pendingChanges).toBeGreaterThan(0);
    while ((await foldRollupDeltas(db, { batchSize: 10_000 })).hasMore);
    const after = await caller.insights.senderHealth({ tenantId: acme.id, ...window });
    expect(after.pendingChanges).toBe(0);
    expect({ ...after, generatedAt: null, pendingChanges: null }).toEqual({
      ...before,
      generatedAt: null,
      pendingChanges: null,
    });
  });

  it("30 days read the daily grain and count the same", async () => {
    const month = await callerFor(db, users.engineer).insights.senderHealth({
      tenantId: acme.id,
      window: "30d",
      until: UNTIL,
    });
    expect(month.window.bucketMinutes).toBe(1440);
    expect(month.totals.messages).toBe(10); // and the one two days earlier
  });

  it("refuses the signed-out caller, the foreign tenant admin, an unknown tenant and a bad window", async () => {
    expect(await codeOf(callerFor(db, null).insights.senderHealth({ tenantId: acme.id }))).toBe(
      "UNAUTHORIZED",
    );
    expect(
      await codeOf(callerFor(db, users.globexAdmin).insights.senderHealth({ tenantId: acme.id, ...window })),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(
        callerFor(db, users.engineer).insights.senderHealth({ tenantId: crypto.randomUUID(), ...window }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        callerFor(db, users.acmeAdmin).insights.senderHealth({
          tenantId: acme.id,
          // @ts-expect-error an unknown window is refused at the boundary
          window: "1y",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});

describe("insights.tenantHeatmap", () => {
  it("places failures by number, error code and template, with markers; a cell drills down to exactly its messages", async () => {
    const caller = callerFor(db, users.acmeAdmin);
    const map = await caller.insights.tenantHeatmap({ tenantId: acme.id, ...window });
    expect(map.columns).toHaveLength(48);
    const columnOf = (ms: number) => map.columns.findIndex((c) => c.getTime() === ms);
    expect(map.bySender.map((r) => [r.label, r.failures, r.messages])).toEqual(
      [
        [support.displayNumber, 2, 5],
        [promo.displayNumber, 2, 4],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const code = map.byErrorCode.find((r) => r.key === "131049")!;
    expect(code).toMatchObject({ label: "131049", failures: 2 });
    expect(code.hint).toMatch(/marketing/i);
    const cell = code.cells.find((c) => c.failures > 0)!;
    expect(cell).toMatchObject({
      column: columnOf(T0 + 3 * H),
      failures: 2,
      messages: 3,
      byState: { failed: 2, dead_lettered: 0, rejected: 0 },
    });
    expect(map.byErrorCode.map((r) => r.key)).toEqual(["131049", "131026", "131047"]);
    expect(map.byTemplate.rows[0]).toMatchObject({ key: "spring_sale", failures: 2, messages: 4 });
    expect(map.markers.map((m) => [m.summary, m.displayNumber])).toEqual([
      ["Messaging limit lowered: 1K → 250 per 24 h", promo.displayNumber],
    ]);

    // the drill-down: the message search with the cell's range, code and state finds its messages
    const from = map.columns[cell.column]!;
    const found = await caller.messages.search({
      tenantId: acme.id,
      errorCode: "131049",
      state: "failed",
      createdFrom: from,
      createdTo: new Date(from.getTime() + map.window.bucketMinutes * MIN),
    });
    expect(found.items).toHaveLength(cell.byState.failed);
    const bySender = map.bySender.find((r) => r.key === support.id)!;
    const senderCell = bySender.cells.find((c) => c.column === columnOf(T0 + H))!;
    expect(senderCell.byState).toEqual({ failed: 1, dead_lettered: 1, rejected: 0 });
    for (const state of ["failed", "dead_lettered"] as const) {
      const start = map.columns[senderCell.column]!;
      const page = await caller.messages.search({
        tenantId: acme.id,
        senderNumberId: support.id,
        state,
        createdFrom: start,
        createdTo: new Date(start.getTime() + 30 * MIN),
      });
      expect(page.items).toHaveLength(senderCell.byState[state]);
    }
  });

  it("refuses the signed-out caller and the foreign tenant admin", async () => {
    expect(await codeOf(callerFor(db, null).insights.tenantHeatmap({ tenantId: acme.id }))).toBe(
      "UNAUTHORIZED",
    );
    expect(
      await codeOf(callerFor(db, users.globexAdmin).insights.tenantHeatmap({ tenantId: acme.id, ...window })),
    ).toBe("FORBIDDEN");
    // its own tenant is fine, and shows none of Acme's numbers
    const own = await callerFor(db, users.globexAdmin).insights.tenantHeatmap({
      tenantId: globex.id,
      ...window,
    });
    expect(own.bySender.map((r) => r.key)).toEqual([globexSender]);
  });
});

describe("insights.crossTenantHeatmap", () => {
  it("shows tenants x time with the commonest code and how many numbers fail, for engineers and admins", async () => {
    for (const user of [users.engineer, users.admin]) {
      const map = await callerFor(db, user).insights.crossTenantHeatmap(window);
      const acmeRow = map.rows.find((r) => r.tenantId === acme.id)!;
      const globexRow = map.rows.find((r) => r.tenantId === globex.id)!;
      expect(acmeRow).toMatchObject({ slug: acme.slug, failures: 4, messages: 9 });
      expect(globexRow).toMatchObject({ failures: 1, messages: 1 });
      const hour = map.columns.findIndex((c) => c.getTime() === T0 + H);
      expect(acmeRow.cells.find((c) => c.column === hour)).toMatchObject({
        failures: 2,
        sendersFailing: 1,
        byState: { failed: 1, dead_lettered: 1, rejected: 0 },
      });
      expect(globexRow.cells.find((c) => c.column === hour)).toMatchObject({
        failures: 1,
        topErrorCode: "131026",
        topErrorFailures: 1,
      });
      const spike = acmeRow.cells.find((c) => c.column === hour + 4)!;
      expect(spike).toMatchObject({ topErrorCode: "131049", topErrorFailures: 2 });
      expect(map.markers.filter((m) => m.tenantId === acme.id).map((m) => m.displayNumber)).toEqual([
        promo.displayNumber,
      ]);
    }
  });

  it("refuses support agents and tenant admins (operations.read) and the signed-out caller", async () => {
    expect(await codeOf(callerFor(db, users.support).insights.crossTenantHeatmap(window))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, users.acmeAdmin).insights.crossTenantHeatmap(window))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(callerFor(db, null).insights.crossTenantHeatmap(window))).toBe("UNAUTHORIZED");
  });
});

describe("insights.tenantsOverview", () => {
  it("puts every tenant side by side for cross-tenant roles", async () => {
    const overview = await callerFor(db, users.support).insights.tenantsOverview({ scope: "all", ...window });
    const row = overview.tenants.find((t) => t.tenantId === acme.id)!;
    expect(row.totals).toMatchObject({ messages: 9, delivered: 4, failed: 4 });
    expect(row.topFailure).toMatchObject({ code: "131049", messages: 2 });
    expect(row).toMatchObject({ senders: 2, sendersAtRisk: 1, openAlerts: 2, stalled: 1 });
    expect(overview.tenants.find((t) => t.tenantId === globex.id)!.totals.failed).toBe(1);
  });

  it("gives a tenant admin its own tenant only, and refuses it every tenant and the signed-out caller", async () => {
    const own = await callerFor(db, users.acmeAdmin).insights.tenantsOverview({
      tenantId: acme.id,
      ...window,
    });
    expect(own.tenants.map((t) => t.tenantId)).toEqual([acme.id]);
    expect(
      await codeOf(
        callerFor(db, users.acmeAdmin).insights.tenantsOverview({ tenantId: globex.id, ...window }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(callerFor(db, users.acmeAdmin).insights.tenantsOverview({ scope: "all", ...window })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, null).insights.tenantsOverview({ scope: "all", ...window }))).toBe(
      "UNAUTHORIZED",
    );
  });
});
