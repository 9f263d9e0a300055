// The ledger on real PostgreSQL: idempotent appends with receipts, the projection kept equal to
// deriveState in the same transaction, the worst arrival order, append-only enforcement, tamper
// detection, and the drift audit (report, repair, dry run of other rules).
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { RULES_V1, type TReconciliationRules } from "@/server/domain/reconciliation/rules";
import { appendEvents, createMessage } from "@/server/services/ledger/append-events";
import { auditDrift } from "@/server/services/audit-drift";
import { loadChain, readLedger, verifyMessageChain } from "@/server/services/ledger/read-ledger";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { makeSenderNumber, makeTenant } from "../factories";
import { drafts, UNDELIVERABLE } from "../factories/ledger";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";

let db: TDb;
let admin: pg.Client;
let tenantId: string;
let senderNumberId: string;
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const actor = { kind: "cli" as const, label: "ledger-test" };

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  const tenant = await makeTenant(db);
  tenantId = tenant.id;
  senderNumberId = (await makeSenderNumber(db, testSecretBox, tenantId)).id;
});
afterAll(async () => {
  await admin.end();
  await db.$disconnect();
});

async function newMessage(overrides: { idempotencyKey?: string; tenant?: string; sender?: string } = {}) {
  return db.$transaction((tx) =>
    createMessage(
      tx,
      {
        tenantId: overrides.tenant ?? tenantId,
        senderNumberId: overrides.sender ?? senderNumberId,
        recipient: "15551234567",
        contentKind: "template",
        templateName: "order_update",
        templateLanguage: "en_US",
        templateCategory: "UTILITY",
        requestPayload: { messaging_product: "whatsapp", to: "15551234567", type: "template" },
        idempotencyKey: overrides.idempotencyKey ?? null,
      },
      drafts.requested(),
      { now: new Date(T0) },
    ),
  );
}

async function append(
  messageId: string,
  events: Parameters<typeof appendEvents>[3],
  atMs: number,
  tenant = tenantId,
) {
  return db.$transaction((tx) => appendEvents(tx, tenant, messageId, events, { now: new Date(atMs) }));
}

async function stored(messageId: string) {
  return db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id: messageId } } });
}

describe("appending", () => {
  it("creates a message queued, with its requested event chained from genesis", async () => {
    const { messageId, isNew } = await newMessage();
    expect(isNew).toBe(true);
    const message = await stored(messageId);
    expect(message.state).toBe("queued");
    expect(message.eventCount).toBe(1);
    expect(await verifyMessageChain(db, tenantId, messageId)).toMatchObject({ ok: true, checkedEvents: 1 });
  });

  it("returns the same message for a reused idempotency key", async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const first = await newMessage({ idempotencyKey: key });
    const second = await newMessage({ idempotencyKey: key });
    expect(second).toEqual({ messageId: first.messageId, isNew: false });
  });

  it("records a fact once and counts every receipt of it", async () => {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    await append(messageId, [drafts.attemptStarted(1), drafts.accepted(1, wamid)], T0 + 1000);
    await append(messageId, [drafts.status("delivered", wamid, T0 + 5000)], T0 + 6000);
    const again = await append(
      messageId,
      [drafts.status("delivered", wamid, T0 + 5000)],
      T0 + 2 * 86_400_000,
    );
    expect(again.appended).toHaveLength(0);
    expect(again.duplicates).toEqual([
      { dedupeKey: `status:${wamid}:delivered`, eventId: expect.any(String), isDivergent: false },
    ]);
    const view = await readLedger(db, tenantId, messageId);
    expect(view.events.map((e) => e.type)).toEqual([
      "requested",
      "attempt_started",
      "provider_accepted",
      "status_delivered",
    ]);
    expect(view.events.at(-1)?.receipts).toMatchObject({
      receivedCount: 2,
      description: "received 2 times over 2 days",
    });
    const message = await stored(messageId);
    expect(message.state).toBe("delivered");
    expect(message.providerMessageId).toBe(wamid);
    expect(
      await db.messageProviderId.findUnique({
        where: { tenantId_providerMessageId: { tenantId, providerMessageId: wamid } },
      }),
    ).toMatchObject({ messageId, attempt: 1 });
  });

  it("flags a duplicate that carries different data instead of merging it silently", async () => {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    await append(
      messageId,
      [drafts.attemptStarted(1), drafts.accepted(1, wamid), drafts.status("sent", wamid, T0 + 1000)],
      T0 + 1000,
    );
    const divergent = await append(messageId, [drafts.status("sent", wamid, T0 + 9999)], T0 + 20_000);
    expect(divergent.duplicates[0]?.isDivergent).toBe(true);
    const view = await readLedger(db, tenantId, messageId);
    expect(view.events.at(-1)?.receipts?.hasDivergentCopies).toBe(true);
  });

  it("keeps the projection equal to deriveState after every append", async () => {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    const steps = [
      [drafts.attemptStarted(1)],
      [drafts.accepted(1, wamid)],
      [drafts.status("sent", wamid, T0 + 1000)],
      [drafts.failed(wamid, T0 + 2000, UNDELIVERABLE)],
    ];
    for (const [i, step] of steps.entries()) {
      await append(messageId, step, T0 + (i + 1) * 1000);
      const derived = deriveState(await loadChain(db, tenantId, messageId), RULES_V1);
      const message = await stored(messageId);
      expect({
        state: message.state,
        explanation: message.stateExplanation,
        decider: message.deciderDedupeKey,
      }).toEqual({
        state: derived.state,
        explanation: derived.explanation,
        decider: derived.decider?.dedupeKey ?? null,
      });
    }
    const message = await stored(messageId);
    expect(message.state).toBe("failed");
    expect(message.lastErrorCode).toBe("131026");
  });

  it("ends the worst order (read, failed, delivered, sent, duplicate read) read, with the conflict visible", async () => {
    const { messageId } = await newMessage();
    const wamid = "wamid.A1";
    await append(messageId, [drafts.attemptStarted(1), drafts.accepted(1, wamid)], T0);
    await append(messageId, [drafts.status("read", wamid, T0 + 10_000)], T0 + 20_000);
    await append(messageId, [drafts.failed(wamid, T0 + 7_000, UNDELIVERABLE)], T0 + 21_000);
    await append(messageId, [drafts.status("delivered", wamid, T0 + 5_000)], T0 + 22_000);
    await append(messageId, [drafts.status("sent", wamid, T0)], T0 + 23_000);
    const duplicate = await append(
      messageId,
      [drafts.status("read", wamid, T0 + 10_000)],
      T0 + 2 * 86_400_000,
    );
    expect(duplicate.appended).toHaveLength(0);
    const message = await stored(messageId);
    expect(message.state).toBe("read");
    expect(message.stateExplanation).toBe(
      "read: provider reported read for attempt 1; conflict read_after_failed: provider also reported failed (131026: Message undeliverable) for attempt 1, read wins",
    );
    expect(message.conflictKinds).toEqual(["read_after_failed"]);
    expect(message.stateReachedAt.getTime()).toBe(T0 + 20_000);
    const view = await readLedger(db, tenantId, messageId);
    expect(view.events.find((e) => e.type === "status_read")?.receipts?.receivedCount).toBe(2);
    expect(view.chain.ok).toBe(true);
  });

  it("refuses to append to a message through another tenant", async () => {
    const { messageId } = await newMessage();
    const other = await makeTenant(db);
    await expect(append(messageId, [drafts.attemptStarted(1)], T0, other.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("rolls back the events with the caller's transaction", async () => {
    const { messageId } = await newMessage();
    await expect(
      db.$transaction(async (tx) => {
        await appendEvents(tx, tenantId, messageId, [drafts.attemptStarted(1)], { now: new Date(T0) });
        throw new Error("caller failed after appending");
      }),
    ).rejects.toThrow("caller failed");
    expect((await stored(messageId)).eventCount).toBe(1);
    expect(await db.messageEvent.count({ where: { tenantId, messageId } })).toBe(1);
  });
});

describe("append-only and tamper evidence", () => {
  it("the database rejects UPDATE and DELETE of ledger rows and receipts", async () => {
    const { messageId } = await newMessage();
    await expect(
      admin.query("UPDATE message_event SET reason = 'x' WHERE message_id = $1", [messageId]),
    ).rejects.toThrow(/append-only/);
    await expect(admin.query("DELETE FROM message_event WHERE message_id = $1", [messageId])).rejects.toThrow(
      /append-only/,
    );
    await expect(
      admin.query("DELETE FROM message_event_receipt WHERE message_id = $1", [messageId]),
    ).rejects.toThrow(/append-only/);
  });

  async function tamper(sql: string, params: unknown[]) {
    // what an attacker with superuser rights could do: bypass the triggers
    await admin.query("BEGIN");
    await admin.query("SET LOCAL session_replication_role = replica");
    await admin.query(sql, params);
    await admin.query("COMMIT");
  }

  async function ledgerOfFour() {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    await append(
      messageId,
      [drafts.attemptStarted(1), drafts.accepted(1, wamid), drafts.status("sent", wamid, T0 + 1)],
      T0 + 1000,
    );
    expect((await verifyMessageChain(db, tenantId, messageId)).ok).toBe(true);
    return messageId;
  }

  it("detects an altered event body", async () => {
    const messageId = await ledgerOfFour();
    await tamper(
      `UPDATE message_event SET body = jsonb_set(body, '{providerMessageId}', '"wamid.forged"') WHERE message_id = $1 AND seq = 3`,
      [messageId],
    );
    expect(await verifyMessageChain(db, tenantId, messageId)).toMatchObject({
      ok: false,
      brokenAt: 2,
      reason: "hash_mismatch",
    });
  });

  it("detects an altered indexed column", async () => {
    const messageId = await ledgerOfFour();
    await tamper(`UPDATE message_event SET type = 'status_read' WHERE message_id = $1 AND seq = 4`, [
      messageId,
    ]);
    expect(await verifyMessageChain(db, tenantId, messageId)).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it("detects a removed event in the middle and at the end", async () => {
    const middle = await ledgerOfFour();
    await tamper("DELETE FROM message_event WHERE message_id = $1 AND seq = 2", [middle]);
    expect(await verifyMessageChain(db, tenantId, middle)).toMatchObject({
      ok: false,
      brokenAt: 1,
      reason: "prev_hash_mismatch",
    });

    const end = await ledgerOfFour();
    await tamper("DELETE FROM message_event_receipt WHERE message_id = $1", [end]);
    await tamper("DELETE FROM message_event WHERE message_id = $1 AND seq = 4", [end]);
    expect(await verifyMessageChain(db, tenantId, end)).toMatchObject({ ok: false, reason: "head_mismatch" });
  });
});

describe("drift audit", () => {
  it("finds a corrupted projection without changing it, then repairs it on request", async () => {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    await append(
      messageId,
      [drafts.attemptStarted(1), drafts.accepted(1, wamid), drafts.status("delivered", wamid, T0 + 5)],
      T0 + 1000,
    );
    await admin.query(
      "UPDATE message SET state = 'sent', state_explanation = 'hopeful guess' WHERE id = $1",
      [messageId],
    );

    const dryRun = await auditDrift(
      db,
      { tenantId, messageId },
      { apply: false, actor, now: () => new Date() },
    );
    expect(dryRun.checked).toBe(1);
    expect(dryRun.drifted).toHaveLength(1);
    expect(dryRun.drifted[0]?.diff.stateChange).toEqual({ from: "sent", to: "delivered" });
    expect(dryRun.text).toBe("rules v2 would change 1 of 1 message: 1 sent->delivered");
    expect((await stored(messageId)).state).toBe("sent");

    const repaired = await auditDrift(
      db,
      { tenantId, messageId },
      { apply: true, actor, reason: "test repair", now: () => new Date() },
    );
    expect(repaired.applied).toBe(1);
    const message = await stored(messageId);
    expect(message.state).toBe("delivered");
    const view = await readLedger(db, tenantId, messageId);
    expect(view.events.at(-1)).toMatchObject({
      type: "state_recomputed",
      fromState: "sent",
      toState: "delivered",
      rulesVersion: 2,
    });
    expect(view.chain.ok).toBe(true);

    const clean = await auditDrift(
      db,
      { tenantId, messageId },
      { apply: false, actor, now: () => new Date() },
    );
    expect(clean.drifted).toHaveLength(0);
  });

  it("dry-runs a rules change over a tenant and reports what it would change, changing nothing", async () => {
    const tenant = await makeTenant(db);
    const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
    const wamids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { messageId } = await newMessage({ tenant: tenant.id, sender: sender.id });
      const wamid = `wamid.${crypto.randomUUID()}`;
      wamids.push(wamid);
      const events: TEventDraft[] = [
        drafts.attemptStarted(1),
        drafts.accepted(1, wamid),
        drafts.status("sent", wamid, T0 + 5),
      ];
      if (i < 2) events.push(drafts.failed(wamid, T0 + 7, UNDELIVERABLE));
      await db.$transaction((tx) =>
        appendEvents(tx, tenant.id, messageId, events, { now: new Date(T0 + 1000) }),
      );
    }
    // a hypothetical v2 in which a `sent` outranks a `failed` of the same attempt
    const rulesV2: TReconciliationRules = {
      ...RULES_V1,
      version: 2,
      phaseRank: { ...RULES_V1.phaseRank, status_sent: 6, status_failed: 5 },
    };
    const report = await auditDrift(
      db,
      { tenantId: tenant.id },
      { rules: rulesV2, apply: false, actor, now: () => new Date() },
    );
    expect(report.checked).toBe(3);
    expect(report.drifted).toHaveLength(2);
    expect(report.text).toBe("rules v2 would change 2 of 3 messages: 2 failed->sent");
    const states = await db.message.findMany({
      where: { tenantId: tenant.id },
      select: { state: true },
      orderBy: { state: "asc" },
    });
    expect(states.map((m) => m.state).sort()).toEqual(["failed", "failed", "sent"]);
  });
});

describe("replay and audit entry points", () => {
  async function corrupted() {
    const { messageId } = await newMessage();
    const wamid = `wamid.${crypto.randomUUID()}`;
    await append(
      messageId,
      [drafts.attemptStarted(1), drafts.accepted(1, wamid), drafts.status("read", wamid, T0 + 5)],
      T0 + 1000,
    );
    await admin.query("UPDATE message SET state = 'accepted' WHERE id = $1", [messageId]);
    return messageId;
  }

  it("the CLI reports drift, repairs with a reason, and verifies a chain", async () => {
    const { runCli } = await import("@/server/cli/main");
    const { TEST_ENCRYPTION_KEY } = await import("../setup/context");
    const messageId = await corrupted();
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(
        args,
        {
          DATABASE_URL: testDatabaseUrl(),
          WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
          WAYBILL_CLI_ACTOR: "auditor",
        },
        {
          out: (l) => out.push(l),
          err: (l) => err.push(l),
          readStdin: async () => "",
        },
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    const report = await run(["ledger:audit", "--tenant", tenantId, "--message", messageId]);
    expect(report.code).toBe(0);
    expect(report.out).toContain("rules v2 would change 1 of 1 message: 1 accepted->read");
    expect((await stored(messageId)).state).toBe("accepted");

    expect((await run(["ledger:audit", "--tenant", tenantId, "--message", messageId, "--apply"])).err).toBe(
      "error: --apply needs --reason",
    );
    const repaired = await run([
      "ledger:audit",
      "--tenant",
      tenantId,
      "--message",
      messageId,
      "--apply",
      "--reason",
      "INC-42",
    ]);
    expect(repaired.out).toContain("repaired 1 message(s)");
    expect((await stored(messageId)).state).toBe("read");
    const audit = await db.auditEvent.findFirst({
      where: { action: "ledger.drift_repaired", targetId: messageId },
    });
    expect(audit).toMatchObject({ actorLabel: "cli:auditor", reason: "INC-42" });

    const verified = await run(["ledger:verify", "--tenant", tenantId, "--message", messageId]);
    expect(verified.out).toMatch(/^chain intact: 5 events, head [0-9a-f]{64}$/);

    await admin.query("BEGIN");
    await admin.query("SET LOCAL session_replication_role = replica");
    await admin.query(
      "UPDATE message_event SET body = jsonb_set(body, '{payload}', '{\"forged\":true}') WHERE message_id = $1 AND seq = 2",
      [messageId],
    );
    await admin.query("COMMIT");
    const broken = await run(["ledger:verify", "--tenant", tenantId, "--message", messageId]);
    expect(broken.code).toBe(3);
    expect(broken.out).toBe("CHAIN BROKEN at event 2 of 5: hash_mismatch");
  });

  it("the job audits a tenant and records its report in the audit trail", async () => {
    const { handleAuditDrift } = await import("@/server/worker/handlers/audit-drift");
    const messageId = await corrupted();
    const result = await handleAuditDrift({ db }, { tenantId, apply: false, requestedBy: "test" });
    expect(result.drifted).toBeGreaterThanOrEqual(1);
    expect(result.summary).toContain("accepted->read");
    expect((await stored(messageId)).state).toBe("accepted");
    const audit = await db.auditEvent.findFirst({
      where: { action: "ledger.drift_audited", tenantId },
      orderBy: { id: "desc" },
    });
    expect(audit?.data).toMatchObject({ drifted: result.drifted, summary: result.summary });
  });
});
