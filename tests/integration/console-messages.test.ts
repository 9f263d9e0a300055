// The console's message procedures on real PostgreSQL: search (every filter, keyset pages, masked
// numbers, the tenant wall), the timeline (order, receipts, out-of-order, derivation, custody,
// raw payloads by permission), the audited reveal, annotations and force re-reconcile. Each
// procedure: the allowed path, a denied role and the foreign tenant.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TRole } from "@/server/domain/access/permissions";
import { makeSenderNumber, makeTenant, makeUser } from "../factories";
import { drafts, UNDELIVERABLE } from "../factories/ledger";
import { DEMO_MESSAGE_IDS, makeMessage, seedDemoMessages, stories, wamidFor } from "../factories/messages";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor, codeOf } from "../setup/trpc";

type TUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

let db: TDb;
let admin: pg.Client;
let acme: { id: string };
let globex: { id: string };
let acmeSenders: [string, string];
let globexSender: string;
const users = {} as Record<"support" | "engineer" | "admin" | "acmeAdmin" | "globexAdmin", TUser>;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const HOUR = 3_600_000;
const msgs = {} as Record<
  "read" | "failed" | "conflict" | "dupes" | "retried" | "text" | "globex",
  { id: string; recipient: string }
>;
let retriedWamids: { first: string; second: string };

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
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

  const base = { tenantId: acme.id, senderNumberId: acmeSenders[0] };
  msgs.read = await makeMessage(
    db,
    { ...base, recipient: "447700900123", createdAtMs: T0 },
    stories.read(T0),
  );
  msgs.failed = await makeMessage(
    db,
    { ...base, recipient: "491701234567", templateName: "shipping_notice", createdAtMs: T0 + HOUR },
    stories.failed131026(T0 + HOUR),
  );
  msgs.conflict = await makeMessage(
    db,
    { ...base, recipient: "15550004567", createdAtMs: T0 + 2 * HOUR },
    stories.readAfterFailed(T0 + 2 * HOUR),
  );
  msgs.dupes = await makeMessage(
    db,
    { ...base, senderNumberId: acmeSenders[1], recipient: "15550014567", createdAtMs: T0 + 3 * HOUR },
    stories.duplicateHeavy(T0 + 3 * HOUR),
  );
  // two accepted attempts: the first failed, the retry was delivered
  const t4 = T0 + 4 * HOUR;
  retriedWamids = { first: wamidFor("first"), second: wamidFor("second") };
  msgs.retried = await makeMessage(db, { ...base, recipient: "33612345678", createdAtMs: t4 }, [
    { atMs: t4 + 100, drafts: [drafts.attemptStarted(1)] },
    { atMs: t4 + 900, drafts: [drafts.accepted(1, retriedWamids.first)] },
    { atMs: t4 + 9000, drafts: [drafts.failed(retriedWamids.first, t4 + 8000, UNDELIVERABLE)] },
    {
      atMs: t4 + 60_000,
      drafts: [
        {
          type: "retry_scheduled",
          source: "operator",
          providerTimestamp: null,
          dedupeKey: "attempt:2:scheduled",
          payload: {},
          attempt: 2,
          notBefore: t4 + 60_000,
          error: UNDELIVERABLE,
        },
        drafts.attemptStarted(2),
        drafts.accepted(2, retriedWamids.second),
      ],
    },
    { atMs: t4 + 70_000, drafts: [drafts.status("delivered", retriedWamids.second, t4 + 65_000, 2)] },
  ]);
  msgs.text = await makeMessage(db, {
    ...base,
    templateName: null,
    recipient: "15551112222",
    createdAtMs: T0 + 5 * HOUR,
  });
  msgs.globex = await makeMessage(
    db,
    {
      tenantId: globex.id,
      senderNumberId: globexSender,
      recipient: "15550024567",
      createdAtMs: T0 + 1.5 * HOUR,
    },
    stories.read(T0 + 1.5 * HOUR),
  );
});
afterAll(async () => {
  await admin.end();
  await db.$disconnect();
});

const search = (user: TUser | null, input: Record<string, unknown>, tenantId = acme.id) =>
  callerFor(db, user).messages.search({ tenantId, ...input });
const ids = (page: { items: { id: string }[] }) => page.items.map((i) => i.id);

describe("messages.search", () => {
  it("lists a tenant's messages newest first, recipients masked", async () => {
    const page = await search(users.support, {});
    expect(ids(page)).toEqual([
      msgs.text.id,
      msgs.retried.id,
      msgs.dupes.id,
      msgs.conflict.id,
      msgs.failed.id,
      msgs.read.id,
    ]);
    const read = page.items.find((i) => i.id === msgs.read.id)!;
    expect(read.recipientMasked).toBe("+4477••••0123");
    expect(JSON.stringify(page)).not.toContain("447700900123");
    expect(read).toMatchObject({ state: "read", templateName: "order_update", hasOpenDispute: false });
    expect(page.items.find((i) => i.id === msgs.conflict.id)!.conflictKinds).toEqual(["read_after_failed"]);
  });

  it("finds by internal id and by any attempt's wamid", async () => {
    expect(ids(await search(users.support, { messageId: msgs.failed.id }))).toEqual([msgs.failed.id]);
    // the first attempt's wamid is no longer on the message row; message_provider_id keeps it
    expect(ids(await search(users.support, { wamid: retriedWamids.first }))).toEqual([msgs.retried.id]);
    expect(ids(await search(users.support, { wamid: retriedWamids.second }))).toEqual([msgs.retried.id]);
    expect(ids(await search(users.support, { wamid: "wamid.unknown" }))).toEqual([]);
  });

  it("finds by full recipient number or by its last digits", async () => {
    expect(ids(await search(users.support, { recipient: "+44 7700 900123" }))).toEqual([msgs.read.id]);
    expect(ids(await search(users.support, { recipient: "0123" }))).toEqual([msgs.read.id]);
    // last digits shared by three messages; the foreign tenant's 15550024567 is not among them
    expect(ids(await search(users.support, { recipient: "4567" }))).toEqual([
      msgs.dupes.id,
      msgs.conflict.id,
      msgs.failed.id,
    ]);
    // an exact number does not match longer numbers that end with it
    expect(ids(await search(users.support, { recipient: "+550004567" }))).toEqual([]);
    expect(await codeOf(search(users.support, { recipient: "12" }))).toBe("BAD_REQUEST");
  });

  it("filters by sender, template, state, error code and time range", async () => {
    expect(ids(await search(users.support, { senderNumberId: acmeSenders[1] }))).toEqual([msgs.dupes.id]);
    expect(ids(await search(users.support, { templateName: "shipping_notice" }))).toEqual([msgs.failed.id]);
    expect(ids(await search(users.support, { state: "failed" }))).toEqual([msgs.failed.id]);
    expect(ids(await search(users.support, { errorCode: "131026" }))).toEqual(
      expect.arrayContaining([msgs.failed.id, msgs.conflict.id, msgs.retried.id]),
    );
    expect(
      ids(
        await search(users.support, {
          createdFrom: new Date(T0 + HOUR),
          createdTo: new Date(T0 + 3 * HOUR),
        }),
      ),
    ).toEqual([msgs.conflict.id, msgs.failed.id]);
    expect(ids(await search(users.support, { state: "delivered", senderNumberId: acmeSenders[1] }))).toEqual([
      msgs.dupes.id,
    ]);
  });

  it("pages with keyset cursors both ways, in either sort order", async () => {
    const first = await search(users.support, { limit: 2 });
    expect(ids(first)).toEqual([msgs.text.id, msgs.retried.id]);
    expect(first.prevCursor).toBeNull();
    const second = await search(users.support, { limit: 2, after: first.nextCursor });
    expect(ids(second)).toEqual([msgs.dupes.id, msgs.conflict.id]);
    const third = await search(users.support, { limit: 2, after: second.nextCursor });
    expect(ids(third)).toEqual([msgs.failed.id, msgs.read.id]);
    expect(third.nextCursor).toBeNull();
    const back = await search(users.support, { limit: 2, before: third.prevCursor });
    expect(ids(back)).toEqual(ids(second));
    const backToStart = await search(users.support, { limit: 2, before: back.prevCursor });
    expect(ids(backToStart)).toEqual(ids(first));
    expect(backToStart.prevCursor).toBeNull();

    const oldest = await search(users.support, { limit: 4, sort: "created_asc" });
    expect(ids(oldest)).toEqual([msgs.read.id, msgs.failed.id, msgs.conflict.id, msgs.dupes.id]);
    const rest = await search(users.support, { limit: 4, sort: "created_asc", after: oldest.nextCursor });
    expect(ids(rest)).toEqual([msgs.retried.id, msgs.text.id]);
  });

  it("lets a tenant admin search its own tenant and nothing else", async () => {
    expect(ids(await search(users.acmeAdmin, { recipient: "0123" }))).toEqual([msgs.read.id]);
    expect(await codeOf(search(users.acmeAdmin, {}, globex.id))).toBe("FORBIDDEN");
    // naming its own tenant never reaches another tenant's message
    expect(ids(await search(users.acmeAdmin, { messageId: msgs.globex.id }))).toEqual([]);
    expect(await codeOf(search(null, {}))).toBe("UNAUTHORIZED");
  });
});

describe("messages.search across every tenant", () => {
  it("searches every tenant for cross-tenant roles, merged newest first", async () => {
    // other test files share the run's database: bound the search to this file's message times
    // and look only at its two tenants
    const page = await callerFor(db, users.support).messages.search({
      scope: "all",
      recipient: "4567",
      createdFrom: new Date(T0 - HOUR),
      createdTo: new Date(T0 + 6 * HOUR),
    });
    const ours = page.items.filter((i) => i.tenantId === acme.id || i.tenantId === globex.id);
    expect(ours.map((i) => i.id)).toEqual([msgs.dupes.id, msgs.conflict.id, msgs.globex.id, msgs.failed.id]);
    expect(page.items.find((i) => i.id === msgs.globex.id)!.tenantId).toBe(globex.id);
  });

  it("is refused to tenant admins and anonymous callers", async () => {
    expect(await codeOf(callerFor(db, users.acmeAdmin).messages.search({ scope: "all" }))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, null).messages.search({ scope: "all" }))).toBe("UNAUTHORIZED");
  });
});

describe("messages.timeline", () => {
  const timeline = (user: TUser | null, messageId: string, tenantId = acme.id) =>
    callerFor(db, user).messages.timeline({ tenantId, messageId });

  it("shows the worst arrival order: ledger order, duplicates, out-of-order, the decision and why", async () => {
    const view = await timeline(users.support, msgs.conflict.id);
    expect(view.events.map((e) => e.type)).toEqual([
      "requested",
      "attempt_started",
      "provider_accepted",
      "status_read",
      "status_failed",
      "status_delivered",
      "status_sent",
    ]);
    expect(view.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const read = view.events[3]!;
    expect(read.receipts).toMatchObject({ count: 2, description: "received 2 times over 2 days" });
    expect(read.isDecider).toBe(true);
    expect(read.lagText).toBe("received 20 s after the provider's time");
    expect(read.transition).toEqual({ from: "delivered", to: "read" });
    const failed = view.events[4]!;
    expect(failed.outOfOrder?.afterSeq).toBe(4);
    expect(failed.outOfOrder?.text).toContain("3 s earlier");
    expect(failed.transition).toBeNull();
    expect(failed.error?.code).toBe("131026");
    expect(view.events[6]!.outOfOrder?.text).toContain("9 s earlier");
    expect(view.derived.state).toBe("read");
    expect(view.derived.decider).toMatchObject({ type: "status_read", seq: 4 });
    expect(view.derived.clauses[0]).toBe("read: provider reported read for attempt 1");
    expect(view.derived.conflicts).toEqual([
      expect.objectContaining({ kind: "read_after_failed", rule: "R8", seqs: [5, 4] }),
    ]);
    expect(view.derived.transitions.map((t) => t.to)).toEqual([
      "queued",
      "submitting",
      "accepted",
      "sent",
      "delivered",
      "read",
    ]);
    expect(view.derived.isDriftedFromStored).toBe(false);
    expect(view.chain).toMatchObject({ ok: true, checkedEvents: 7 });
    expect(view.counts).toMatchObject({ events: 7, receipts: 8, duplicatedFacts: 1, outOfOrder: 3 });
  });

  it("shows raw bodies to message.view_raw holders, numbers masked, and never to tenant admins", async () => {
    const support = await timeline(users.support, msgs.read.id);
    expect(support.isRawVisible).toBe(true);
    expect(support.request?.payload).toMatchObject({ to: "+4477••••0123", type: "template" });
    expect(support.events[0]!.body).toMatchObject({ type: "requested", dedupeKey: "requested" });
    expect(JSON.stringify(support)).not.toContain("447700900123");
    expect(support.viewer).toMatchObject({ canManageDisputes: true, canForceReconcile: false });

    const tenantAdmin = await timeline(users.acmeAdmin, msgs.read.id);
    expect(tenantAdmin.isRawVisible).toBe(false);
    expect(tenantAdmin.request).toBeNull();
    expect(tenantAdmin.rawWebhooks).toBeNull();
    expect(tenantAdmin.events.every((e) => e.body === null)).toBe(true);
    expect(tenantAdmin.viewer).toMatchObject({ canManageDisputes: false, canRevealRecipient: true });
  });

  it("links the raw webhook requests that delivered a message's facts", async () => {
    const rawId = crypto.randomUUID();
    const wamid = wamidFor("raw");
    const sender = await db.senderNumber.findFirstOrThrow({
      where: { tenantId: acme.id, id: acmeSenders[0] },
    });
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: sender.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: sender.phoneNumberId },
                statuses: [{ id: wamid, status: "sent", recipient_id: "15553337777" }],
              },
            },
          ],
        },
      ],
    });
    await admin.query(
      `INSERT INTO webhook_inbox (id, body_sha256, received_at, body, body_bytes, headers, signature_key_index, available_at)
       VALUES ($1, sha256($2::bytea), now(), $2::bytea, $3, $4, 0, now())`,
      [rawId, Buffer.from(body), Buffer.byteLength(body), { "x-hub-signature-256": "sha256=abc" }],
    );
    const t = Date.UTC(2026, 2, 3, 9, 0, 0);
    const message = await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeSenders[0], recipient: "15553337777", createdAtMs: t },
      [
        { atMs: t + 100, drafts: [drafts.attemptStarted(1), drafts.accepted(1, wamid)] },
        { atMs: t + 3000, drafts: [drafts.status("sent", wamid, t + 2000)], rawWebhookId: rawId },
      ],
    );
    const view = await timeline(users.support, message.id);
    expect(view.rawWebhooks).toHaveLength(1);
    expect(view.rawWebhooks![0]).toMatchObject({ id: rawId, signatureHeader: "sha256=abc", eventSeqs: [4] });
    expect(view.rawWebhooks![0]!.body).toContain(wamid);
    expect(view.rawWebhooks![0]!.body).not.toContain("15553337777");
    expect(view.events[3]!.receipts.arrivals[0]!.rawWebhookId).toBe(rawId);
  });

  it("reports a broken chain of custody", async () => {
    const message = await makeMessage(
      db,
      { tenantId: acme.id, senderNumberId: acmeSenders[0], recipient: "15559990000" },
      stories.read(T0),
    );
    await admin.query("BEGIN");
    await admin.query("SET LOCAL session_replication_role = replica");
    await admin.query(
      `UPDATE message_event SET body = jsonb_set(body, '{providerTimestamp}', '1') WHERE message_id = $1 AND seq = 5`,
      [message.id],
    );
    await admin.query("COMMIT");
    const view = await timeline(users.support, message.id);
    expect(view.chain).toMatchObject({ ok: false, reason: "hash_mismatch", brokenSeq: 5 });
  });

  it("keeps the tenant wall: a foreign tenant is refused, another tenant's message is not found", async () => {
    expect(await codeOf(timeline(users.globexAdmin, msgs.read.id))).toBe("FORBIDDEN");
    expect(await codeOf(timeline(users.acmeAdmin, msgs.globex.id))).toBe("NOT_FOUND");
    expect(await codeOf(timeline(users.support, msgs.globex.id))).toBe("NOT_FOUND");
    expect(await codeOf(timeline(users.support, msgs.globex.id, globex.id))).toBe("OK");
    expect(await codeOf(timeline(null, msgs.read.id))).toBe("UNAUTHORIZED");
  });
});

describe("messages.revealRecipient", () => {
  const reveal = (user: TUser, messageId: string, tenantId = acme.id) =>
    callerFor(db, user).messages.revealRecipient({ tenantId, messageId });

  it("reveals the number and writes message.recipient_revealed to the audit trail", async () => {
    expect(await reveal(users.support, msgs.read.id)).toEqual({ recipient: "+447700900123" });
    expect(await reveal(users.acmeAdmin, msgs.read.id)).toEqual({ recipient: "+447700900123" });
    const audit = await db.auditEvent.findMany({
      where: { action: "message.recipient_revealed", targetId: msgs.read.id },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => a.actorLabel)).toEqual([
      `user:${users.support.email}`,
      `user:${users.acmeAdmin.email}`,
    ]);
    expect(audit[0]).toMatchObject({ tenantId: acme.id, targetType: "message", ip: "127.0.0.1" });
  });

  it("is refused to roles without message.reveal_recipient and across the tenant wall", async () => {
    expect(await codeOf(reveal(users.engineer, msgs.read.id))).toBe("FORBIDDEN");
    expect(await codeOf(reveal(users.globexAdmin, msgs.read.id))).toBe("FORBIDDEN");
    expect(await codeOf(reveal(users.acmeAdmin, msgs.globex.id))).toBe("NOT_FOUND");
    const audit = await db.auditEvent.count({
      where: { action: "message.recipient_revealed", targetId: msgs.globex.id },
    });
    expect(audit).toBe(0);
  });
});

describe("messages.annotate", () => {
  it("appends a note with its actor; the timeline shows it at once and the state does not move", async () => {
    const result = await callerFor(db, users.acmeAdmin).messages.annotate({
      tenantId: acme.id,
      messageId: msgs.failed.id,
      note: "Customer says the number changed last week",
    });
    expect(result.state).toBe("failed");
    const view = await callerFor(db, users.support).messages.timeline({
      tenantId: acme.id,
      messageId: msgs.failed.id,
    });
    const last = view.events.at(-1)!;
    expect(last).toMatchObject({
      type: "annotation",
      source: "operator",
      actor: `user:${users.acmeAdmin.email}`,
      note: "Customer says the number changed last week",
      isInert: true,
      id: result.eventId,
    });
    expect(view.chain.ok).toBe(true);
  });

  it("refuses an empty note, a foreign tenant and anonymous callers", async () => {
    const input = { tenantId: acme.id, messageId: msgs.failed.id, note: "x" };
    expect(await codeOf(callerFor(db, users.support).messages.annotate({ ...input, note: "  " }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(callerFor(db, users.globexAdmin).messages.annotate(input))).toBe("FORBIDDEN");
    expect(await codeOf(callerFor(db, null).messages.annotate(input))).toBe("UNAUTHORIZED");
    expect(
      await codeOf(callerFor(db, users.support).messages.annotate({ ...input, messageId: msgs.globex.id })),
    ).toBe("NOT_FOUND");
  });
});

describe("messages.forceReconcile", () => {
  const force = (user: TUser, messageId: string, tenantId = acme.id) =>
    callerFor(db, user).messages.forceReconcile({
      tenantId,
      messageId,
      reason: "ticket ENG-7: state looks stale",
    });

  it("records the request and, when the projection drifted, repairs it with a state_recomputed", async () => {
    const clean = await force(users.engineer, msgs.dupes.id);
    expect(clean).toMatchObject({ isRepaired: false, stateChange: null });
    // drift: the stored projection says sent while the ledger says delivered
    await admin.query(`UPDATE message SET state = 'sent', state_explanation = 'stale' WHERE id = $1`, [
      msgs.dupes.id,
    ]);
    const before = await callerFor(db, users.engineer).messages.timeline({
      tenantId: acme.id,
      messageId: msgs.dupes.id,
    });
    expect(before.derived.isDriftedFromStored).toBe(true);
    const repaired = await force(users.engineer, msgs.dupes.id);
    expect(repaired).toMatchObject({ isRepaired: true, stateChange: { from: "sent", to: "delivered" } });
    const view = await callerFor(db, users.engineer).messages.timeline({
      tenantId: acme.id,
      messageId: msgs.dupes.id,
    });
    expect(view.events.slice(-3).map((e) => [e.type, e.action])).toEqual([
      ["manual_action", "force_reconcile"],
      ["manual_action", "force_reconcile"],
      ["state_recomputed", null],
    ]);
    expect(view.events.at(-2)).toMatchObject({
      actor: `user:${users.engineer.email}`,
      reason: "ticket ENG-7: state looks stale",
    });
    expect(view.events.at(-1)!.headline).toBe("State recomputed with rules v2: sent → delivered");
    expect(view.message.stored.state).toBe("delivered");
    expect(view.derived.isDriftedFromStored).toBe(false);
  });

  it("is for engineers only, within the tenants they can reach", async () => {
    expect(await codeOf(force(users.support, msgs.dupes.id))).toBe("FORBIDDEN");
    expect(await codeOf(force(users.acmeAdmin, msgs.dupes.id))).toBe("FORBIDDEN");
    expect(await codeOf(force(users.admin, msgs.dupes.id))).toBe("FORBIDDEN");
    expect(await codeOf(force(users.engineer, msgs.globex.id))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        callerFor(db, users.engineer).messages.forceReconcile({
          tenantId: acme.id,
          messageId: msgs.dupes.id,
          reason: " ",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});

describe("the demo seed's messages", () => {
  it("tell the stories they are named for", async () => {
    const demoAcme = await makeTenant(db);
    const demoGlobex = await makeTenant(db);
    for (const tenantId of [demoAcme.id, demoAcme.id, demoGlobex.id])
      await makeSenderNumber(db, testSecretBox, tenantId);
    expect(await seedDemoMessages(db, { acme: demoAcme.id, globex: demoGlobex.id }, Date.now())).toBe(12);
    const view = (tenantId: string, messageId: string) =>
      callerFor(db, users.support).messages.timeline({ tenantId, messageId });
    const conflict = await view(demoAcme.id, DEMO_MESSAGE_IDS.acmeReadAfterFailed);
    expect(conflict.derived).toMatchObject({
      state: "read",
      conflicts: [expect.objectContaining({ kind: "read_after_failed" })],
    });
    expect((await view(demoAcme.id, DEMO_MESSAGE_IDS.acmeFailed)).derived.state).toBe("failed");
    expect((await view(demoAcme.id, DEMO_MESSAGE_IDS.acmeRetried)).derived.state).toBe("delivered");
    const dupes = await view(demoGlobex.id, DEMO_MESSAGE_IDS.globexDuplicates);
    expect(dupes.events.find((e) => e.type === "status_delivered")!.receipts.description).toBe(
      "received 3 times over 2 days",
    );
    // every arrival is in the past
    const now = Date.now();
    expect(conflict.events.every((e) => e.recordedAt.getTime() <= now)).toBe(true);
  });
});
