// Dead letters on real PostgreSQL: the dead_letter projection kept by the ledger service, the list
// (filters, keyset pages, tenant walls), dry runs and their WhatsApp-aware warnings, bulk retries
// and discards (at or below the threshold at once, above it a second engineer's approval, a
// rejection, an idempotent re-run, "acknowledged" only after the provider accepts the new
// attempt), single discards, cancel on the timeline (queued yes, accepted no, queue row removed).
// Every procedure: the allowed path, the denied roles and the foreign tenant.
import crypto from "node:crypto";
import type PgBoss from "pg-boss";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createInnerContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import type { TRole } from "@/server/domain/access/permissions";
import { requestBulkAction, prepareBulkAction } from "@/server/services/dead-letters/bulk-actions";
import { appendEvents } from "@/server/services/ledger/append-events";
import { loadChain } from "@/server/services/ledger/read-ledger";
import { enqueueSend } from "@/server/services/sending/send-queue";
import { handleRunBulkAction } from "@/server/worker/handlers/run-bulk-action";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts } from "../factories/ledger";
import { DEAD_LETTER_ERRORS, makeMessage, stories, wamidFor } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

const THRESHOLD = 3;
const ACME_WABA = String(crypto.randomInt(1_000_000_000, 9_999_999_999));
const H = 3_600_000;
let db: TDb;
let acme: { id: string; name: string };
let globex: { id: string; name: string };
let acmeHealthy: string;
let acmeOther: string;
let globexSender: string;
const users = {} as Record<
  "support" | "engineer" | "engineer2" | "admin" | "acmeAdmin" | "globexAdmin",
  TUser
>;
const jobs: { name: string; data: unknown }[] = [];
const fakeQueue = {
  send: (name: string, data: unknown) => {
    jobs.push({ name, data });
    return Promise.resolve(crypto.randomUUID());
  },
} as unknown as PgBoss;

/** A caller whose queue records jobs and whose approval threshold is 3. */
function as(user: TSessionUser) {
  return createCaller(
    createInnerContext({
      db,
      secretBox: testSecretBox,
      queue: () => Promise.resolve(fakeQueue),
      sessionUser: user,
      ip: "127.0.0.1",
      bulkApprovalThreshold: THRESHOLD,
    }),
  );
}

async function messageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "";
  } catch (error) {
    if (error instanceof TRPCError) return error.message;
    throw error;
  }
}

const PERMANENT = "permanent error 131026 (Message undeliverable): not retried automatically";
const EXHAUSTED = "retry budget spent: 8 of 8 attempts failed (last: 131000 Something went wrong)";

async function deadLettered(input: {
  tenantId: string;
  senderNumberId: string;
  error: TLedgerError;
  reason: string;
  agoMs: number;
  templateName?: string | null;
  templateCategory?: string;
}) {
  const t0 = Date.now() - input.agoMs;
  return makeMessage(
    db,
    {
      tenantId: input.tenantId,
      senderNumberId: input.senderNumberId,
      templateName: input.templateName,
      templateCategory: input.templateCategory,
      createdAtMs: t0,
    },
    stories.deadLettered(t0, input.error, input.reason),
  );
}

const dl = {} as Record<
  "undeliverable" | "exhausted" | "exhausted2" | "text" | "capped" | "paused" | "pausedTemplate" | "globex",
  { id: string }
>;

beforeAll(async () => {
  db = createTestDb();
  acme = await makeTenant(db, { name: "Acme DL" });
  globex = await makeTenant(db, { name: "Globex DL" });
  acmeHealthy = (await makeSenderNumber(db, testSecretBox, acme.id, { wabaId: ACME_WABA })).id;
  acmeOther = (await makeSenderNumber(db, testSecretBox, acme.id)).id;
  globexSender = (await makeSenderNumber(db, testSecretBox, globex.id)).id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.engineer2 = await makeUser(db, "engineer");
  users.admin = await makeUser(db, "admin");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });

  const base = { tenantId: acme.id, senderNumberId: acmeHealthy };
  dl.undeliverable = await deadLettered({
    ...base,
    error: DEAD_LETTER_ERRORS.undeliverable,
    reason: PERMANENT,
    agoMs: 3 * H,
  });
  dl.exhausted = await deadLettered({
    ...base,
    error: DEAD_LETTER_ERRORS.generic,
    reason: EXHAUSTED,
    agoMs: 2 * H,
  });
  dl.exhausted2 = await deadLettered({
    ...base,
    error: DEAD_LETTER_ERRORS.generic,
    reason: EXHAUSTED,
    agoMs: 1.5 * H,
  });
  dl.text = await deadLettered({
    ...base,
    templateName: null,
    error: DEAD_LETTER_ERRORS.unavailable,
    reason: "retry window spent: attempt 9 would start more than 24 h after the request (last: 131016)",
    agoMs: 30 * H,
  });
  dl.capped = await deadLettered({
    ...base,
    templateName: "spring_offer",
    templateCategory: "MARKETING",
    error: DEAD_LETTER_ERRORS.marketingCap,
    reason: "permanent error 131049: not retried automatically",
    agoMs: 0.5 * H,
  });
  dl.pausedTemplate = await deadLettered({
    ...base,
    templateName: "paused_promo",
    error: DEAD_LETTER_ERRORS.generic,
    reason: EXHAUSTED,
    agoMs: 0.25 * H,
  });
  dl.paused = await deadLettered({
    tenantId: acme.id,
    senderNumberId: acmeOther,
    error: DEAD_LETTER_ERRORS.generic,
    reason: EXHAUSTED,
    agoMs: 0.2 * H,
  });
  dl.globex = await deadLettered({
    tenantId: globex.id,
    senderNumberId: globexSender,
    error: DEAD_LETTER_ERRORS.undeliverable,
    reason: PERMANENT,
    agoMs: 4 * H,
  });
  // Meta paused a template; a number is paused by an engineer
  await db.messageTemplate.create({
    data: {
      tenantId: acme.id,
      wabaId: ACME_WABA,
      templateId: "tpl-1",
      name: "paused_promo",
      language: "en_US",
      status: "PAUSED",
      lastEventAt: new Date(),
    },
  });
  await db.senderDispatch.create({
    data: {
      tenantId: acme.id,
      senderNumberId: acmeOther,
      pausedAt: new Date(),
      pausedBy: "user:ops",
      pausedReason: "maintenance",
    },
  });
});

afterAll(async () => {
  await db.$disconnect();
});

describe("the dead_letter projection", () => {
  it("has a row per dead-lettered message, derived from its ledger in the same transaction", async () => {
    const row = await db.deadLetter.findUnique({
      where: { tenantId_messageId: { tenantId: acme.id, messageId: dl.undeliverable.id } },
    });
    expect(row).toMatchObject({
      status: "open",
      reason: PERMANENT,
      reasonClass: "permanent",
      errorCode: "131026",
      deadLetterAttempt: 1,
      episodes: 1,
      senderNumberId: acmeHealthy,
      templateName: "order_update",
    });
    // a message never dead-lettered has none
    const read = await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeHealthy },
      stories.read(Date.now() - H),
    );
    expect(
      await db.deadLetter.findUnique({
        where: { tenantId_messageId: { tenantId: acme.id, messageId: read.id } },
      }),
    ).toBeNull();
  });
});

describe("deadLetters.list", () => {
  it("lists open dead letters newest first with reason, error, tenant, sender, template, age and attempts", async () => {
    const page = await callerFor(db, users.support).deadLetters.list({ tenantId: acme.id });
    expect(page.items.map((i) => i.messageId)).toEqual([
      dl.paused.id,
      dl.pausedTemplate.id,
      dl.capped.id,
      dl.exhausted2.id,
      dl.exhausted.id,
      dl.undeliverable.id,
      dl.text.id,
    ]);
    const item = page.items.find((i) => i.messageId === dl.undeliverable.id)!;
    expect(item).toMatchObject({
      tenantName: "Acme DL",
      reason: PERMANENT,
      errorCode: "131026",
      errorTitle: "Message undeliverable",
      reasonClass: "permanent",
      templateName: "order_update",
      senderNumberId: acmeHealthy,
      messageState: "dead_lettered",
      attemptCount: 1,
      status: "open",
    });
    expect(item.recipientMasked).toMatch(/•••/);
    expect(Date.now() - item.deadLetteredAt.getTime()).toBeGreaterThan(2.9 * H);
  });

  it("filters by sender, error code, reason class, template and age", async () => {
    const list = (filters: Record<string, unknown>) =>
      callerFor(db, users.engineer)
        .deadLetters.list({ tenantId: acme.id, ...filters })
        .then((p) => p.items.map((i) => i.messageId).sort());
    expect(await list({ senderNumberId: acmeOther })).toEqual([dl.paused.id]);
    expect(await list({ errorCode: "131026" })).toEqual([dl.undeliverable.id]);
    expect(await list({ reasonClass: "permanent" })).toEqual([dl.undeliverable.id, dl.capped.id].sort());
    expect(await list({ templateName: "spring_offer" })).toEqual([dl.capped.id]);
    expect(await list({ age: "gt24h" })).toEqual([dl.text.id]);
    expect(await list({ age: "lt1h" })).toEqual([dl.paused.id, dl.pausedTemplate.id, dl.capped.id].sort());
    expect((await list({ age: "1h-24h" })).length).toBe(3);
  });

  it("pages with a keyset cursor, and the all-tenants list merges the tenants a role sees", async () => {
    const caller = callerFor(db, users.engineer);
    const first = await caller.deadLetters.list({ tenantId: acme.id, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.deadLetters.list({ tenantId: acme.id, limit: 3, cursor: first.nextCursor });
    const third = await caller.deadLetters.list({ tenantId: acme.id, limit: 3, cursor: second.nextCursor });
    expect(third.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items, ...third.items].map((i) => i.messageId);
    expect(new Set(ids).size).toBe(7);

    const all = await callerFor(db, users.support).deadLetters.list({ scope: "all", errorCode: "131026" });
    expect(all.items.map((i) => i.messageId)).toEqual(
      expect.arrayContaining([dl.undeliverable.id, dl.globex.id]),
    );
    expect(all.items.find((i) => i.messageId === dl.globex.id)?.tenantName).toBe("Globex DL");
  });

  it("tenant walls: a tenant admin sees its own tenant only; the foreign tenant is FORBIDDEN", async () => {
    const own = await callerFor(db, users.acmeAdmin).deadLetters.list({ tenantId: acme.id });
    expect(own.items.length).toBe(7);
    expect(await codeOf(callerFor(db, users.globexAdmin).deadLetters.list({ tenantId: acme.id }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(callerFor(db, users.acmeAdmin).deadLetters.list({ scope: "all" }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, null).deadLetters.list({ tenantId: acme.id }))).toBe("UNAUTHORIZED");
    expect(
      await codeOf(callerFor(db, users.engineer).deadLetters.list({ tenantId: crypto.randomUUID() })),
    ).toBe("NOT_FOUND");
  });
});

describe("deadLetters.prepareBulk (the dry run)", () => {
  it("counts, tenants affected and WhatsApp-aware warnings, grouped", async () => {
    const selection = [dl.undeliverable, dl.exhausted, dl.text, dl.capped, dl.pausedTemplate, dl.paused].map(
      (m) => ({ tenantId: acme.id, messageId: m.id }),
    );
    const result = await as(users.engineer).deadLetters.prepareBulk({
      kind: "retry",
      selection: { kind: "ids", items: [...selection, { tenantId: globex.id, messageId: dl.globex.id }] },
    });
    const a = result.assessment;
    expect(a).toMatchObject({ selected: 7, actionable: 7, skipped: 0, likelyToFail: 5 });
    expect(a.tenants).toEqual([
      { tenantId: acme.id, tenantName: "Acme DL", count: 6 },
      { tenantId: globex.id, tenantName: "Globex DL", count: 1 },
    ]);
    const byKey = new Map(a.warnings.map((w) => [w.key, w]));
    expect(byKey.get("permanent_error:131026")).toMatchObject({ count: 2, severity: "will_fail" });
    expect(
      byKey
        .get("permanent_error:131026")
        ?.tenants.map((t) => t.tenantName)
        .sort(),
    ).toEqual(["Acme DL", "Globex DL"]);
    expect(byKey.get("window_closed")).toMatchObject({ count: 1, severity: "will_fail" });
    expect(byKey.get("recipient_capped:131049")).toMatchObject({ count: 1, severity: "will_fail" });
    expect(byKey.get("template_unavailable:PAUSED")).toMatchObject({ count: 1 });
    expect(byKey.get("sender_unavailable:paused")).toMatchObject({ count: 1, severity: "delayed" });
    expect(result).toMatchObject({ threshold: THRESHOLD, needsApproval: true });
    expect(result.bulkActionId).not.toBeNull();
    // nothing was sent: still open, no queue rows
    expect(await db.sendQueueItem.count({ where: { tenantId: acme.id, messageId: dl.exhausted.id } })).toBe(
      0,
    );
  });

  it("freezes a filter into ids; skips what is not an open dead letter", async () => {
    const byFilter = await as(users.engineer).deadLetters.prepareBulk({
      kind: "retry",
      tenantId: acme.id,
      selection: { kind: "filter", filters: { status: "open", reasonClass: "permanent" } },
    });
    expect(byFilter.frozenFromFilter).toBe(2);
    expect(byFilter.assessment.tenants).toEqual([{ tenantId: acme.id, tenantName: "Acme DL", count: 2 }]);
    const read = await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeHealthy },
      stories.read(Date.now() - H),
    );
    const mixed = await as(users.engineer).deadLetters.prepareBulk({
      kind: "retry",
      tenantId: acme.id,
      selection: {
        kind: "ids",
        items: [
          { tenantId: acme.id, messageId: read.id },
          { tenantId: acme.id, messageId: crypto.randomUUID() },
        ],
      },
    });
    expect(mixed.bulkActionId).toBeNull();
    expect(mixed.assessment.skips.map((s) => s.reason).sort()).toEqual(["not_dead_lettered", "not_found"]);
  });

  it("denied roles and foreign tenants", async () => {
    const input = {
      kind: "retry" as const,
      tenantId: acme.id,
      selection: { kind: "ids" as const, items: [{ tenantId: acme.id, messageId: dl.exhausted.id }] },
    };
    for (const user of [users.support, users.admin, users.acmeAdmin, users.globexAdmin]) {
      expect(await codeOf(as(user).deadLetters.prepareBulk(input)), user.role).toBe("FORBIDDEN");
      expect(
        await codeOf(
          as(user).deadLetters.requestBulk({ bulkActionId: crypto.randomUUID(), reason: "why not" }),
        ),
        user.role,
      ).toBe("FORBIDDEN");
    }
    expect(
      await codeOf(
        as(users.engineer).deadLetters.requestBulk({ bulkActionId: crypto.randomUUID(), reason: "x y z" }),
      ),
    ).toBe("NOT_FOUND");
    // a tenant page cannot reach another tenant's message
    expect(
      await codeOf(
        as(users.engineer).deadLetters.prepareBulk({
          ...input,
          selection: { kind: "ids", items: [{ tenantId: globex.id, messageId: dl.globex.id }] },
        }),
      ),
    ).toBe("FORBIDDEN");
    expect(
      await codeOf(as(users.engineer).deadLetters.prepareBulk({ ...input, tenantId: crypto.randomUUID() })),
    ).toBe("NOT_FOUND");
  });
});

describe("bulk retry", () => {
  it("at or below the threshold runs at once through the worker's job; acknowledged only after the provider accepts", async () => {
    const engineer = as(users.engineer);
    const prepared = await engineer.deadLetters.prepareBulk({
      kind: "retry",
      tenantId: acme.id,
      selection: {
        kind: "ids",
        items: [dl.exhausted, dl.undeliverable].map((m) => ({ tenantId: acme.id, messageId: m.id })),
      },
    });
    const bulkActionId = prepared.bulkActionId!;
    jobs.length = 0;
    const requested = await engineer.deadLetters.requestBulk({
      bulkActionId,
      reason: "INC-77 provider outage over",
    });
    expect(requested).toMatchObject({
      status: "approved",
      actionCount: 2,
      needsApproval: false,
      isStarted: true,
    });
    expect(jobs).toEqual([{ name: "dead-letters.run-bulk", data: { bulkActionId } }]);

    const run = await handleRunBulkAction({ db }, { bulkActionId });
    expect(run).toMatchObject({ status: "done", processed: 2, retried: 2 });
    // the ledger: who, why, and the attempt it scheduled; the message is queued again
    const chain = await loadChain(db, acme.id, dl.exhausted.id);
    const manual = chain.find((e) => e.type === "manual_action");
    expect(manual).toMatchObject({ action: "retry", actor: `user:${users.engineer.email}` });
    expect(manual && "reason" in manual ? manual.reason : "").toContain("INC-77 provider outage over");
    expect(chain.find((e) => e.type === "retry_scheduled")).toMatchObject({ attempt: 2, source: "operator" });
    expect(await db.sendQueueItem.count({ where: { tenantId: acme.id, messageId: dl.exhausted.id } })).toBe(
      1,
    );

    let [op] = (await engineer.deadLetters.listBulk({ tenantId: acme.id })).items.filter(
      (i) => i.id === bulkActionId,
    );
    expect(op).toMatchObject({
      status: "done",
      requestedBy: `user:${users.engineer.email}`,
      decidedBy: null,
    });
    expect(op?.progress).toMatchObject({ total: 2, retried: 2, awaitingAcknowledgement: 2, acknowledged: 0 });
    const listed = await engineer.deadLetters.list({ tenantId: acme.id, status: "retry_pending" });
    expect(listed.items.map((i) => i.messageId).sort()).toEqual(
      [dl.exhausted.id, dl.undeliverable.id].sort(),
    );

    // the provider acknowledges attempt 2 of one; the other fails again
    await db.$transaction((tx) =>
      appendEvents(
        tx,
        acme.id,
        dl.exhausted.id,
        [drafts.attemptStarted(2), drafts.accepted(2, wamidFor("retry-ack"))],
        { now: new Date() },
      ),
    );
    await db.$transaction((tx) =>
      appendEvents(
        tx,
        acme.id,
        dl.undeliverable.id,
        [
          drafts.attemptStarted(2),
          {
            type: "dead_lettered",
            source: "worker",
            providerTimestamp: null,
            dedupeKey: dedupeKey.deadLettered(2),
            payload: {},
            attempt: 2,
            reason: PERMANENT,
            error: DEAD_LETTER_ERRORS.undeliverable,
          },
        ],
        { now: new Date() },
      ),
    );
    [op] = (await engineer.deadLetters.listBulk({})).items.filter((i) => i.id === bulkActionId);
    expect(op?.progress).toMatchObject({ acknowledged: 1, failedAgain: 1, awaitingAcknowledgement: 0 });
    const detail = await engineer.deadLetters.getBulk({ bulkActionId });
    expect(Object.fromEntries(detail.items.map((i) => [i.messageId, i.retryStatus]))).toEqual({
      [dl.exhausted.id]: "acknowledged",
      [dl.undeliverable.id]: "failed_again",
    });
    const again = await engineer.deadLetters.list({ tenantId: acme.id, errorCode: "131026" });
    expect(again.items.find((i) => i.messageId === dl.undeliverable.id)).toMatchObject({
      status: "open",
      episodes: 2,
    });

    // running the job again changes nothing
    const events = (await loadChain(db, acme.id, dl.exhausted.id)).length;
    expect(await handleRunBulkAction({ db }, { bulkActionId })).toMatchObject({
      status: "done",
      processed: 0,
    });
    expect((await loadChain(db, acme.id, dl.exhausted.id)).length).toBe(events);
    const audits = await db.auditEvent.findMany({
      where: { targetId: bulkActionId },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.action)).toEqual(["dead_letters.bulk_requested", "dead_letters.bulk_done"]);
  });

  it("above the threshold waits for a different engineer; self-approval is refused", async () => {
    const items = [dl.text, dl.capped, dl.pausedTemplate, dl.paused].map((m) => ({
      tenantId: acme.id,
      messageId: m.id,
    }));
    const prepared = await as(users.engineer).deadLetters.prepareBulk({
      kind: "retry",
      tenantId: acme.id,
      selection: { kind: "ids", items },
    });
    const bulkActionId = prepared.bulkActionId!;
    jobs.length = 0;
    // only the engineer who ran the dry run confirms it
    expect(
      await codeOf(as(users.engineer2).deadLetters.requestBulk({ bulkActionId, reason: "not mine" })),
    ).toBe("FORBIDDEN");
    expect(await codeOf(as(users.engineer).deadLetters.requestBulk({ bulkActionId, reason: " " }))).toBe(
      "BAD_REQUEST",
    );
    const requested = await as(users.engineer).deadLetters.requestBulk({
      bulkActionId,
      reason: "CS-9 customers asked",
    });
    expect(requested).toMatchObject({
      status: "awaiting_approval",
      actionCount: 4,
      needsApproval: true,
      isStarted: false,
    });
    expect(jobs).toEqual([]);
    expect(await handleRunBulkAction({ db }, { bulkActionId })).toMatchObject({
      status: "awaiting_approval",
      processed: 0,
    });

    const self = as(users.engineer).deadLetters.approveBulk({ bulkActionId });
    expect(await messageOf(self)).toMatch(/another engineer must approve it/);
    const listed = (await as(users.engineer).deadLetters.listBulk({})).items.find(
      (i) => i.id === bulkActionId,
    );
    expect(listed?.viewer).toEqual({ isRequester: true, canDecide: false, canWithdraw: true });
    const other = (await as(users.engineer2).deadLetters.listBulk({})).items.find(
      (i) => i.id === bulkActionId,
    );
    expect(other?.viewer).toEqual({ isRequester: false, canDecide: true, canWithdraw: false });
    for (const user of [users.support, users.admin, users.acmeAdmin]) {
      expect(await codeOf(as(user).deadLetters.approveBulk({ bulkActionId })), user.role).toBe("FORBIDDEN");
    }

    expect(
      await as(users.engineer2).deadLetters.approveBulk({ bulkActionId, note: "checked the list" }),
    ).toEqual({
      isStarted: true,
    });
    expect(jobs).toHaveLength(1);
    expect(await codeOf(as(users.engineer2).deadLetters.approveBulk({ bulkActionId }))).toBe("CONFLICT");
    // approved but its job lost: an engineer queues it again
    expect(await as(users.engineer).deadLetters.startBulk({ bulkActionId })).toEqual({ isStarted: true });
    expect(jobs).toHaveLength(2);
    const run = await handleRunBulkAction({ db }, { bulkActionId });
    expect(run).toMatchObject({ status: "done", retried: 4 });
    const manual = (await loadChain(db, acme.id, dl.text.id)).find((e) => e.type === "manual_action");
    expect(manual && "reason" in manual ? manual.reason : "").toContain(
      `approved by user:${users.engineer2.email}`,
    );
    const audits = await db.auditEvent.findMany({
      where: { targetId: bulkActionId },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => [a.action, a.actorLabel])).toEqual([
      ["dead_letters.bulk_requested", `user:${users.engineer.email}`],
      ["dead_letters.bulk_approved", `user:${users.engineer2.email}`],
      ["dead_letters.bulk_done", "system:worker"],
    ]);
  });

  it("a rejection (with a reason) stops it; a stale dry run must be run again", async () => {
    const actor = {
      kind: "user" as const,
      id: users.engineer.id,
      email: users.engineer.email,
      role: "engineer" as const,
      tenantId: null,
    };
    const extra = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        deadLettered({
          tenantId: acme.id,
          senderNumberId: acmeHealthy,
          error: DEAD_LETTER_ERRORS.generic,
          reason: EXHAUSTED,
          agoMs: i * 60_000,
        }),
      ),
    );
    const prepared = await as(users.engineer).deadLetters.prepareBulk({
      kind: "discard",
      tenantId: acme.id,
      selection: { kind: "ids", items: extra.map((m) => ({ tenantId: acme.id, messageId: m.id })) },
    });
    const bulkActionId = prepared.bulkActionId!;
    await as(users.engineer).deadLetters.requestBulk({ bulkActionId, reason: "clean-up" });
    expect(await codeOf(as(users.engineer2).deadLetters.rejectBulk({ bulkActionId, reason: "" }))).toBe(
      "BAD_REQUEST",
    );
    await as(users.engineer2).deadLetters.rejectBulk({ bulkActionId, reason: "these are still needed" });
    expect(await handleRunBulkAction({ db }, { bulkActionId })).toMatchObject({
      status: "rejected",
      processed: 0,
    });
    const op = (await as(users.engineer).deadLetters.listBulk({})).items.find((i) => i.id === bulkActionId);
    expect(op).toMatchObject({
      status: "rejected",
      decidedBy: `user:${users.engineer2.email}`,
      decisionNote: "these are still needed",
    });
    expect(
      await db.deadLetter.count({
        where: { tenantId: acme.id, messageId: { in: extra.map((m) => m.id) }, status: "open" },
      }),
    ).toBe(4);
    expect(
      (
        await db.auditEvent.findFirst({
          where: { targetId: bulkActionId, action: "dead_letters.bulk_rejected" },
        })
      )?.reason,
    ).toBe("these are still needed");

    // the service refuses a dry run older than 30 minutes
    const t = new Date();
    const stale = await prepareBulkAction(db, actor, {
      kind: "discard",
      scopeTenantId: acme.id,
      visibleTenants: [{ id: acme.id, name: "Acme DL" }],
      selection: { kind: "ids", items: [{ tenantId: acme.id, messageId: extra[0]!.id }] },
      now: t,
    });
    await expect(
      requestBulkAction(db, actor, {
        bulkActionId: stale.bulkActionId!,
        reason: "late",
        leaveOutLikelyToFail: false,
        threshold: THRESHOLD,
        now: new Date(t.getTime() + 31 * 60_000),
      }),
    ).rejects.toThrow(/more than 30 minutes old/);
  });

  it("counts one engineer's unapproved volume over a rolling window (2 + 2 over a threshold of 3 needs a second person); withdrawing reads Withdrawn", async () => {
    const solo = await makeUser(db, "engineer");
    const messages = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        deadLettered({
          tenantId: acme.id,
          senderNumberId: acmeHealthy,
          error: DEAD_LETTER_ERRORS.generic,
          reason: EXHAUSTED,
          agoMs: i * 60_000,
        }),
      ),
    );
    const dryRun = async (batch: { id: string }[]) =>
      (
        await as(solo).deadLetters.prepareBulk({
          kind: "discard",
          tenantId: acme.id,
          selection: { kind: "ids", items: batch.map((m) => ({ tenantId: acme.id, messageId: m.id })) },
        })
      ).bulkActionId!;
    const first = await dryRun(messages.slice(0, 2));
    expect(
      await as(solo).deadLetters.requestBulk({ bulkActionId: first, reason: "batch one" }),
    ).toMatchObject({
      status: "approved",
      needsApproval: false,
      recentUnapprovedVolume: 0,
    });
    // the second half, each batch at or under the threshold: no longer runs alone
    const second = await dryRun(messages.slice(2, 4));
    expect(
      await as(solo).deadLetters.requestBulk({ bulkActionId: second, reason: "batch two" }),
    ).toMatchObject({
      status: "awaiting_approval",
      needsApproval: true,
      recentUnapprovedVolume: 2,
    });
    await as(solo).deadLetters.rejectBulk({ bulkActionId: second, reason: "split on purpose, withdrawing" });
    const op = (await as(solo).deadLetters.listBulk({})).items.find((i) => i.id === second);
    expect(op).toMatchObject({ status: "rejected", isWithdrawn: true });
    expect(
      await db.auditEvent.count({ where: { targetId: second, action: "dead_letters.bulk_withdrawn" } }),
    ).toBe(1);
  });

  it("bulk discard, leaving out nothing; listBulk and getBulk are for operations.read", async () => {
    const victims = await Promise.all(
      [1, 2].map((i) =>
        deadLettered({
          tenantId: globex.id,
          senderNumberId: globexSender,
          error: DEAD_LETTER_ERRORS.undeliverable,
          reason: PERMANENT,
          agoMs: i * 60_000,
        }),
      ),
    );
    const prepared = await as(users.engineer).deadLetters.prepareBulk({
      kind: "discard",
      selection: { kind: "ids", items: victims.map((m) => ({ tenantId: globex.id, messageId: m.id })) },
    });
    const bulkActionId = prepared.bulkActionId!;
    expect(prepared.assessment.warnings).toEqual([]);
    // this engineer already ran 2 alone in the window: 2 more is over the threshold of 3
    expect(
      await as(users.engineer).deadLetters.requestBulk({
        bulkActionId,
        reason: "recipients not on WhatsApp",
      }),
    ).toMatchObject({ status: "awaiting_approval", recentUnapprovedVolume: 2 });
    await as(users.engineer2).deadLetters.approveBulk({ bulkActionId });
    expect(await handleRunBulkAction({ db }, { bulkActionId })).toMatchObject({ discarded: 2 });
    const rows = await callerFor(db, users.support).deadLetters.list({
      tenantId: globex.id,
      status: "discarded",
    });
    expect(rows.items.map((i) => i.messageId).sort()).toEqual(victims.map((v) => v.id).sort());
    expect(rows.items[0]).toMatchObject({ discardedBy: `user:${users.engineer.email}` });
    expect(rows.items[0]?.discardReason).toContain("recipients not on WhatsApp");
    // a tenant admin sees that staff discarded it, not who
    const own = await callerFor(db, users.globexAdmin).deadLetters.list({
      tenantId: globex.id,
      status: "discarded",
    });
    expect(own.items[0]?.discardedBy).toBe("Waybill staff");

    expect((await as(users.admin).deadLetters.listBulk({})).items.length).toBeGreaterThan(0);
    for (const user of [users.support, users.acmeAdmin, users.globexAdmin]) {
      expect(await codeOf(as(user).deadLetters.listBulk({})), user.role).toBe("FORBIDDEN");
      expect(await codeOf(as(user).deadLetters.getBulk({ bulkActionId })), user.role).toBe("FORBIDDEN");
    }
    expect(await codeOf(as(users.engineer).deadLetters.getBulk({ bulkActionId: crypto.randomUUID() }))).toBe(
      "NOT_FOUND",
    );
  });
});

describe("deadLetters.discard (one message)", () => {
  it("appends manual_action discard with actor and reason; the dead letter is closed, the message stays dead-lettered", async () => {
    const m = await deadLettered({
      tenantId: acme.id,
      senderNumberId: acmeHealthy,
      error: DEAD_LETTER_ERRORS.undeliverable,
      reason: PERMANENT,
      agoMs: H,
    });
    const operationId = crypto.randomUUID();
    const input = {
      tenantId: acme.id,
      messageId: m.id,
      reason: "number belongs to someone else",
      operationId,
    };
    for (const user of [users.support, users.admin, users.acmeAdmin]) {
      expect(await codeOf(as(user).deadLetters.discard(input)), user.role).toBe("FORBIDDEN");
    }
    expect(await codeOf(as(users.globexAdmin).deadLetters.discard(input))).toBe("FORBIDDEN");
    expect(await codeOf(as(users.engineer).deadLetters.discard({ ...input, tenantId: globex.id }))).toBe(
      "NOT_FOUND",
    );
    expect(await as(users.engineer).deadLetters.discard(input)).toEqual({ isRepeat: false });
    expect(await as(users.engineer).deadLetters.discard(input)).toEqual({ isRepeat: true });
    expect(
      await messageOf(as(users.engineer).deadLetters.discard({ ...input, operationId: crypto.randomUUID() })),
    ).toMatch(/only an open dead letter can be discarded/);
    const chain = await loadChain(db, acme.id, m.id);
    expect(chain.filter((e) => e.type === "manual_action")).toEqual([
      expect.objectContaining({
        action: "discard",
        actor: `user:${users.engineer.email}`,
        reason: "number belongs to someone else",
      }),
    ]);
    const timeline = await as(users.engineer).messages.timeline({ tenantId: acme.id, messageId: m.id });
    expect(timeline.derived.state).toBe("dead_lettered");
    expect(timeline.deadLetter).toMatchObject({
      status: "discarded",
      discardReason: "number belongs to someone else",
    });
    expect(timeline.viewer).toMatchObject({ canRetry: true, canDiscard: false, canCancel: false });
  });
});

describe("messages.cancel", () => {
  async function queued(retrying = false) {
    const t0 = Date.now() - 60_000;
    const m = await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeHealthy, createdAtMs: t0 },
      retrying
        ? [
            { atMs: t0 + 100, drafts: [drafts.attemptStarted(1)] },
            {
              atMs: t0 + 500,
              drafts: [
                {
                  type: "provider_rejected",
                  source: "provider_response",
                  providerTimestamp: null,
                  dedupeKey: dedupeKey.attempt(1, "rejected"),
                  payload: {},
                  attempt: 1,
                  error: DEAD_LETTER_ERRORS.generic,
                },
                {
                  type: "retry_scheduled",
                  source: "worker",
                  providerTimestamp: null,
                  dedupeKey: dedupeKey.attempt(2, "scheduled"),
                  payload: {},
                  attempt: 2,
                  notBefore: t0 + 60_000,
                  error: DEAD_LETTER_ERRORS.generic,
                },
              ],
            },
          ]
        : [],
    );
    await db.$transaction((tx) =>
      enqueueSend(tx, {
        tenantId: acme.id,
        messageId: m.id,
        senderNumberId: acmeHealthy,
        recipient: m.recipient,
        attempt: retrying ? 2 : 1,
        notBefore: new Date(Date.now() + H),
        now: new Date(),
      }),
    );
    return m;
  }

  it("cancels a queued or retrying message: manual_action + cancelled, its queue row removed, shown on the timeline", async () => {
    for (const isRetrying of [false, true]) {
      const m = await queued(isRetrying);
      const before = await as(users.engineer).messages.timeline({ tenantId: acme.id, messageId: m.id });
      expect(before.viewer).toMatchObject({ canCancel: true, canRetry: false });
      const operationId = crypto.randomUUID();
      const result = await as(users.engineer).messages.cancel({
        tenantId: acme.id,
        messageId: m.id,
        reason: "tenant asked to stop it",
        operationId,
      });
      expect(result).toEqual({ state: "cancelled", isRepeat: false });
      expect(await db.sendQueueItem.count({ where: { tenantId: acme.id, messageId: m.id } })).toBe(0);
      const timeline = await as(users.engineer).messages.timeline({ tenantId: acme.id, messageId: m.id });
      expect(timeline.derived.state).toBe("cancelled");
      expect(timeline.events.at(-1)?.headline).toBe(
        `Cancelled by user:${users.engineer.email}: tenant asked to stop it`,
      );
      expect(timeline.events.at(-2)).toMatchObject({ type: "manual_action", action: "cancel" });
      expect(timeline.viewer.canCancel).toBe(false);
      // repeating the click changes nothing
      expect(
        await as(users.engineer).messages.cancel({
          tenantId: acme.id,
          messageId: m.id,
          reason: "again",
          operationId,
        }),
      ).toEqual({ state: "cancelled", isRepeat: true });
    }
  });

  it("refuses a message a provider already has (it cannot be unsent), and one in flight", async () => {
    const accepted = await makeMessage(db, { tenantId: acme.id, senderNumberId: acmeHealthy }, [
      { atMs: Date.now() - 5_000, drafts: [drafts.attemptStarted(1)] },
      { atMs: Date.now() - 4_000, drafts: [drafts.accepted(1, wamidFor("cancel-too-late"))] },
    ]);
    const input = { tenantId: acme.id, messageId: accepted.id, reason: "too late" };
    expect(await codeOf(as(users.engineer).messages.cancel(input))).toBe("CONFLICT");
    expect(await messageOf(as(users.engineer).messages.cancel(input))).toMatch(/cannot be unsent/);
    const inFlight = await makeMessage(db, { tenantId: acme.id, senderNumberId: acmeHealthy }, [
      { atMs: Date.now() - 1_000, drafts: [drafts.attemptStarted(1)] },
    ]);
    expect(await messageOf(as(users.engineer).messages.cancel({ ...input, messageId: inFlight.id }))).toMatch(
      /may have reached it/,
    );
    expect(
      await messageOf(
        as(users.engineer).messages.cancel({ ...input, messageId: dl.globex.id, tenantId: globex.id }),
      ),
    ).toMatch(/discard the dead letter instead/);
    expect((await loadChain(db, acme.id, accepted.id)).some((e) => e.type === "cancelled")).toBe(false);
  });

  it("denied roles and the foreign tenant", async () => {
    const m = await queued();
    const input = { tenantId: acme.id, messageId: m.id, reason: "tenant asked" };
    for (const user of [users.support, users.admin, users.acmeAdmin]) {
      expect(await codeOf(as(user).messages.cancel(input)), user.role).toBe("FORBIDDEN");
    }
    expect(await codeOf(as(users.globexAdmin).messages.cancel(input))).toBe("FORBIDDEN");
    expect(await codeOf(as(users.engineer).messages.cancel({ ...input, tenantId: globex.id }))).toBe(
      "NOT_FOUND",
    );
    const support = await as(users.support).messages.timeline({ tenantId: acme.id, messageId: m.id });
    expect(support.viewer).toMatchObject({ canCancel: false, canRetry: false, canDiscard: false });
    expect(await db.sendQueueItem.count({ where: { tenantId: acme.id, messageId: m.id } })).toBe(1);
  });
});

describe("deadLetters.assess (single-message dry run)", () => {
  it("per message warnings for an engineer; denied roles and the foreign tenant", async () => {
    const r = await as(users.engineer).deadLetters.assess({
      tenantId: acme.id,
      messageIds: [dl.globex.id, dl.paused.id],
    });
    expect(r.items.map((i) => [i.verdict, i.skipReason])).toEqual([["skip", "not_found"], expect.any(Array)]);
    for (const user of [users.support, users.admin, users.acmeAdmin, users.globexAdmin]) {
      expect(
        await codeOf(as(user).deadLetters.assess({ tenantId: acme.id, messageIds: [dl.paused.id] })),
        user.role,
      ).toBe("FORBIDDEN");
    }
  });
});
