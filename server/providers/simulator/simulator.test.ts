// The provider simulator in-process: Meta's validation and answers, the scenario knobs, and the
// signed, batched status webhooks it posts (received here by a plain HTTP server).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@/server/platform/logger";
import type { TWebhookPayload, TWebhookStatus } from "../whatsapp-cloud/wire";
import { validateSendBody } from "./graph-responses";
import {
  DEFAULT_SCENARIO,
  matchesPattern,
  resolveScenario,
  ZSimulatorConfigSchema,
  type TScenario,
} from "./scenario";
import { seededRandom, startSimulator, type TSimulator } from "./simulator";
import { pickPricingType, planStatuses } from "./status-plan";
import { signWebhookBody } from "./webhook-outbox";

/** A JSON body under test: assertions reach into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions themselves
type TJsonBody = Record<string, any>;

const SECRET = "simulator-test-app-secret-0123456789";
const PNID = "106540352242922";
const received: { body: string; signature: string | undefined; payload: TWebhookPayload }[] = [];
let webhookStatus = 200;
let receiver: http.Server;
let simulator: TSimulator;
let initialConfig: unknown;

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (webhookStatus === 200) {
        received.push({
          body,
          signature: request.headers["x-hub-signature-256"] as string | undefined,
          payload: JSON.parse(body) as TWebhookPayload,
        });
      }
      response.writeHead(webhookStatus).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  simulator = await startSimulator({
    port: 0,
    host: "127.0.0.1",
    webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/whatsapp`,
    appSecret: SECRET,
    config: ZSimulatorConfigSchema.parse({
      numbers: { [PNID]: { wabaId: "102290129340398", displayPhoneNumber: "15550101001" } },
      defaults: {
        latencyMs: { min: 0, max: 0 },
        webhookDelayMs: { min: 0, max: 0 },
        duplicateRate: 0,
        reorderRate: 0,
      },
      webhooks: { batchWindowMs: 20, maxStatusesPerPost: 25, multiEntryRate: 0, retries: 3, retryBaseMs: 50 },
    }),
    random: seededRandom(7),
    log: createLogger("simulator-test", "error"),
  });
  initialConfig = structuredClone(simulator.engine.config());
});
afterEach(() => {
  simulator.engine.reset();
  simulator.engine.setConfig(initialConfig);
  received.length = 0;
  webhookStatus = 200;
});
afterAll(async () => {
  await simulator.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const TEMPLATE = {
  messaging_product: "whatsapp",
  recipient_type: "individual",
  to: "+15551234567",
  type: "template",
  template: { name: "order_update", language: { code: "en_US", policy: "deterministic" } },
  biz_opaque_callback_data: "msg-1",
};

async function send(body: unknown, options: { token?: string | null; pnid?: string; version?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? "EAAG-test"}`;
  const response = await fetch(
    `${simulator.url}/${options.version ?? "v21.0"}/${options.pnid ?? PNID}/messages`,
    {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    },
  );
  return { status: response.status, body: (await response.json()) as TJsonBody };
}

async function waitForStatuses(count: number, timeoutMs = 5_000): Promise<TWebhookStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    simulator.outbox.flush();
    const statuses = received.flatMap((r) =>
      r.payload.entry.flatMap((e) =>
        e.changes.flatMap((c) => (c.field === "messages" ? c.value.statuses : [])),
      ),
    );
    if (statuses.length >= count) return statuses;
    if (Date.now() > deadline) throw new Error(`only ${statuses.length} of ${count} statuses arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the send endpoint", () => {
  it("accepts a template like Meta: contacts, a wamid, message_status", async () => {
    const { status, body } = await send(TEMPLATE);
    expect(status).toBe(200);
    expect(body).toEqual({
      messaging_product: "whatsapp",
      contacts: [{ input: "+15551234567", wa_id: "15551234567" }],
      messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/=]+$/), message_status: "accepted" }],
    });
    expect(simulator.engine.sent({ callbackData: "msg-1" })).toHaveLength(1);
  });

  it("refuses a missing token with 190 and a bad request with Graph's messages", async () => {
    expect(await send(TEMPLATE, { token: null })).toMatchObject({
      status: 401,
      body: { error: { code: 190, type: "OAuthException" } },
    });
    expect(await send({ ...TEMPLATE, messaging_product: "sms" })).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 100,
          message: '(#100) Param messaging_product must be one of {WHATSAPP} - got "sms".',
        },
      },
    });
    expect(await send({ ...TEMPLATE, to: undefined })).toMatchObject({
      status: 400,
      body: { error: { code: 100, message: "(#100) The parameter to is required." } },
    });
    expect(
      await send({ messaging_product: "whatsapp", to: "15551234567", type: "text", text: {} }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 100, message: "(#100) The parameter text['body'] is required." } },
    });
    expect(await send({ ...TEMPLATE, to: "not-a-number" })).toMatchObject({
      status: 400,
      body: { error: { code: 131009 } },
    });
    const unknownPath = await fetch(`${simulator.url}/v21.0/${PNID}/media`, { method: "POST" });
    expect(unknownPath.status).toBe(400);
  });

  it("answers 130429 above the number's rate and 131056 above a pair's limit", async () => {
    simulator.engine.addRule({
      id: "slow",
      match: { phoneNumberId: PNID },
      scenario: { rateLimitPerSecond: 3, pairLimit: null },
    });
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send({ ...TEMPLATE, to: `1555000${1000 + i}` })),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(3);
    expect(burst.filter((r) => r.status === 429).map((r) => r.body.error.code)).toEqual([
      130429, 130429, 130429,
    ]);

    simulator.engine.addRule({
      id: "pair",
      match: { phoneNumberId: PNID },
      scenario: { rateLimitPerSecond: null, pairLimit: { burst: 2, perMs: 6_000 } },
    });
    const pair = [];
    for (let i = 0; i < 3; i += 1) pair.push(await send({ ...TEMPLATE, to: "15559990000" }));
    expect(pair.map((r) => r.status)).toEqual([200, 200, 400]);
    expect(pair[2]!.body.error).toMatchObject({
      code: 131056,
      error_data: { details: expect.stringContaining("too many messages") },
    });
    // another recipient of the same number is not affected
    expect((await send({ ...TEMPLATE, to: "15559990001" })).status).toBe(200);
  });

  it("injects synchronous errors, an invalid token and a Meta outage per scenario", async () => {
    simulator.engine.addRule({
      id: "bad",
      match: { recipient: "1555666*" },
      scenario: { syncErrors: [{ code: 131026, rate: 1 }] },
    });
    expect(await send({ ...TEMPLATE, to: "15556661234" })).toMatchObject({
      status: 400,
      body: { error: { code: 131026 } },
    });
    expect((await send({ ...TEMPLATE, to: "15557771234" })).status).toBe(200);

    simulator.engine.addRule({
      id: "token",
      match: { phoneNumberId: "999" },
      scenario: { invalidToken: true },
    });
    expect(await send(TEMPLATE, { pnid: "999" })).toMatchObject({
      status: 401,
      body: { error: { code: 190, error_subcode: 463 } },
    });

    simulator.engine.setOutage("unavailable");
    expect(await send(TEMPLATE)).toMatchObject({
      status: 503,
      body: { error: { code: 2, is_transient: true } },
    });
    simulator.engine.setOutage("errors");
    expect(await send(TEMPLATE)).toMatchObject({ status: 500, body: { error: { code: 131000 } } });
  });
});

describe("the phone number object (GET /{phone_number_id})", () => {
  async function read(fields: string | null, options: { token?: string | null; pnid?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? "EAAG-test"}`;
    const query = fields === null ? "" : `?fields=${fields}`;
    const response = await fetch(`${simulator.url}/v21.0/${options.pnid ?? PNID}${query}`, { headers });
    return { status: response.status, body: (await response.json()) as TJsonBody };
  }
  async function admin(path: string, body?: unknown) {
    const response = await fetch(`${simulator.url}/_admin/${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as TJsonBody };
  }

  it("answers the fields asked for, like Graph; the default fields when none are named", async () => {
    const fields =
      "quality_rating,status,throughput,whatsapp_business_manager_messaging_limit,name_status,code_verification_status";
    expect(await read(fields)).toEqual({
      status: 200,
      body: {
        id: PNID,
        quality_rating: "GREEN",
        status: "CONNECTED",
        throughput: { level: "STANDARD" },
        whatsapp_business_manager_messaging_limit: "TIER_1K",
        name_status: "APPROVED",
        code_verification_status: "VERIFIED",
      },
    });
    const plain = await read(null);
    expect(Object.keys(plain.body).sort()).toEqual(
      [
        "code_verification_status",
        "display_phone_number",
        "id",
        "platform_type",
        "quality_rating",
        "throughput",
        "verified_name",
      ].sort(),
    );
  });

  it("lets an operator change what a number reports, and refuses an unknown field", async () => {
    const changed = await admin(`numbers/${PNID}/profile`, {
      quality_rating: "YELLOW",
      messaging_limit: "TIER_2K",
      throughput_level: "HIGH",
    });
    expect(changed).toMatchObject({ status: 200, body: { quality_rating: "YELLOW", status: "CONNECTED" } });
    expect(
      (await read("quality_rating,throughput,messaging_limit_tier,whatsapp_business_manager_messaging_limit"))
        .body,
    ).toEqual({
      id: PNID,
      quality_rating: "YELLOW",
      throughput: { level: "HIGH" },
      messaging_limit_tier: "TIER_2K",
      whatsapp_business_manager_messaging_limit: "TIER_2K",
    });
    expect((await admin(`numbers/${PNID}/profile`)).body).toMatchObject({ messaging_limit: "TIER_2K" });
    expect((await admin(`numbers/${PNID}/profile`, { quality: "RED" })).status).toBe(400);
    expect((await admin(`numbers/${PNID}/profile`, { quality_rating: 3 })).status).toBe(400);
    expect((await admin("numbers/999/profile", { quality_rating: "RED" })).status).toBe(400);
  });

  it("checks the token like the send endpoint; can be told to fail a read", async () => {
    expect(await read("quality_rating", { token: null })).toMatchObject({
      status: 401,
      body: { error: { code: 190 } },
    });
    expect(await read("quality_rating", { pnid: "404404" })).toMatchObject({
      status: 400,
      body: { error: { code: 100, message: expect.stringMatching(/^Unsupported get request\./) } },
    });
    await admin(`numbers/${PNID}/profile`, { read_error_code: 190 });
    expect(await read("quality_rating")).toMatchObject({ status: 401, body: { error: { code: 190 } } });
    await admin(`numbers/${PNID}/profile`, { read_error_code: null });
    expect((await read("quality_rating")).status).toBe(200);
  });
});

describe("status webhooks", () => {
  it("posts Meta-shaped statuses, signed with the app secret over the exact bytes", async () => {
    simulator.engine.addRule({
      id: "read",
      match: {},
      scenario: { outcomes: { read: 1, delivered: 0, sent: 0, failed: 0 }, readWithoutDeliveredRate: 0 },
    });
    const { body } = await send(TEMPLATE);
    const statuses = await waitForStatuses(3);
    expect(statuses.map((s) => s.status)).toEqual(["sent", "delivered", "read"]);
    for (const post of received) {
      const expected = `sha256=${crypto.createHmac("sha256", SECRET).update(post.body).digest("hex")}`;
      expect(post.signature).toBe(expected);
      expect(post.payload.object).toBe("whatsapp_business_account");
      expect(post.payload.entry[0]!.id).toBe("102290129340398");
      const change = post.payload.entry[0]!.changes[0]!;
      expect(change.field).toBe("messages");
      if (change.field === "messages") {
        expect(change.value.metadata).toEqual({ display_phone_number: "15550101001", phone_number_id: PNID });
      }
    }
    const sent = statuses[0]!;
    expect(sent).toMatchObject({
      id: body.messages[0].id,
      status: "sent",
      timestamp: expect.stringMatching(/^[0-9]{10}$/),
      recipient_id: "15551234567",
      biz_opaque_callback_data: "msg-1",
      conversation: {
        id: expect.any(String),
        expiration_timestamp: expect.any(String),
        origin: { type: "utility" },
      },
      pricing: { billable: true, pricing_model: "PMP", category: "utility", type: "regular" },
    });
    expect(statuses[1]!.conversation?.expiration_timestamp).toBeUndefined();
  });

  it("batches several statuses of a number into one POST", async () => {
    simulator.engine.addRule({
      id: "sent-later",
      match: {},
      scenario: {
        outcomes: { read: 0, delivered: 0, sent: 1, failed: 0 },
        statusDelayMs: { sent: { min: 60_000, max: 60_000 } },
      },
    });
    await Promise.all(Array.from({ length: 8 }, (_, i) => send({ ...TEMPLATE, to: `155512300${10 + i}` })));
    expect(received).toHaveLength(0);
    const statuses = await waitForStatuses(8); // all due at once
    expect(new Set(statuses.map((s) => s.id)).size).toBe(8);
    expect(received).toHaveLength(1);
  });

  it("posts failed statuses with Meta's errors array and no pricing", async () => {
    simulator.engine.addRule({
      id: "fail",
      match: {},
      scenario: { outcomes: { read: 0, delivered: 0, sent: 0, failed: 1 }, asyncFailureCodes: [131049] },
    });
    await send(TEMPLATE);
    const statuses = await waitForStatuses(1);
    const failed = statuses.find((s) => s.status === "failed")!;
    expect(failed.pricing).toBeUndefined();
    expect(failed.errors).toEqual([
      {
        code: 131049,
        title: "This message was not delivered to maintain healthy ecosystem engagement",
        message: "This message was not delivered to maintain healthy ecosystem engagement",
        error_data: { details: expect.any(String) },
        href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
      },
    ]);
  });

  it("re-delivers a POST Waybill did not answer with 200, with the same bytes", async () => {
    const config = simulator.engine.config();
    simulator.engine.setConfig({ ...config, webhooks: { ...config.webhooks, retryBaseMs: 400 } });
    simulator.engine.addRule({
      id: "sent-only",
      match: {},
      scenario: { outcomes: { read: 0, delivered: 0, sent: 1, failed: 0 } },
    });
    webhookStatus = 503;
    await send(TEMPLATE);
    simulator.outbox.flush();
    const deadline = Date.now() + 3_000;
    while (simulator.outbox.stats().failedPosts === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(simulator.outbox.stats().retriedPosts).toBe(1);
    webhookStatus = 200;
    await waitForStatuses(1, 3_000);
    expect(received).toHaveLength(1);
    expect(received[0]!.signature).toBe(signWebhookBody(received[0]!.body, SECRET));
    // the receiver holds the body before the outbox has read its 200 and counted the post
    const counted = Date.now() + 3_000;
    while (simulator.outbox.stats().posts === 0 && Date.now() < counted)
      await new Promise((r) => setTimeout(r, 10));
    expect(simulator.outbox.stats()).toMatchObject({ posts: 1, failedPosts: 1, abandonedPosts: 0 });
  });

  it("posts phone_number_quality_update webhooks for quality changes", async () => {
    simulator.engine.emitQualityUpdate({
      phoneNumberId: PNID,
      event: "DOWNGRADE",
      currentLimit: "TIER_250",
      oldLimit: "TIER_1K",
    });
    simulator.outbox.flush();
    const deadline = Date.now() + 3_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(received[0]!.payload.entry[0]!.changes[0]).toEqual({
      field: "phone_number_quality_update",
      value: {
        display_phone_number: "15550101001",
        event: "DOWNGRADE",
        current_limit: "TIER_250",
        max_daily_conversations_per_business: "TIER_250",
        old_limit: "TIER_1K",
      },
    });
    // and a read of the number (the sync) reports the new limit, as Meta's would
    expect(simulator.engine.profile(PNID).messaging_limit).toBe("TIER_250");
  });

  it("posts user_preferences (a marketing opt-out) and statuses of a message another app sent", async () => {
    simulator.engine.emitUserPreference({ phoneNumberId: PNID, waId: "15557770001", value: "stop" });
    const wamid = simulator.engine.emitForeignStatuses({ phoneNumberId: PNID, to: "15557770002" });
    simulator.outbox.flush();
    const deadline = Date.now() + 3_000;
    const changes = () => received.flatMap((r) => r.payload.entry.flatMap((e) => e.changes));
    while (changes().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const preference = changes().find((c) => c.field === "user_preferences");
    expect(preference?.value).toMatchObject({
      metadata: { phone_number_id: PNID },
      user_preferences: [{ wa_id: "15557770001", category: "marketing_messages", value: "stop" }],
    });
    const statuses = changes()
      .filter((c) => c.field === "messages")
      .flatMap(
        (c) => (c.value as { statuses?: { id: string; biz_opaque_callback_data?: string }[] }).statuses ?? [],
      );
    expect(statuses.filter((st) => st.id === wamid).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((st) => st.biz_opaque_callback_data === undefined)).toBe(true);
  });

  it("holds webhooks during a webhook outage and posts them after", async () => {
    simulator.engine.addRule({
      id: "sent-only",
      match: {},
      scenario: { outcomes: { read: 0, delivered: 0, sent: 1, failed: 0 } },
    });
    simulator.engine.setOutage("webhooks_down");
    expect((await send(TEMPLATE)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    simulator.outbox.flush();
    expect(received).toHaveLength(0);
    simulator.engine.setOutage(null);
    expect(await waitForStatuses(1)).toHaveLength(1);
  });
});

describe("scenarios and plans (pure)", () => {
  const base = ZSimulatorConfigSchema.parse({});

  it("applies matching rules in order over the defaults", () => {
    const config = ZSimulatorConfigSchema.parse({
      defaults: { dropRate: 0.1 },
      rules: [
        { match: { phoneNumberId: "1" }, scenario: { rateLimitPerSecond: 5 } },
        {
          match: { recipient: "1555000*" },
          scenario: { rateLimitPerSecond: 1, statusDelayMs: { sent: { min: 1, max: 2 } } },
        },
      ],
    });
    expect(resolveScenario(config, "1", "15551110000")).toMatchObject({
      dropRate: 0.1,
      rateLimitPerSecond: 5,
    });
    const both = resolveScenario(config, "1", "15550001234");
    expect(both.rateLimitPerSecond).toBe(1);
    expect(both.statusDelayMs.sent).toEqual({ min: 1, max: 2 });
    expect(both.statusDelayMs.read).toEqual(resolveScenario(base, "1", "1").statusDelayMs.read);
    expect(matchesPattern("+1555*", "15551234567")).toBe(true);
    expect(matchesPattern("1555*", "4477")).toBe(false);
  });

  it("reorders arrivals but never the provider timestamps; may skip delivered before read", () => {
    const scenario: TScenario = {
      ...resolveScenario(base, "1", "1"),
      outcomes: { read: 1, delivered: 0, sent: 0, failed: 0 },
      reorderRate: 1,
      readWithoutDeliveredRate: 0,
      duplicateRate: 0,
      dropRate: 0,
    };
    const plan = planStatuses(
      {
        wamid: "wamid.X",
        recipient: "1555",
        callbackData: null,
        category: "utility",
        pricingType: "regular",
        acceptedAt: 1_750_000_000_000,
      },
      scenario,
      seededRandom(3),
    );
    const byArrival = [...plan].sort((a, b) => a.deliverAt - b.deliverAt).map((p) => p.status.status);
    expect(byArrival).toEqual(["read", "delivered", "sent"]);
    const timestamps = plan.map((p) => Number(p.status.timestamp));
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));

    const skipped = planStatuses(
      {
        wamid: "wamid.Y",
        recipient: "1555",
        callbackData: null,
        category: "utility",
        pricingType: "regular",
        acceptedAt: 0,
      },
      { ...scenario, readWithoutDeliveredRate: 1, reorderRate: 0 },
      seededRandom(4),
    );
    expect(skipped.map((p) => p.status.status)).toEqual(["sent", "read"]);
  });

  it("duplicates and drops statuses at the configured rates", () => {
    const scenario: TScenario = {
      ...resolveScenario(base, "1", "1"),
      outcomes: { read: 1, delivered: 0, sent: 0, failed: 0 },
    };
    const count = (s: TScenario) =>
      planStatuses(
        {
          wamid: "w",
          recipient: "1",
          callbackData: null,
          category: "utility",
          pricingType: "regular",
          acceptedAt: 0,
        },
        s,
        seededRandom(5),
      ).length;
    expect(count({ ...scenario, readWithoutDeliveredRate: 0, duplicateRate: 1, dropRate: 0 })).toBe(6);
    expect(count({ ...scenario, dropRate: 1 })).toBe(0);
  });

  it("validates like Graph before anything else", () => {
    expect(validateSendBody(Math.random, TEMPLATE)).toMatchObject({
      ok: true,
      value: { to: "15551234567", type: "template" },
    });
    expect(
      validateSendBody(Math.random, { ...TEMPLATE, biz_opaque_callback_data: "x".repeat(513) }),
    ).toMatchObject({ ok: false });
    expect(
      validateSendBody(Math.random, { ...TEMPLATE, template: { name: "x", language: {} } }),
    ).toMatchObject({
      ok: false,
      answer: {
        body: { error: { message: "(#100) The parameter template['language']['code'] is required." } },
      },
    });
  });
});

describe("simulated pricing", () => {
  it("prices service messages free_customer_service, some templates free_entry_point, the rest regular", () => {
    const scenario = { ...DEFAULT_SCENARIO, freeEntryPointRate: 0.5 };
    expect(pickPricingType("service", scenario, () => 0)).toBe("free_customer_service");
    expect(pickPricingType("marketing", scenario, () => 0.1)).toBe("free_entry_point");
    expect(pickPricingType("utility", scenario, () => 0.9)).toBe("regular");
    const [status] = planStatuses(
      {
        wamid: "w",
        recipient: "1",
        callbackData: null,
        category: "service",
        pricingType: "free_customer_service",
        acceptedAt: 0,
      },
      { ...DEFAULT_SCENARIO, outcomes: { read: 0, delivered: 0, sent: 1, failed: 0 }, duplicateRate: 0 },
      () => 0.5,
    );
    expect((status?.status as { pricing?: unknown }).pricing).toEqual({
      billable: false,
      pricing_model: "PMP",
      category: "service",
      type: "free_customer_service",
    });
  });
});

describe("test endpoints for outbound webhooks", () => {
  it("answer ok, failing, flapping (every other request, per name) and slow", async () => {
    const post = async (path: string) =>
      (await fetch(`${simulator.url}/_endpoints/${path}`, { method: "POST", body: "{}" })).status;
    expect(await post("ok")).toBe(204);
    expect(await post("failing")).toBe(500);
    expect([await post("flapping/a"), await post("flapping/a"), await post("flapping/a")]).toEqual([
      500, 204, 500,
    ]);
    expect(await post("flapping/b")).toBe(500);
    expect(await post("slow?delayMs=10")).toBe(204);
    expect(await post("sideways")).toBe(400); // an unknown path, answered like the Graph API
  });
});
