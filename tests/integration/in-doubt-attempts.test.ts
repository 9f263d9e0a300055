// Attempts and their webhooks always match. Each attempt is sent with `<message id>:<attempt>` as
// its callback data; while an attempt is in doubt (sent, its answer lost), a status carrying that
// callback data proves it was accepted at once (no orphan grace period) and is credited to that
// attempt, so two attempts that both reached the recipient are said to be a possible duplicate.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { appendEvents } from "@/server/services/ledger/append-events";
import { readLedger } from "@/server/services/ledger/read-ledger";
import { sweepOrphans } from "@/server/services/ingest/orphans";
import { searchMessages } from "@/server/db/queries/messages";
import { lookBeforeResend } from "@/server/services/sending/look-before-resend";
import { getMessageView } from "@/server/services/sending/message-views";
import { makeSenderNumber, makeTenant } from "../factories";
import { drafts } from "../factories/ledger";
import { entry, envelope, messagesChange, statusItem, webhookPost } from "../factories/webhooks";
import { createTestDb, testSecretBox } from "../setup/context";
import { APP_SECRET, createWebhookTestPool, drainAll, sentMessage, webhookHandlers } from "./webhook-helpers";

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
let tenant: { id: string };
let sender: Awaited<ReturnType<typeof makeSenderNumber>>;

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  tenant = await makeTenant(db);
  sender = await makeSenderNumber(db, testSecretBox, tenant.id);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

async function post(statuses: Record<string, unknown>[]) {
  const body = envelope([
    entry(sender.wabaId, [messagesChange(sender.phoneNumberId, sender.displayNumber, { statuses })]),
  ]);
  expect((await route.POST(webhookPost(body, { secret: APP_SECRET }))).status).toBe(200);
  await drainAll();
}

const wamid = () => `wamid.HBgL${crypto.randomBytes(12).toString("hex")}`;

/** Attempt 1 timed out (started, no answer), attempt 2 was sent and accepted with `second`. */
async function secondAttemptAccepted(second: string) {
  const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
  await db.$transaction((tx) =>
    appendEvents(
      tx,
      tenant.id,
      messageId,
      [
        {
          type: "retry_scheduled",
          source: "worker",
          providerTimestamp: null,
          dedupeKey: dedupeKey.attempt(2, "scheduled"),
          payload: {},
          attempt: 2,
          notBefore: Date.now(),
          error: { code: "transport.timeout", title: "No response in time", message: "", details: null },
        },
        drafts.attemptStarted(2),
        drafts.accepted(2, second),
      ],
      { now: new Date() },
    ),
  );
  return messageId;
}

describe("a timeout after acceptance", () => {
  it("with the proving webhook: accepted at once, credited to the attempt its callback data names", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null }); // attempt 1 in doubt
    const w = wamid();
    const t = Date.now() - 5_000;
    await post([statusItem(w, "sent", t, { biz_opaque_callback_data: `${messageId}:1` })]);

    const ledger = await readLedger(db, tenant.id, messageId);
    expect(ledger.derived.state).toBe("sent");
    expect(ledger.events.at(-1)).toMatchObject({ type: "status_sent", attempt: 1, providerMessageId: w });
    expect(ledger.derived.explanation).toContain(
      "sent webhook proves acceptance; accept response never recorded",
    );
    expect(
      await db.messageProviderId.findUnique({
        where: { tenantId_providerMessageId: { tenantId: tenant.id, providerMessageId: w } },
      }),
    ).toMatchObject({ messageId, attempt: 1 });
    // no orphan was parked: nothing waited for the grace period
    expect(await db.webhookOrphanStatus.count({ where: { tenantId: tenant.id, providerMessageId: w } })).toBe(
      0,
    );
    // later statuses of that wamid match by the wamid itself
    await post([statusItem(w, "delivered", t + 1000)]);
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("delivered");
  });

  it("without it: the attempt stays in doubt (submitting), nothing is guessed", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("submitting");
  });

  it("a callback naming an attempt known by another wamid is not trusted: the status waits as an orphan", async () => {
    const second = wamid();
    const messageId = await secondAttemptAccepted(second);
    const stranger = wamid();
    await post([
      statusItem(stranger, "sent", Date.now() - 1000, { biz_opaque_callback_data: `${messageId}:2` }),
    ]);
    expect(
      await db.webhookOrphanStatus.count({ where: { tenantId: tenant.id, providerMessageId: stranger } }),
    ).toBe(1);
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("accepted");
  });
});

describe("two attempts both delivered", () => {
  it("the first attempt's delivery is credited to attempt 1 and the message says the recipient may have it twice", async () => {
    const second = wamid();
    const messageId = await secondAttemptAccepted(second);
    const first = wamid();
    const t = Date.now() - 10_000;
    await post([statusItem(second, "delivered", t + 2000)]);
    await post([statusItem(first, "delivered", t + 1000, { biz_opaque_callback_data: `${messageId}:1` })]);

    const ledger = await readLedger(db, tenant.id, messageId);
    const firstDelivery = ledger.events.find((e) => e.dedupeKey === dedupeKey.status(first, "delivered"));
    expect(firstDelivery).toMatchObject({ attempt: 1 });
    expect(ledger.derived.state).toBe("delivered");
    expect(ledger.derived.conflicts.map((c) => c.kind)).toEqual(["superseded_attempt_delivered"]);
    expect(ledger.derived.explanation).toContain("the recipient may get the message twice");
    const row = await db.message.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: tenant.id, id: messageId } },
    });
    expect(row.conflictKinds).toEqual(["superseded_attempt_delivered"]);

    // every surface says so in words: the API view, and the console's "possible duplicates" filter
    const view = await getMessageView(db, tenant.id, messageId);
    expect(view?.possibleDuplicate).toEqual({
      certainty: "delivered",
      warning: expect.stringContaining("the recipient may have this message twice"),
    });
    const page = await searchMessages(db, [tenant.id], {
      isPossibleDuplicate: true,
      sort: "created_desc",
      limit: 50,
    });
    expect(page.rows.map((m) => m.id)).toContain(messageId);
    expect(page.rows.every((m) => m.conflictKinds.includes("superseded_attempt_delivered"))).toBe(true);
  });
});

describe("the orphan sweep", () => {
  it("attaches an older-form callback (message id only) after the grace period; rules v2 credits it to the attempt whose answer was lost", async () => {
    const second = wamid();
    const messageId = await secondAttemptAccepted(second);
    const stranger = wamid();
    await post([statusItem(stranger, "read", Date.now() - 1000, { biz_opaque_callback_data: messageId })]);
    // the older form (no attempt) waits for the grace period
    expect(
      await db.webhookOrphanStatus.count({ where: { tenantId: tenant.id, providerMessageId: stranger } }),
    ).toBe(1);
    const swept = await sweepOrphans(db, {
      now: new Date(Date.now() + 600_000),
      matchGraceSeconds: 60,
      limit: 1000,
    });
    expect(swept.attachedByBizData).toBeGreaterThanOrEqual(1);
    const ledger = await readLedger(db, tenant.id, messageId);
    // rules v2: the wamid differs from attempt 2's, so it is attempt 1's (the one whose answer was lost)
    const read = ledger.events.find((e) => e.dedupeKey === dedupeKey.status(stranger, "read"))!;
    expect(read).toMatchObject({ attempt: null });
    expect(ledger.derived.decider).toMatchObject({
      dedupeKey: dedupeKey.status(stranger, "read"),
      attempt: 1,
    });
    expect(ledger.derived.conflicts.map((c) => c.kind)).toContain("superseded_attempt_delivered");
  });
});

describe("just before a resend", () => {
  const look = (messageId: string) =>
    db.$transaction((tx) =>
      lookBeforeResend(
        tx,
        { tenantId: tenant.id, messageId, senderNumberId: sender.id, attemptCount: 1 },
        new Date(),
      ),
    );

  it("a waiting orphan naming the message is attached: it proves acceptance, nothing is resent", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
    const w = wamid();
    // the older callback form waits for the grace period as an orphan
    await post([statusItem(w, "sent", Date.now() - 2000, { biz_opaque_callback_data: messageId })]);
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("submitting");
    expect(await look(messageId)).toEqual({ kind: "attached", statuses: 1 });
    const ledger = await readLedger(db, tenant.id, messageId);
    expect(ledger.derived.state).toBe("sent");
    expect(ledger.derived.decider).toMatchObject({ attempt: 1 });
  });

  it("a webhook request not yet processed that names the message holds the resend back", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
    const body = envelope([
      entry(sender.wabaId, [
        messagesChange(sender.phoneNumberId, sender.displayNumber, {
          statuses: [
            statusItem(wamid(), "delivered", Date.now() - 1000, {
              biz_opaque_callback_data: `${messageId}:1`,
            }),
          ],
        }),
      ]),
    ]);
    expect((await route.POST(webhookPost(body, { secret: APP_SECRET }))).status).toBe(200);
    expect(await look(messageId)).toEqual({ kind: "wait", pendingRequests: 1 });
    await drainAll();
    expect((await readLedger(db, tenant.id, messageId)).derived.state).toBe("delivered");
  });

  it("with nothing received, it resends", async () => {
    const { messageId } = await sentMessage(db, tenant.id, sender.id, { wamid: null });
    expect(await look(messageId)).toEqual({ kind: "resend" });
  });
});
