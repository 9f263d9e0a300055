// The tenant REST API for messages, called with real Requests against real PostgreSQL: 202 with
// state queued (recorded in one transaction: message, requested event, request record, queue
// row), precise 400s, idempotency (sequential, in parallel, 409 on a different body), tenant-
// scoped reads, and the console's test send through tRPC (engineers and admins only).
import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import {
  handleGetMessage,
  handleListMessageEvents,
  handleSendMessage,
  hotPathRestDeps,
  type TRestDeps,
} from "@/server/rest/messages";
import pg from "pg";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";

/** A JSON body under test: assertions reach into it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions themselves
type TJsonBody = Record<string, any>;

let db: TDb;
let deps: TRestDeps;
let pool: pg.Pool;
let acme: { id: string; key: string; senderId: string; phoneNumberId: string; displayNumber: string };
let globex: { id: string; key: string; senderId: string };

beforeAll(async () => {
  db = createTestDb();
  // the web process's shape: intake and key checks on a plain pg pool, caches, waker
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  deps = hotPathRestDeps(db, pool);
  const a = await makeTenant(db);
  const aSender = await makeSenderNumber(db, testSecretBox, a.id);
  acme = {
    id: a.id,
    key: (await makeApiKey(db, a.id)).apiKey,
    senderId: aSender.id,
    phoneNumberId: aSender.phoneNumberId,
    displayNumber: aSender.displayNumber,
  };
  const g = await makeTenant(db);
  const gSender = await makeSenderNumber(db, testSecretBox, g.id);
  globex = { id: g.id, key: (await makeApiKey(db, g.id)).apiKey, senderId: gSender.id };
});
afterAll(async () => {
  // the queued messages of this file must not be sent by a worker another file starts
  await db.sendQueueItem.deleteMany({ where: { tenantId: { in: [acme.id, globex.id] } } });
  await db.$disconnect();
  await pool.end();
});

function template(overrides: Record<string, unknown> = {}) {
  return {
    from: acme.displayNumber,
    to: "+15553337001",
    type: "template",
    template: { name: "order_update", language: "en_US", bodyParameters: ["#12345", "Friday"] },
    metadata: { orderId: "12345" },
    ...overrides,
  };
}

function post(body: unknown, options: { key?: string | null; idempotencyKey?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.key !== null) headers.Authorization = `Bearer ${options.key ?? acme.key}`;
  if (options.idempotencyKey !== undefined) headers["Idempotency-Key"] = options.idempotencyKey;
  return handleSendMessage(
    deps,
    new Request("http://waybill.test/api/v1/messages", {
      method: "POST",
      headers,
      body: options.raw ?? JSON.stringify(body),
    }),
  );
}

function get(path: string, key = acme.key) {
  return new Request(`http://waybill.test${path}`, { headers: { Authorization: `Bearer ${key}` } });
}

describe("POST /api/v1/messages", () => {
  it("answers 202 with the message queued, saying acceptance is not delivery", async () => {
    const response = await post(template(), { idempotencyKey: crypto.randomUUID() });
    expect(response.status).toBe(202);
    const body = (await response.json()) as TJsonBody;
    expect(body).toMatchObject({
      state: "queued",
      explanation: "queued: requested, no attempt started yet",
      lastError: null,
      attempts: 0,
      from: {
        senderNumberId: acme.senderId,
        phoneNumberId: acme.phoneNumberId,
        displayNumber: acme.displayNumber,
      },
      to: "+15553337001",
      type: "template",
      template: { name: "order_update", language: "en_US" },
      metadata: { orderId: "12345" },
      links: { self: `/api/v1/messages/${body.id}`, events: `/api/v1/messages/${body.id}/events` },
    });
    expect(body.note).toMatch(/not delivery/);
    expect(response.headers.get("location")).toBe(`/api/v1/messages/${body.id}`);

    // one transaction: message, requested event, request record, queue row, sender dispatch row
    const message = await db.message.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: acme.id, id: body.id } },
    });
    expect(message.requestPayload).toMatchObject({
      messaging_product: "whatsapp",
      to: "15553337001",
      biz_opaque_callback_data: body.id,
      type: "template",
    });
    expect(
      await db.messageEvent.count({ where: { tenantId: acme.id, messageId: body.id, type: "requested" } }),
    ).toBe(1);
    expect(await db.sendRequest.count({ where: { tenantId: acme.id, messageId: body.id } })).toBe(1);
    expect(
      await db.sendQueueItem.findUnique({
        where: { tenantId_messageId: { tenantId: acme.id, messageId: body.id } },
      }),
    ).toMatchObject({
      attempt: 1,
      recipient: "15553337001",
      senderNumberId: acme.senderId,
    });
    expect(
      await db.senderDispatch.count({ where: { tenantId: acme.id, senderNumberId: acme.senderId } }),
    ).toBe(1);
  });

  it("accepts a text message and a sender named by id or by Graph phone_number_id", async () => {
    for (const from of [acme.senderId, acme.phoneNumberId]) {
      const response = await post({
        from,
        to: "447700900123",
        type: "text",
        text: { body: "Your ticket was updated." },
      });
      expect(response.status).toBe(202);
      expect(await response.json()).toMatchObject({ type: "text", template: null, to: "+447700900123" });
    }
  });

  it("answers 400 naming each offending field", async () => {
    const response = await post(
      template({ to: "555-1234", template: { name: "Order Update", language: "en_US" } }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: "invalid_request",
        message: "the request does not match the schema",
        details: [
          { path: "to", message: "an E.164 phone number such as +15551234567" },
          { path: "template.name", message: "a template name: lowercase letters, digits and underscores" },
        ],
      },
    });
    const unknown = await post(template({ recipient: "+1" }));
    expect(((await unknown.json()) as TJsonBody).error.details).toEqual([
      { path: "recipient", message: "unknown field" },
    ]);
    const missing = await post({ from: acme.displayNumber, to: "+15553337001", type: "text" });
    expect(((await missing.json()) as TJsonBody).error.details).toEqual([
      { path: "text", message: "Invalid input: expected object, received undefined" },
    ]);
    expect((await post(null, { raw: "{not json" })).status).toBe(400);
    expect((await post(template(), { idempotencyKey: "has spaces in it" })).status).toBe(400);
  });

  it("answers 401 without a valid key, 422 for a sender that is not the tenant's", async () => {
    expect((await post(template(), { key: null })).status).toBe(401);
    expect((await post(template(), { key: "wbk_nope" })).status).toBe(401);
    const foreign = await post(template({ from: globex.senderId }));
    expect(foreign.status).toBe(422);
    expect(await foreign.json()).toMatchObject({ error: { code: "unknown_sender" } });
  });
});

describe("idempotency", () => {
  it("returns the same message for the same key and body, marked as a replay", async () => {
    const key = crypto.randomUUID();
    const first = (await (await post(template(), { idempotencyKey: key })).json()) as { id: string };
    const again = await post(template(), { idempotencyKey: key });
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    // naming the same sender another way is the same request
    const byId = await post(template({ from: acme.senderId, to: "15553337001" }), { idempotencyKey: key });
    expect(((await byId.json()) as { id: string }).id).toBe(first.id);
  });

  it("creates exactly one message when the same request arrives many times at once", async () => {
    const key = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => post(template(), { idempotencyKey: key })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(202));
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(await db.message.count({ where: { tenantId: acme.id, idempotencyKey: key } })).toBe(1);
    const [id] = [...ids];
    expect(await db.messageEvent.count({ where: { tenantId: acme.id, messageId: id! } })).toBe(1);
    expect(await db.sendQueueItem.count({ where: { tenantId: acme.id, messageId: id! } })).toBe(1);
  });

  it("answers 409 for the same key with a different body, naming the message it already is", async () => {
    const key = crypto.randomUUID();
    const first = (await (await post(template(), { idempotencyKey: key })).json()) as { id: string };
    const other = await post(template({ to: "+15557654321" }), { idempotencyKey: key });
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({
      error: {
        code: "idempotency_key_reused",
        message:
          "this Idempotency-Key was already used with a different request body; use a new key for a new message",
        messageId: first.id,
      },
    });
    // also when both arrive at once: one wins, the other is a 409
    const raceKey = crypto.randomUUID();
    const race = await Promise.all([
      post(template(), { idempotencyKey: raceKey }),
      post(template({ to: "+15557654321" }), { idempotencyKey: raceKey }),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual([202, 409]);
  });

  it("keeps keys per tenant: another tenant may use the same key", async () => {
    const key = crypto.randomUUID();
    expect((await post(template(), { idempotencyKey: key })).status).toBe(202);
    const other = await post(template({ from: globex.senderId }), { key: globex.key, idempotencyKey: key });
    expect(other.status).toBe(202);
    expect(other.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("GET /api/v1/messages/{id} and /events", () => {
  it("shows the state, its explanation and the ledger, to the owning tenant only", async () => {
    const created = (await (await post(template())).json()) as { id: string };
    const message = await handleGetMessage(deps, get(`/api/v1/messages/${created.id}`), created.id);
    expect(message.status).toBe(200);
    expect(await message.json()).toMatchObject({ id: created.id, state: "queued", lastError: null });

    const events = await handleListMessageEvents(
      deps,
      get(`/api/v1/messages/${created.id}/events`),
      created.id,
    );
    expect(events.status).toBe(200);
    expect(await events.json()).toMatchObject({
      messageId: created.id,
      state: "queued",
      chain: { ok: true, checkedEvents: 1 },
      events: [{ seq: 1, type: "requested", source: "api", attempt: null, receipts: { count: 1 } }],
    });

    // another tenant's key: the same 404 as a message that does not exist
    const foreign = await handleGetMessage(
      deps,
      get(`/api/v1/messages/${created.id}`, globex.key),
      created.id,
    );
    expect(foreign.status).toBe(404);
    expect((await handleListMessageEvents(deps, get("/x", globex.key), created.id)).status).toBe(404);
    expect((await handleGetMessage(deps, get("/x"), crypto.randomUUID())).status).toBe(404);
    expect((await handleGetMessage(deps, get("/x"), "not-a-uuid")).status).toBe(404);
    expect((await handleGetMessage(deps, new Request("http://x/"), created.id)).status).toBe(401);
  });
});

describe("sending.sendTestMessage (console)", () => {
  it("lets engineers and admins send, and refuses other roles", async () => {
    const request = {
      from: acme.displayNumber,
      to: "+15551230000",
      type: "text" as const,
      text: { body: "Test from the console" },
    };
    for (const role of ["engineer", "admin"] as const) {
      const user = await makeUser(db, role);
      const result = await callerFor(db, user).sending.sendTestMessage({ tenantId: acme.id, request });
      expect(result.message.state).toBe("queued");
      const requested = await db.messageEvent.findFirstOrThrow({
        where: { tenantId: acme.id, messageId: result.message.id, type: "requested" },
      });
      expect(requested.source).toBe("operator");
      expect(requested.body).toMatchObject({
        payload: { via: "console", requestedBy: `user:${user.email}` },
      });
    }
    for (const user of [
      await makeUser(db, "support_agent"),
      await makeUser(db, "tenant_admin", { tenantId: acme.id }),
    ]) {
      await expect(
        callerFor(db, user).sending.sendTestMessage({ tenantId: acme.id, request }),
      ).rejects.toThrow(TRPCError);
    }
  });
});
