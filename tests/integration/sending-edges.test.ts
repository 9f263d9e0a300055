// What Meta says about a send besides "accepted" or an error, acted on before it turns into a
// failure: template pacing (the send answer's message_status), templates Meta paused or disabled,
// marketing opt-outs and the customer-service window. The pipeline runs on real PostgreSQL
// against the provider simulator over real HTTP (in-process), with the simulator's scenarios.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { DEFAULT_RETRY_POLICY } from "@/server/domain/sending/retry-policy";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import type { TSendMessageRequest } from "@/server/domain/sending/send-request";
import { createLogger } from "@/server/platform/logger";
import { seededRandom, startSimulator, type TSimulator } from "@/server/providers/simulator/simulator";
import { ZSimulatorConfigSchema } from "@/server/providers/simulator/scenario";
import { createWhatsAppCloudProvider } from "@/server/providers/whatsapp-cloud/client";
import { loadChain, readLedger } from "@/server/services/ledger/read-ledger";
import { detectStalled } from "@/server/services/monitoring/detect-stalled";
import type { TSendingConfig } from "@/server/services/sending/config";
import { startDispatcher, type TDispatcher } from "@/server/services/sending/dispatcher";
import { getMessageEventsView, getMessageView } from "@/server/services/sending/message-views";
import { createCredentialCache } from "@/server/services/sending/process-send";
import { requestSend, requestSendDepsOf } from "@/server/services/sending/request-send";
import { makeSenderNumber, makeTenant } from "../factories";
import {
  entry,
  envelope,
  messagesChange,
  otherFields,
  unixSeconds,
  webhookPost,
} from "../factories/webhooks";
import { APP_SECRET, createWebhookTestPool, drainAll, webhookHandlers } from "./webhook-helpers";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { waitFor } from "../setup/processes";

const CONFIG: TSendingConfig = {
  retry: {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts: 3,
    baseDelayMs: 100,
    maxDelayMs: 300,
    inDoubtGraceMs: 2_000,
  },
  throughput: DEFAULT_THROUGHPUT,
  concurrency: 8,
  leaseMs: 8_000,
  pollMs: 50,
};

let db: TDb;
let admin: pg.Client;
let simulator: TSimulator;
let dispatcher: TDispatcher;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;

type TSenderFixture = {
  tenantId: string;
  senderId: string;
  phoneNumberId: string;
  wabaId: string;
  displayNumber: string;
};
let acme: TSenderFixture;

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  // leftovers of earlier files would be claimed too: this file starts from an empty queue
  await admin.query("DELETE FROM send_queue");
  pool = createWebhookTestPool();
  route = webhookHandlers(pool);
  const tenant = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
  acme = {
    tenantId: tenant.id,
    senderId: sender.id,
    phoneNumberId: sender.phoneNumberId,
    wabaId: sender.wabaId,
    displayNumber: sender.displayNumber,
  };
  simulator = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    // status webhooks are not ingested here: a closed port
    webhookUrl: "http://127.0.0.1:9/api/webhooks/whatsapp",
    appSecret: "edges-test-app-secret-0123456789",
    config: ZSimulatorConfigSchema.parse({
      defaults: { latencyMs: { min: 5, max: 20 }, rateLimitPerSecond: null, pairLimit: null },
      webhooks: {
        batchWindowMs: 1_000,
        maxStatusesPerPost: 25,
        multiEntryRate: 0,
        retries: 0,
        retryBaseMs: 1_000,
      },
    }),
    random: seededRandom(17),
    log: createLogger("simulator", "error"),
  });
  dispatcher = startDispatcher({
    db,
    pool,
    databaseUrl: testDatabaseUrl(),
    provider: createWhatsAppCloudProvider({ baseUrl: simulator.url, version: "v21.0", timeoutMs: 1_500 }),
    credentials: createCredentialCache(db, testSecretBox),
    config: CONFIG,
    workerId: `edges-test-${crypto.randomUUID().slice(0, 8)}`,
    clock: () => new Date(),
    random: seededRandom(3),
    log: createLogger("dispatcher", "fatal"),
  });
});
afterEach(() => {
  for (const rule of simulator.engine.config().rules) if (rule.id) simulator.engine.removeRule(rule.id);
});
afterAll(async () => {
  await dispatcher.stop(2_000);
  await simulator.close();
  await admin.query("DELETE FROM send_queue WHERE tenant_id = $1::uuid", [acme.tenantId]);
  await admin.end();
  await pool.end();
  await db.$disconnect();
});

let recipientCounter = 0;
function newRecipient(): string {
  recipientCounter += 1;
  return `1555${String(Date.now() % 1000).padStart(3, "0")}${String(recipientCounter).padStart(4, "0")}`;
}

function template(to: string, name = "spring_sale", category?: "marketing" | "utility"): TSendMessageRequest {
  return {
    from: acme.senderId,
    to: `+${to}`,
    type: "template",
    template: { name, language: "en_US", bodyParameters: ["20%"], ...(category ? { category } : {}) },
  };
}

async function send(request: TSendMessageRequest): Promise<string> {
  const result = await requestSend(requestSendDepsOf(db), {
    tenantId: acme.tenantId,
    request,
    idempotencyKey: null,
    origin: { kind: "api", apiKeyId: crypto.randomUUID() },
    now: new Date(),
  });
  if (result.kind !== "created") throw new Error(`not created: ${result.kind}`);
  return result.message.id;
}

function waitForState(messageId: string, states: string[], timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const row = await db.message.findUniqueOrThrow({
        where: { tenantId_id: { tenantId: acme.tenantId, id: messageId } },
        select: { state: true, stateExplanation: true, stateReachedAt: true, templatePacing: true },
      });
      return states.includes(row.state) ? row : null;
    },
    timeoutMs,
    `message ${messageId} to reach ${states.join("|")}`,
  );
}

function sweep(now: Date) {
  return detectStalled(db, {
    now,
    cohort: { minStalled: 1_000, jump: 0.9, baselineMinutes: 60 },
    limitPerState: 500,
    tenantIds: [acme.tenantId],
  });
}

describe("template pacing: the send answer's message_status is a fact", () => {
  it("a template Meta holds for quality assessment says so everywhere and has its own stall threshold", async () => {
    simulator.engine.addRule({
      id: "held",
      match: { phoneNumberId: acme.phoneNumberId },
      scenario: { templateMessageStatus: "held_for_quality_assessment" },
    });
    const id = await send(template(newRecipient()));
    const row = await waitForState(id, ["accepted"]);
    const held = "Meta is holding this marketing template for quality assessment";
    expect(row.templatePacing).toBe("held_for_quality_assessment");
    expect(row.stateExplanation).toBe(
      `accepted: provider accepted attempt 1 (${held}), no status webhook yet`,
    );

    // the fact itself, hash-chained: Meta's answer whole in the payload, the pacing as a field
    const chain = await loadChain(db, acme.tenantId, id);
    expect(chain.at(-1)).toMatchObject({
      type: "provider_accepted",
      templatePacing: "held_for_quality_assessment",
      payload: { messageStatus: "held_for_quality_assessment" },
    });
    const ledger = await readLedger(db, acme.tenantId, id);
    expect(ledger.chain.ok).toBe(true);
    expect(ledger.derived.pacing).toBe("held_for_quality_assessment");

    // the API view and the events view (the timeline's explanation) say it in words
    const view = await getMessageView(db, acme.tenantId, id);
    expect(view?.templatePacing).toEqual({ status: "held_for_quality_assessment", description: held });
    expect(view?.explanation).toContain(held);
    expect((await getMessageEventsView(db, acme.tenantId, id))?.explanation).toContain(held);

    // 20 minutes on: an ordinary accepted message would be stalled (15 min), a held one is not
    const since = row.stateReachedAt.getTime();
    await sweep(new Date(since + 20 * 60_000));
    expect(await db.alert.count({ where: { tenantId: acme.tenantId, messageId: id } })).toBe(0);
    // a day on, Meta has neither released nor dropped it: worth a look
    await sweep(new Date(since + 25 * 60 * 60_000));
    const alert = await db.alert.findFirstOrThrow({ where: { tenantId: acme.tenantId, messageId: id } });
    expect(alert.title).toBe("Message stalled in accepted (held by Meta's template pacing)");
    expect(alert.details).toMatchObject({ thresholdSeconds: 24 * 60 * 60 });
  });

  it("an ordinary accepted template is flagged at the accepted threshold, and 'accepted' is no pacing", async () => {
    const id = await send(template(newRecipient()));
    const row = await waitForState(id, ["accepted"]);
    expect(row.templatePacing).toBeNull();
    expect(row.stateExplanation).toBe("accepted: provider accepted attempt 1, no status webhook yet");
    expect((await getMessageView(db, acme.tenantId, id))?.templatePacing).toBeNull();
    await sweep(new Date(row.stateReachedAt.getTime() + 20 * 60_000));
    expect(await db.alert.count({ where: { tenantId: acme.tenantId, messageId: id } })).toBe(1);
  });

  it("a send answered 'paused' is recorded as paused pacing", async () => {
    simulator.engine.addRule({
      id: "paused",
      match: { phoneNumberId: acme.phoneNumberId },
      scenario: { templateMessageStatus: "paused" },
    });
    const id = await send(template(newRecipient()));
    const row = await waitForState(id, ["accepted"]);
    expect(row.templatePacing).toBe("paused");
    expect((await getMessageView(db, acme.tenantId, id))?.templatePacing?.description).toBe(
      "Meta has paused this template: the message waits at Meta until the template is released",
    );
  });
});

/** Meta's webhooks for acme's WABA (other fields than statuses), through the route and the drainer. */
async function postChanges(changes: Record<string, unknown>[]) {
  const body = envelope([entry(acme.wabaId, changes, Date.now())]);
  expect((await route.POST(webhookPost(body, { secret: APP_SECRET }))).status).toBe(200);
  await drainAll();
}

let templateIds = 7_000;
function templateStatus(name: string, event: string) {
  return otherFields.templateStatus(templateIds, event, name);
}

describe("a template Meta paused or disabled", () => {
  it("holds its sends at dispatch with the reason, and releases them when the template is active again", async () => {
    templateIds += 1;
    const name = `winter_promo_${templateIds}`;
    await postChanges([templateStatus(name, "PAUSED")]);
    const id = await send(template(newRecipient(), name));
    const reason = `template ${name} (en_US) is paused at Meta: the message waits until the template is active again`;
    await waitFor(
      async () =>
        (
          await db.sendQueueItem.findUnique({
            where: { tenantId_messageId: { tenantId: acme.tenantId, messageId: id } },
            select: { heldReason: true },
          })
        )?.heldReason ?? null,
      10_000,
      "the send to be held",
    );
    // nothing left for Meta: no 132015, no attempt spent
    expect(simulator.engine.sent({ callbackData: `${id}:1` })).toHaveLength(0);
    const row = await db.message.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: acme.tenantId, id } },
      select: { state: true, attemptCount: true },
    });
    expect(row).toEqual({ state: "queued", attemptCount: 0 });
    const view = await getMessageView(db, acme.tenantId, id);
    expect(view?.hold).toBe(reason);
    expect(view?.explanation).toBe(`queued: requested, no attempt started yet; held: ${reason}`);
    // the claim skips it: a second look a moment later finds it still held, still unsent
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.engine.sent({ callbackData: `${id}:1` })).toHaveLength(0);

    // Meta reinstates the template: the held send goes at once
    await postChanges([templateStatus(name, "APPROVED")]);
    await waitForState(id, ["accepted"]);
    expect(simulator.engine.sent({ callbackData: `${id}:1` })).toHaveLength(1);
    expect((await getMessageView(db, acme.tenantId, id))?.hold).toBeNull();
  });

  it("a disabled template holds too; another template of the number keeps flowing", async () => {
    templateIds += 1;
    const name = `old_promo_${templateIds}`;
    await postChanges([templateStatus(name, "DISABLED")]);
    const held = await send(template(newRecipient(), name));
    const other = await send(template(newRecipient(), "order_update"));
    await waitForState(other, ["accepted"]);
    const queued = await waitFor(
      async () =>
        (
          await db.sendQueueItem.findUnique({
            where: { tenantId_messageId: { tenantId: acme.tenantId, messageId: held } },
            select: { heldReason: true },
          })
        )?.heldReason ?? null,
      10_000,
      "the send to be held",
    );
    expect(queued).toBe(
      `template ${name} (en_US) is disabled at Meta: the message waits until the template is active again`,
    );
  });
});

/** A user_preferences change as Meta sends it (marketing_messages: stop | resume). */
function userPreference(waId: string, value: "stop" | "resume", atMs: number) {
  return {
    field: "user_preferences",
    value: {
      messaging_product: "whatsapp",
      metadata: {
        display_phone_number: acme.displayNumber.replace(/^\+/, ""),
        phone_number_id: acme.phoneNumberId,
      },
      contacts: [{ profile: { name: "Sheena" }, wa_id: waId }],
      user_preferences: [
        {
          wa_id: waId,
          detail:
            value === "stop"
              ? "User requested to stop marketing messages"
              : "User requested to resume marketing messages",
          category: "marketing_messages",
          value,
          timestamp: Number(unixSeconds(atMs)),
        },
      ],
    },
  };
}

/** An inbound text message from the user to acme's number (its content is never kept). */
function inbound(from: string, atMs: number) {
  return messagesChange(acme.phoneNumberId, acme.displayNumber, {
    messages: [
      {
        from,
        id: `wamid.IN${crypto.randomBytes(10).toString("hex")}`,
        timestamp: unixSeconds(atMs),
        type: "text",
        text: { body: "Where is my order?" },
      },
    ],
  });
}

async function deadLetterOf(id: string) {
  return db.deadLetter.findUnique({
    where: { tenantId_messageId: { tenantId: acme.tenantId, messageId: id } },
    select: { reason: true, reasonClass: true, errorCode: true, errorTitle: true },
  });
}

describe("marketing opt-outs (user_preferences)", () => {
  it("are stored per number and user; a marketing template to an opted-out user is refused with the reason, a utility one is sent", async () => {
    const user = newRecipient();
    const t = Date.now() - 60_000;
    await postChanges([userPreference(user, "stop", t)]);
    expect(
      await db.recipientContact.findUniqueOrThrow({
        where: {
          tenantId_senderNumberId_recipient: {
            tenantId: acme.tenantId,
            senderNumberId: acme.senderId,
            recipient: user,
          },
        },
        select: { marketingOptedOut: true, marketingPreferenceAt: true, lastInboundAt: true },
      }),
    ).toEqual({
      marketingOptedOut: true,
      marketingPreferenceAt: new Date(Math.floor(t / 1000) * 1000),
      lastInboundAt: null,
    });

    const marketing = await send(template(user, "spring_sale", "marketing"));
    const refused = await waitForState(marketing, ["dead_lettered"]);
    expect(refused.stateExplanation).toContain(
      "dead_lettered: stopped at attempt 0, refused before sending: recipient opted out of marketing messages (waybill.marketing_opt_out: Recipient opted out of marketing messages)",
    );
    expect(await deadLetterOf(marketing)).toMatchObject({
      reasonClass: "permanent",
      errorCode: "waybill.marketing_opt_out",
      errorTitle: "Recipient opted out of marketing messages",
    });
    expect(simulator.engine.sent({ callbackData: `${marketing}:1` })).toHaveLength(0);
    expect((await getMessageView(db, acme.tenantId, marketing))?.lastError?.message).toContain(
      "the recipient asked this number to stop marketing messages",
    );

    const utility = await send(template(user, "order_update", "utility"));
    await waitForState(utility, ["accepted"]);

    // an older "resume" arriving late changes nothing; a newer one opts the user back in
    await postChanges([userPreference(user, "resume", t - 3_600_000)]);
    const still = await send(template(user, "spring_sale", "marketing"));
    await waitForState(still, ["dead_lettered"]);
    await postChanges([userPreference(user, "resume", t + 1_000)]);
    const again = await send(template(user, "spring_sale", "marketing"));
    await waitForState(again, ["accepted"]);
  });
});

describe("the customer-service window from the user's last message", () => {
  const text = (to: string): TSendMessageRequest => ({
    from: acme.senderId,
    to: `+${to}`,
    type: "text",
    text: { body: "Your parcel left the depot." },
  });

  it("records the time of the last inbound message, never its content, and refuses free-form text once the window closed", async () => {
    const late = newRecipient();
    const recent = newRecipient();
    const now = Date.now();
    await postChanges([inbound(late, now - 25 * 3_600_000), inbound(recent, now - 3_600_000)]);
    const contact = await db.recipientContact.findUniqueOrThrow({
      where: {
        tenantId_senderNumberId_recipient: {
          tenantId: acme.tenantId,
          senderNumberId: acme.senderId,
          recipient: late,
        },
      },
    });
    expect(contact.lastInboundAt).toEqual(new Date(Math.floor((now - 25 * 3_600_000) / 1000) * 1000));
    expect(JSON.stringify(contact)).not.toContain("Where is my order?");

    const closed = await send(text(late));
    await waitForState(closed, ["dead_lettered"]);
    expect(await deadLetterOf(closed)).toMatchObject({
      reasonClass: "permanent",
      errorCode: "waybill.outside_service_window",
      errorTitle: "Outside the customer-service window",
    });
    expect(simulator.engine.sent({ callbackData: `${closed}:1` })).toHaveLength(0);

    const open = await send(text(recent));
    await waitForState(open, ["accepted"]);
    // a template needs no window
    const templated = await send(template(late, "order_update"));
    await waitForState(templated, ["accepted"]);
    // the user writes again: the window reopens (an older message arriving late does not close it)
    await postChanges([inbound(late, now - 60_000), inbound(late, now - 30 * 3_600_000)]);
    const reopened = await send(text(late));
    await waitForState(reopened, ["accepted"]);
  });
});

describe("limits above the message", () => {
  async function secondSender(): Promise<TSenderFixture> {
    const sender = await makeSenderNumber(db, testSecretBox, acme.tenantId);
    return {
      tenantId: acme.tenantId,
      senderId: sender.id,
      phoneNumberId: sender.phoneNumberId,
      wabaId: sender.wabaId,
      displayNumber: sender.displayNumber,
    };
  }
  const templateFrom = (sender: TSenderFixture, to: string): TSendMessageRequest => ({
    from: sender.senderId,
    to: `+${to}`,
    type: "template",
    template: { name: "order_update", language: "en_US", bodyParameters: ["#1"] },
  });
  async function sendAs(sender: TSenderFixture, to: string): Promise<string> {
    const result = await requestSend(requestSendDepsOf(db), {
      tenantId: sender.tenantId,
      request: templateFrom(sender, to),
      idempotencyKey: null,
      origin: { kind: "api", apiKeyId: crypto.randomUUID() },
      now: new Date(),
    });
    if (result.kind !== "created") throw new Error(`not created: ${result.kind}`);
    return result.message.id;
  }
  const queueRow = (id: string) =>
    db.sendQueueItem.findUnique({
      where: { tenantId_messageId: { tenantId: acme.tenantId, messageId: id } },
      select: { notBefore: true, attempt: true },
    });

  it("131048 cools the number down for an hour instead of pausing it; its queue waits, the retry goes after the cool-down", async () => {
    const number = await secondSender();
    simulator.engine.addRule({
      id: "spam",
      match: { phoneNumberId: number.phoneNumberId },
      scenario: { syncErrors: [{ code: 131048, rate: 1 }] },
    });
    const before = Date.now();
    const first = await sendAs(number, newRecipient());
    await waitForState(first, ["retrying"]);
    const dispatch = await db.senderDispatch.findUniqueOrThrow({
      where: { tenantId_senderNumberId: { tenantId: acme.tenantId, senderNumberId: number.senderId } },
      select: { pausedAt: true, cooldownUntil: true, cooldownReason: true, cooldownErrorCode: true },
    });
    expect(dispatch.pausedAt).toBeNull(); // no engineer needed: time is the cure
    expect(dispatch.cooldownErrorCode).toBe("131048");
    expect(dispatch.cooldownReason).toBe(
      "spam rate limit hit (131048): too many recent messages were blocked or reported",
    );
    expect(dispatch.cooldownUntil!.getTime()).toBeGreaterThanOrEqual(before + 60 * 60_000);
    // the retry is due no earlier than the end of the cool-down
    expect((await queueRow(first))!.notBefore.getTime()).toBeGreaterThanOrEqual(
      dispatch.cooldownUntil!.getTime(),
    );
    expect(
      await db.alert.count({
        where: { tenantId: acme.tenantId, kind: "sender_health", senderNumberId: number.senderId },
      }),
    ).toBe(0);

    // the next message of that number waits whole, saying why; other numbers flow
    const next = await sendAs(number, newRecipient());
    const other = await send(template(newRecipient(), "order_update"));
    await waitForState(other, ["accepted"]);
    expect(simulator.engine.sent({ callbackData: `${next}:1` })).toHaveLength(0);
    expect(
      (await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId: acme.tenantId, id: next } } }))
        .state,
    ).toBe("queued");
    expect((await getMessageView(db, acme.tenantId, next))?.hold).toMatch(
      /^the number cools down until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC: spam rate limit hit \(131048\)/,
    );
  });

  it("80007 opens the WABA's circuit: every number of that WABA waits, the retry goes when it closes; a repeat opens it longer", async () => {
    const number = await secondSender();
    simulator.engine.addRule({
      id: "waba-rate",
      match: { phoneNumberId: number.phoneNumberId },
      scenario: { syncErrors: [{ code: 80007, rate: 1 }] },
    });
    const id = await sendAs(number, newRecipient());
    await waitForState(id, ["retrying"]);
    const circuit = await db.providerCircuit.findUniqueOrThrow({
      where: { scope_scopeKey: { scope: "waba", scopeKey: number.wabaId } },
    });
    expect(circuit).toMatchObject({
      trips: 1,
      errorCode: "80007",
      reason: "the WhatsApp Business Account hit its rate limit (80007)",
    });
    expect(circuit.openUntil.getTime() - circuit.openedAt.getTime()).toBe(5 * 60_000);
    expect((await queueRow(id))!.notBefore.getTime()).toBeGreaterThanOrEqual(circuit.openUntil.getTime());
    const waiting = await sendAs(number, newRecipient());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simulator.engine.sent({ callbackData: `${waiting}:1` })).toHaveLength(0);
    expect((await getMessageView(db, acme.tenantId, waiting))?.hold).toContain(
      "the WhatsApp Business Account's circuit breaker is open until",
    );
    // the circuit closes (time passes): the waiting message goes; the number still answers
    // 80007, so the circuit opens again, twice as long
    await db.providerCircuit.update({
      where: { scope_scopeKey: { scope: "waba", scopeKey: number.wabaId } },
      data: { openUntil: new Date(Date.now() - 1_000), openedAt: new Date(Date.now() - 5 * 60_000 - 1_000) },
    });
    await waitFor(
      async () => {
        const row = await db.providerCircuit.findUniqueOrThrow({
          where: { scope_scopeKey: { scope: "waba", scopeKey: number.wabaId } },
        });
        return row.trips === 2 ? row : null;
      },
      10_000,
      "the circuit to trip again",
    ).then((row) => expect(row.openUntil.getTime() - row.openedAt.getTime()).toBe(10 * 60_000));
    await db.providerCircuit.deleteMany({ where: { scope: "waba", scopeKey: number.wabaId } });
  });

  it("4 opens the app's circuit for every number", async () => {
    const number = await secondSender();
    simulator.engine.addRule({
      id: "app-rate",
      match: { phoneNumberId: number.phoneNumberId },
      scenario: { syncErrors: [{ code: 4, rate: 1 }] },
    });
    try {
      const id = await sendAs(number, newRecipient());
      await waitForState(id, ["retrying"]);
      const circuit = await db.providerCircuit.findUniqueOrThrow({
        where: { scope_scopeKey: { scope: "app", scopeKey: "graph" } },
      });
      expect(circuit.errorCode).toBe("4");
      // another number, another WABA: it waits too (the app's rate is shared)
      const other = await send(template(newRecipient(), "order_update"));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(simulator.engine.sent({ callbackData: `${other}:1` })).toHaveLength(0);
      expect((await getMessageView(db, acme.tenantId, other))?.hold).toContain(
        "the app's circuit breaker is open until",
      );
    } finally {
      // the app's circuit is the whole database's: close it for the files after this one
      await db.providerCircuit.deleteMany({ where: { scope: "app" } });
    }
  });
});
