// Disputes on real PostgreSQL: open / note / outcome / resolve, each written to the dispute, its
// append-only notes and the message's ledger in one transaction; the list and a message's
// disputes; who may act (support agents and admins), who may read (tenant admins, their own
// tenant), and the tenant wall.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { makeMessage, stories } from "../factories/messages";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

let db: TDb;
let admin: pg.Client;
let acme: { id: string };
let globex: { id: string };
const users = {} as Record<"support" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin", TUser>;
const messages = {} as Record<"failed" | "read" | "other" | "globex", { id: string }>;
const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  acme = await makeTenant(db);
  globex = await makeTenant(db);
  const acmeSender = (await makeSenderNumber(db, testSecretBox, acme.id)).id;
  const globexSender = (await makeSenderNumber(db, testSecretBox, globex.id)).id;
  users.support = await makeUser(db, "support_agent");
  users.engineer = await makeUser(db, "engineer");
  users.admin = await makeUser(db, "admin");
  users.acmeAdmin = await makeUser(db, "tenant_admin", { tenantId: acme.id });
  users.globexAdmin = await makeUser(db, "tenant_admin", { tenantId: globex.id });
  messages.failed = await makeMessage(
    db,
    { tenantId: acme.id, senderNumberId: acmeSender, createdAtMs: T0 },
    stories.failed131026(T0),
  );
  messages.read = await makeMessage(
    db,
    { tenantId: acme.id, senderNumberId: acmeSender, createdAtMs: T0 },
    stories.read(T0),
  );
  messages.other = await makeMessage(db, { tenantId: acme.id, senderNumberId: acmeSender, createdAtMs: T0 });
  messages.globex = await makeMessage(
    db,
    { tenantId: globex.id, senderNumberId: globexSender, createdAtMs: T0 },
    stories.read(T0),
  );
});
afterAll(async () => {
  await admin.end();
  await db.$disconnect();
});

const open = (user: TUser | null, messageId: string, ticketRef = "ZD-4821", tenantId = acme.id) =>
  callerFor(db, user).disputes.open({
    tenantId,
    messageId,
    ticketRef,
    note: "Customer says it never arrived",
  });

describe("the dispute lifecycle", () => {
  it("opens, takes notes, records an outcome and resolves, each on the dispute and the ledger", async () => {
    const support = callerFor(db, users.support);
    const opened = await open(users.support, messages.failed.id);
    expect(opened).toMatchObject({ ticketRef: "ZD-4821", status: "open" });
    await support.disputes.addNote({
      tenantId: acme.id,
      disputeId: opened.id,
      note: "Provider reported 131026: the number is not on WhatsApp",
    });
    await support.disputes.recordOutcome({
      tenantId: acme.id,
      disputeId: opened.id,
      outcome: "not_delivered",
      summary: "failed webhook 131026, no delivery evidence",
    });
    const resolved = await callerFor(db, users.admin).disputes.resolve({
      tenantId: acme.id,
      disputeId: opened.id,
      note: "Tenant informed; credit issued",
    });
    expect(resolved).toEqual({ id: opened.id, status: "resolved", outcome: "not_delivered" });

    const [dispute] = await support.disputes.forMessage({ tenantId: acme.id, messageId: messages.failed.id });
    expect(dispute).toMatchObject({
      status: "resolved",
      outcome: "not_delivered",
      outcomeSummary: "failed webhook 131026, no delivery evidence",
      openedBy: `user:${users.support.email}`,
      resolvedBy: `user:${users.admin.email}`,
      noteCount: 4,
    });
    expect(dispute!.notes.map((n) => [n.kind, n.author])).toEqual([
      ["opened", `user:${users.support.email}`],
      ["note", `user:${users.support.email}`],
      ["outcome", `user:${users.support.email}`],
      ["resolved", `user:${users.admin.email}`],
    ]);

    // every action is an annotation on the message's timeline, linked to its note
    const timeline = await support.messages.timeline({ tenantId: acme.id, messageId: messages.failed.id });
    const annotations = timeline.events.filter((e) => e.type === "annotation");
    expect(annotations.map((e) => e.note)).toEqual([
      "Dispute opened (ticket ZD-4821): Customer says it never arrived",
      "Dispute note (ticket ZD-4821): Provider reported 131026: the number is not on WhatsApp",
      "Dispute outcome (ticket ZD-4821): not delivered: failed webhook 131026, no delivery evidence",
      "Dispute resolved (ticket ZD-4821) as not delivered: Tenant informed; credit issued",
    ]);
    expect(annotations.every((e) => e.dispute?.id === opened.id && e.dispute.ticketRef === "ZD-4821")).toBe(
      true,
    );
    expect(annotations.map((e) => e.id)).toEqual(dispute!.notes.map((n) => n.ledgerEventId));
    expect(timeline.derived.state).toBe("failed");
    expect(timeline.chain.ok).toBe(true);
  });

  it("allows one open dispute per message, and a new one once the last is resolved", async () => {
    const first = await open(users.support, messages.read.id, "ZD-1");
    expect(await codeOf(open(users.admin, messages.read.id, "ZD-2"))).toBe("CONFLICT");
    await callerFor(db, users.support).disputes.resolve({
      tenantId: acme.id,
      disputeId: first.id,
      outcome: "delivered",
      note: "read receipt shown to the tenant",
    });
    expect(await codeOf(open(users.admin, messages.read.id, "ZD-2"))).toBe("OK");
    // two agents at once: the partial unique index lets exactly one through
    const results = await Promise.all([
      codeOf(open(users.support, messages.other.id, "ZD-3")),
      codeOf(open(users.admin, messages.other.id, "ZD-4")),
    ]);
    expect(results.sort()).toEqual(["CONFLICT", "OK"]);
  });

  it("needs an outcome to resolve, and a resolved dispute is final", async () => {
    const message = await makeMessage(db, {
      tenantId: acme.id,
      senderNumberId: (await db.senderNumber.findFirstOrThrow({ where: { tenantId: acme.id } })).id,
    });
    const support = callerFor(db, users.support);
    const { id } = await open(users.support, message.id, "ZD-5");
    expect(await codeOf(support.disputes.resolve({ tenantId: acme.id, disputeId: id, note: "done" }))).toBe(
      "BAD_REQUEST",
    );
    await support.disputes.resolve({
      tenantId: acme.id,
      disputeId: id,
      outcome: "withdrawn",
      note: "tenant withdrew",
    });
    expect(await codeOf(support.disputes.resolve({ tenantId: acme.id, disputeId: id, note: "again" }))).toBe(
      "CONFLICT",
    );
    expect(
      await codeOf(
        support.disputes.recordOutcome({
          tenantId: acme.id,
          disputeId: id,
          outcome: "delivered",
          summary: "late",
        }),
      ),
    ).toBe("CONFLICT");
    // notes after the decision are still kept
    expect(
      await codeOf(support.disputes.addNote({ tenantId: acme.id, disputeId: id, note: "tenant confirmed" })),
    ).toBe("OK");
  });

  it("validates the ticket reference and the notes", async () => {
    expect(await codeOf(open(users.support, messages.other.id, "  "))).toBe("BAD_REQUEST");
    expect(await codeOf(open(users.support, messages.other.id, "x".repeat(121)))).toBe("BAD_REQUEST");
    const [dispute] = await callerFor(db, users.support).disputes.forMessage({
      tenantId: acme.id,
      messageId: messages.failed.id,
    });
    expect(
      await codeOf(
        callerFor(db, users.support).disputes.addNote({
          tenantId: acme.id,
          disputeId: dispute!.id,
          note: " ",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});

describe("who may act on disputes", () => {
  it("refuses tenant admins and engineers (they read disputes, support works them)", async () => {
    for (const user of [users.acmeAdmin, users.engineer]) {
      expect(await codeOf(open(user, messages.other.id, "ZD-9"))).toBe("FORBIDDEN");
    }
    const [dispute] = await callerFor(db, users.support).disputes.forMessage({
      tenantId: acme.id,
      messageId: messages.failed.id,
    });
    const disputeId = dispute!.id;
    for (const user of [users.acmeAdmin, users.engineer]) {
      const caller = callerFor(db, user);
      expect(await codeOf(caller.disputes.addNote({ tenantId: acme.id, disputeId, note: "n" }))).toBe(
        "FORBIDDEN",
      );
      expect(
        await codeOf(
          caller.disputes.recordOutcome({ tenantId: acme.id, disputeId, outcome: "delivered", summary: "s" }),
        ),
      ).toBe("FORBIDDEN");
      expect(await codeOf(caller.disputes.resolve({ tenantId: acme.id, disputeId, note: "n" }))).toBe(
        "FORBIDDEN",
      );
    }
    expect(await codeOf(open(null, messages.other.id))).toBe("UNAUTHORIZED");
  });

  it("keeps the tenant wall: another tenant's message or dispute is not found through this tenant", async () => {
    expect(await codeOf(open(users.support, messages.globex.id, "ZD-10"))).toBe("NOT_FOUND");
    const globexDispute = await open(users.support, messages.globex.id, "GX-1", globex.id);
    const support = callerFor(db, users.support);
    expect(
      await codeOf(
        support.disputes.addNote({ tenantId: acme.id, disputeId: globexDispute.id, note: "wrong tenant" }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        support.disputes.resolve({
          tenantId: acme.id,
          disputeId: globexDispute.id,
          outcome: "delivered",
          note: "x",
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(
      await codeOf(
        support.disputes.recordOutcome({
          tenantId: acme.id,
          disputeId: globexDispute.id,
          outcome: "delivered",
          summary: "wrong tenant",
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(open(users.acmeAdmin, messages.globex.id, "GX-2", globex.id))).toBe("FORBIDDEN");
    // a tenant admin naming another tenant is refused before its permission is even considered
    expect(
      await codeOf(
        callerFor(db, users.globexAdmin).disputes.addNote({
          tenantId: acme.id,
          disputeId: globexDispute.id,
          note: "n",
        }),
      ),
    ).toBe("FORBIDDEN");
    // the refused calls left nothing behind
    const [globexNow] = await callerFor(db, users.globexAdmin).disputes.forMessage({
      tenantId: globex.id,
      messageId: messages.globex.id,
    });
    expect(globexNow).toMatchObject({ status: "open", outcome: null, noteCount: 1 });
  });
});

describe("reading disputes", () => {
  it("lists a tenant's disputes newest first, filtered by status and ticket, with keyset pages", async () => {
    const caller = callerFor(db, users.acmeAdmin);
    const all = await caller.disputes.list({ tenantId: acme.id });
    expect(all.items.length).toBeGreaterThanOrEqual(4);
    expect(all.items.every((d) => d.tenantId === acme.id)).toBe(true);
    const times = all.items.map((d) => d.openedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const open = await caller.disputes.list({ tenantId: acme.id, status: "open" });
    expect(open.items.every((d) => d.status === "open")).toBe(true);
    const byTicket = await caller.disputes.list({ tenantId: acme.id, ticketRef: "ZD-4821" });
    expect(byTicket.items).toHaveLength(1);
    expect(byTicket.items[0]).toMatchObject({
      messageId: messages.failed.id,
      messageState: "failed",
      outcome: "not_delivered",
    });

    const first = await caller.disputes.list({ tenantId: acme.id, limit: 2 });
    const second = await caller.disputes.list({ tenantId: acme.id, limit: 2, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((d) => d.id)).toEqual(
      all.items.slice(0, 4).map((d) => d.id),
    );
  });

  it("lets a tenant admin read its own tenant's disputes only", async () => {
    const own = await callerFor(db, users.acmeAdmin).disputes.forMessage({
      tenantId: acme.id,
      messageId: messages.failed.id,
    });
    expect(own).toHaveLength(1);
    expect(await codeOf(callerFor(db, users.acmeAdmin).disputes.list({ tenantId: globex.id }))).toBe(
      "FORBIDDEN",
    );
    expect(
      await codeOf(
        callerFor(db, users.acmeAdmin).disputes.forMessage({
          tenantId: globex.id,
          messageId: messages.globex.id,
        }),
      ),
    ).toBe("FORBIDDEN");
    // its own tenant id with another tenant's message: nothing
    expect(
      await callerFor(db, users.acmeAdmin).disputes.forMessage({
        tenantId: acme.id,
        messageId: messages.globex.id,
      }),
    ).toEqual([]);
    expect(await codeOf(callerFor(db, null).disputes.list({ tenantId: acme.id }))).toBe("UNAUTHORIZED");
  });

  it("lists every tenant's disputes for cross-tenant roles only", async () => {
    const page = await callerFor(db, users.engineer).disputes.list({ scope: "all", status: "open" });
    const tenants = new Set(page.items.map((d) => d.tenantId));
    expect(tenants.has(acme.id) && tenants.has(globex.id)).toBe(true);
    expect(await codeOf(callerFor(db, users.acmeAdmin).disputes.list({ scope: "all" }))).toBe("FORBIDDEN");
  });

  it("keeps dispute notes append-only", async () => {
    await expect(admin.query("UPDATE dispute_note SET body = 'edited'")).rejects.toThrow(/append-only/);
    await expect(admin.query("DELETE FROM dispute_note")).rejects.toThrow(/append-only/);
    const id = crypto.randomUUID();
    expect(
      await codeOf(
        callerFor(db, users.support).disputes.addNote({ tenantId: acme.id, disputeId: id, note: "n" }),
      ),
    ).toBe("NOT_FOUND");
  });
});
