// The Stalled & alerts page's procedures on real PostgreSQL: alerts (one tenant and every tenant)
// with their lifecycle history, unresolved counts per tenant, number, kind and status, stalled
// messages oldest first with their threshold, and the operator actions (acknowledge, snooze,
// resolve) with a required reason. Each procedure: real behaviour, the denied role, the foreign
// tenant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TRole } from "@/server/domain/access/permissions";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { detectStalled } from "@/server/services/monitoring/detect-stalled";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts } from "../factories/ledger";
import { makeMessage } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";
import { sentMessage } from "./webhook-helpers";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

const MIN = 60_000;
let db: TDb;
let acme: { id: string; slug: string };
let globex: { id: string; slug: string };
let acmeSenders: [string, string];
let globexSender: string;
const users = {} as Record<"support" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin", TUser>;
const msgs = {} as Record<
  "acmeOld" | "acmeNewer" | "acmeFresh" | "acmeRetryDue" | "acmeRetryLater" | "globex",
  string
>;

const retry = (attempt: number, notBefore: number): TEventDraft => ({
  type: "retry_scheduled",
  source: "worker",
  providerTimestamp: null,
  dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
  payload: {},
  attempt,
  notBefore,
  error: null,
});

beforeAll(async () => {
  db = createTestDb();
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  acmeSenders = [
    (await makeSenderNumber(db, testSecretBox, acme.id)).id,
    (await makeSenderNumber(db, testSecretBox, acme.id)).id,
  ];
  globexSender = (await makeSenderNumber(db, testSecretBox, globex.id)).id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.admin = await makeUser(db, "admin");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });

  const now = Date.now();
  // accepted and never heard of again: stalled after 15 minutes (STALL_THRESHOLDS_V1)
  msgs.acmeOld = (await sentMessage(db, acme.id, acmeSenders[0], { at: new Date(now - 90 * MIN) })).messageId;
  msgs.acmeNewer = (
    await sentMessage(db, acme.id, acmeSenders[1], { at: new Date(now - 40 * MIN) })
  ).messageId;
  msgs.acmeFresh = (
    await sentMessage(db, acme.id, acmeSenders[0], { at: new Date(now - 2 * MIN) })
  ).messageId;
  msgs.globex = (await sentMessage(db, globex.id, globexSender, { at: new Date(now - 60 * MIN) })).messageId;
  // retrying: measured from when the retry is due (10 minutes), not from when it was scheduled
  const retrying = (notBefore: number) => [
    { atMs: now - 3 * 60 * MIN, drafts: [drafts.attemptStarted(1)] },
    { atMs: now - 3 * 60 * MIN + 1000, drafts: [retry(2, notBefore)] },
  ];
  msgs.acmeRetryDue = (
    await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeSenders[0], createdAtMs: now - 3 * 60 * MIN },
      retrying(now - 30 * MIN),
    )
  ).id;
  msgs.acmeRetryLater = (
    await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeSenders[0], createdAtMs: now - 3 * 60 * MIN },
      retrying(now + 60 * MIN),
    )
  ).id;
  await detectStalled(db, {
    now: new Date(now),
    cohort: { minStalled: 1000, jump: 0.5, baselineMinutes: 60 },
    limitPerState: 500,
    tenantIds: [acme.id, globex.id],
  });
});
afterAll(async () => {
  await db.$disconnect();
});

function alertOf(tenantId: string, messageId: string) {
  return db.alert.findFirstOrThrow({ where: { tenantId, messageId, kind: "message_stalled" } });
}

describe("alerts.feed", () => {
  it("lists a tenant's alerts newest first with tenant, number and history, filtered and paged", async () => {
    const support = callerFor(db, users.support);
    const feed = await support.alerts.feed({ tenantId: acme.id });
    // one sweep opened them all at the same instant: the id breaks the tie
    expect(new Set(feed.items.map((a) => a.messageId))).toEqual(
      new Set([msgs.acmeRetryDue, msgs.acmeNewer, msgs.acmeOld]),
    );
    expect(feed.items.every((a) => a.tenantSlug === acme.slug && a.status === "open")).toBe(true);
    const old = feed.items.find((a) => a.messageId === msgs.acmeOld)!;
    expect(old).toMatchObject({
      kind: "message_stalled",
      senderNumberId: acmeSenders[0],
      title: "Message stalled in accepted",
      history: [{ kind: "opened", actor: "system" }],
    });
    expect(old.senderDisplayNumber).toMatch(/^\+1555/);

    const bySender = await support.alerts.feed({ tenantId: acme.id, senderNumberId: acmeSenders[1] });
    expect(bySender.items.map((a) => a.messageId)).toEqual([msgs.acmeNewer]);
    expect((await support.alerts.feed({ tenantId: acme.id, kind: "sender_health" })).items).toEqual([]);
    expect((await support.alerts.feed({ tenantId: acme.id, statuses: ["resolved"] })).items).toEqual([]);

    const first = await support.alerts.feed({ tenantId: acme.id, limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await support.alerts.feed({ tenantId: acme.id, limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((a) => a.id)).toEqual(feed.items.map((a) => a.id));

    // a tenant admin reads its own tenant, never another
    expect((await callerFor(db, users.acmeAdmin).alerts.feed({ tenantId: acme.id })).items).toHaveLength(3);
    expect(await codeOf(callerFor(db, users.globexAdmin).alerts.feed({ tenantId: acme.id }))).toBe(
      "FORBIDDEN",
    );
  });

  it("lists every tenant's alerts for cross-tenant roles only", async () => {
    const feed = await callerFor(db, users.engineer).alerts.feed({ scope: "all", limit: 100 });
    const ours = feed.items.filter((a) => a.tenantId === acme.id || a.tenantId === globex.id);
    expect(new Set(ours.map((a) => a.tenantSlug))).toEqual(new Set([acme.slug, globex.slug]));
    expect(ours.map((a) => a.messageId)).toContain(msgs.globex);
    // newest first across tenants
    const opened = feed.items.map((a) => a.openedAt.getTime());
    expect([...opened].sort((a, b) => b - a)).toEqual(opened);
    expect(await codeOf(callerFor(db, users.acmeAdmin).alerts.feed({ scope: "all" }))).toBe("FORBIDDEN");
  });
});

describe("alerts.counts", () => {
  it("counts unresolved alerts per tenant, number, kind and status", async () => {
    const counts = await callerFor(db, users.acmeAdmin).alerts.counts({ tenantId: acme.id });
    expect(
      counts
        .map((c) => [c.senderNumberId, c.kind, c.status, c.count])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual(
      [
        [acmeSenders[0], "message_stalled", "open", 2],
        [acmeSenders[1], "message_stalled", "open", 1],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
    expect(await codeOf(callerFor(db, users.globexAdmin).alerts.counts({ tenantId: acme.id }))).toBe(
      "FORBIDDEN",
    );

    const all = await callerFor(db, users.support).alerts.counts({ scope: "all" });
    expect(all.filter((c) => c.tenantId === globex.id)).toMatchObject([
      {
        tenantSlug: globex.slug,
        senderNumberId: globexSender,
        kind: "message_stalled",
        status: "open",
        count: 1,
      },
    ]);
    expect(await codeOf(callerFor(db, users.acmeAdmin).alerts.counts({ scope: "all" }))).toBe("FORBIDDEN");
  });
});

describe("alerts.stalled", () => {
  it("lists stalled messages oldest first with their state, threshold and open alert", async () => {
    const stalled = await callerFor(db, users.acmeAdmin).alerts.stalled({ tenantId: acme.id });
    // the fresh message has not waited 15 minutes; the retry due in an hour is not late
    expect(stalled.items.map((s) => s.messageId)).toEqual([msgs.acmeRetryDue, msgs.acmeOld, msgs.acmeNewer]);
    const old = stalled.items.find((s) => s.messageId === msgs.acmeOld)!;
    expect(old).toMatchObject({ state: "accepted", thresholdSeconds: 900, alert: { status: "open" } });
    expect(old.stalledAt.getTime()).toBe(old.since.getTime() + 15 * MIN);
    const retrying = stalled.items.find((s) => s.messageId === msgs.acmeRetryDue)!;
    expect(retrying).toMatchObject({ state: "retrying", thresholdSeconds: 600 });
    expect(retrying.stalledAt.getTime()).toBe(retrying.retryDueAt!.getTime() + 10 * MIN);
    expect(stalled.counts.sort((a, b) => a.state.localeCompare(b.state))).toEqual([
      { tenantId: acme.id, state: "accepted", count: 2, isCapped: false },
      { tenantId: acme.id, state: "retrying", count: 1, isCapped: false },
    ]);

    const accepted = await callerFor(db, users.acmeAdmin).alerts.stalled({
      tenantId: acme.id,
      state: "accepted",
      limit: 1,
    });
    expect(accepted.items.map((s) => s.messageId)).toEqual([msgs.acmeOld]);
    const next = await callerFor(db, users.acmeAdmin).alerts.stalled({
      tenantId: acme.id,
      state: "accepted",
      limit: 1,
      cursor: accepted.nextCursor,
    });
    expect(next.items.map((s) => s.messageId)).toEqual([msgs.acmeNewer]);
    expect(next.nextCursor).toBeNull();
    expect(await codeOf(callerFor(db, users.globexAdmin).alerts.stalled({ tenantId: acme.id }))).toBe(
      "FORBIDDEN",
    );
  });

  it("lists every tenant's stalled messages for cross-tenant roles only", async () => {
    const all = await callerFor(db, users.engineer).alerts.stalled({ scope: "all", limit: 100 });
    const ours = all.items.filter((s) => s.tenantId === acme.id || s.tenantId === globex.id);
    expect(ours.map((s) => s.messageId)).toEqual(
      expect.arrayContaining([msgs.acmeOld, msgs.acmeNewer, msgs.acmeRetryDue, msgs.globex]),
    );
    const since = all.items.map((s) => s.since.getTime());
    expect([...since].sort((a, b) => a - b)).toEqual(since);
    expect(await codeOf(callerFor(db, users.globexAdmin).alerts.stalled({ scope: "all" }))).toBe("FORBIDDEN");
  });
});

describe("alerts.act", () => {
  it("acknowledges, snoozes for a chosen duration and resolves, each with a reason the history shows", async () => {
    const alert = await alertOf(acme.id, msgs.acmeNewer);
    const engineer = callerFor(db, users.engineer);
    const target = { tenantId: acme.id, alertId: alert.id };

    const acked = await engineer.alerts.act({
      ...target,
      action: { kind: "acknowledge" },
      reason: "looking at the number",
    });
    expect(acked).toMatchObject({ status: "acknowledged" });
    const before = Date.now();
    const snoozed = await engineer.alerts.act({
      ...target,
      action: { kind: "snooze", minutes: 60 },
      reason: "Meta incident, wait",
    });
    expect(snoozed.status).toBe("snoozed");
    expect(snoozed.snoozedUntil!.getTime()).toBeGreaterThanOrEqual(before + 60 * MIN);
    expect(snoozed.snoozedUntil!.getTime()).toBeLessThan(before + 61 * MIN);
    await engineer.alerts.act({ ...target, action: { kind: "resolve" }, reason: "customer offline, closed" });

    const feed = await callerFor(db, users.support).alerts.feed({
      tenantId: acme.id,
      statuses: ["resolved"],
    });
    const resolved = feed.items.find((a) => a.id === alert.id)!;
    expect(resolved).toMatchObject({
      status: "resolved",
      resolvedBy: `user:${users.engineer.email}`,
      resolution: "customer offline, closed",
    });
    expect(resolved.history.map((h) => [h.kind, h.actor, h.reason])).toEqual([
      ["opened", "system", null],
      ["acknowledged", `user:${users.engineer.email}`, "looking at the number"],
      ["snoozed", `user:${users.engineer.email}`, "Meta incident, wait"],
      ["resolved", `user:${users.engineer.email}`, "customer offline, closed"],
    ]);
    expect(resolved.history[2]!.until!.getTime()).toBe(snoozed.snoozedUntil!.getTime());
    // acting on a resolved alert is a conflict
    expect(
      await codeOf(engineer.alerts.act({ ...target, action: { kind: "acknowledge" }, reason: "again" })),
    ).toBe("CONFLICT");
  });

  it("refuses roles without operations.act, another tenant's alert, and a missing reason", async () => {
    const alert = await alertOf(acme.id, msgs.acmeOld);
    const input = {
      tenantId: acme.id,
      alertId: alert.id,
      action: { kind: "acknowledge" as const },
      reason: "on it",
    };
    for (const user of [users.support, users.admin, users.acmeAdmin]) {
      expect(await codeOf(callerFor(db, user).alerts.act(input))).toBe("FORBIDDEN");
    }
    const engineer = callerFor(db, users.engineer);
    // the alert exists, but not in globex
    expect(await codeOf(engineer.alerts.act({ ...input, tenantId: globex.id }))).toBe("NOT_FOUND");
    expect(await codeOf(engineer.alerts.act({ ...input, reason: " " }))).toBe("BAD_REQUEST");
    expect(await codeOf(engineer.alerts.act({ ...input, action: { kind: "snooze" } as never }))).toBe(
      "BAD_REQUEST",
    );
    expect((await alertOf(acme.id, msgs.acmeOld)).status).toBe("open");
    expect(
      await db.auditEvent.count({ where: { targetId: alert.id, action: { startsWith: "alert." } } }),
    ).toBe(0);
  });
});
