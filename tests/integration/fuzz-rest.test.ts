// Property-based fuzzing of the tenant REST API, in process, through every operation of the
// OpenAPI document: random and malformed bodies (wrong types, unicode, NUL, deep nesting, broken
// JSON), random ids (Globex's, unknown, not ids at all), random headers and query strings, with
// Acme's key or a garbage one. Properties: never a 5xx, never a thrown handler, nothing of
// Globex in any answer (beyond what the caller itself sent), and no Globex row changed.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type { TEndpointRestDeps } from "@/server/rest/endpoints";
import { sendTestEvent } from "@/server/services/triggers/deliveries";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { FACTORY_ACTOR, makeApiKey, makeSenderNumber, makeTenant } from "../factories";
import { makeMessage, stories } from "../factories/messages";
import { chaosScale, FUZZ_SEED, reportFigures } from "../setup/chaos";
import { createTestDb, testSecretBox } from "../setup/context";
import { documentedOperations, pathOf, REST_ROUTES } from "../setup/rest-routes";

const RUNS = chaosScale(150, 3_000);

let db: TDb;
let deps: TEndpointRestDeps;
let acmeKey: string;
let acmeDisplay: string;
let globex: {
  tenantId: string;
  messageId: string;
  senderNumberId: string;
  displayNumber: string;
  phoneNumberId: string;
  endpointId: string;
  deliveryId: string;
};

beforeAll(async () => {
  db = createTestDb();
  deps = { db, box: testSecretBox, allowHttp: false, now: () => new Date() };
  const acme = await makeTenant(db);
  acmeDisplay = (await makeSenderNumber(db, testSecretBox, acme.id)).displayNumber;
  acmeKey = (await makeApiKey(db, acme.id)).apiKey;
  const g = await makeTenant(db);
  const sender = await makeSenderNumber(db, testSecretBox, g.id);
  const message = await makeMessage(
    db,
    { tenantId: g.id, senderNumberId: sender.id, recipient: "15550007777" },
    stories.read(Date.now() - 60_000),
  );
  const endpoint = await createEndpoint(
    db,
    testSecretBox,
    FACTORY_ACTOR,
    {
      tenantId: g.id,
      url: "https://globex.example/fuzz",
      description: "Globex",
      eventTypes: ["message.delivered"],
      senderNumberIds: [],
      templateNames: [],
      includeFullNumbers: false,
      maxConcurrency: 4,
    },
    { allowHttp: false },
    new Date(),
  );
  const delivery = await sendTestEvent(
    db,
    FACTORY_ACTOR,
    { tenantId: g.id, endpointId: endpoint.endpoint.id, type: "message.delivered" },
    new Date(),
  );
  globex = {
    tenantId: g.id,
    messageId: message.id,
    senderNumberId: sender.id,
    displayNumber: sender.displayNumber,
    phoneNumberId: sender.phoneNumberId,
    endpointId: endpoint.endpoint.id,
    deliveryId: delivery.deliveryId,
  };
});
afterAll(async () => {
  await db.$disconnect();
});

async function globexState() {
  const where = { tenantId: globex.tenantId };
  return JSON.stringify(
    await Promise.all([
      db.message.findMany({ where, orderBy: { id: "asc" } }),
      db.messageEvent.count({ where }),
      db.webhookEndpoint.findMany({ where, orderBy: { id: "asc" } }),
      db.webhookEndpointSecret.findMany({ where, orderBy: { id: "asc" } }),
      db.webhookDelivery.findMany({ where, orderBy: { id: "asc" } }),
    ]),
  );
}

const printable = fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s));
const weirdText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("\u0000", "\uD800", "💥", "' OR 1=1 --", "../../etc/passwd", "%00", "ａｃｍｅ", ""),
);

/** Ids of every kind: Globex's, random uuids, nearly-uuids, not ids at all. */
const idArb = fc.oneof(
  fc
    .constantFrom("messageId", "endpointId", "deliveryId", "senderNumberId", "tenantId")
    .map((k) => globex[k]),
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => `${u}x`),
  weirdText,
);

/** Anything JSON, plus moderately deep nesting (deeper bodies are sent as text below). */
const jsonArb = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.integer({ min: 1, max: 200 }).map((d) => JSON.parse("[".repeat(d) + "]".repeat(d)) as unknown),
);
const deepTextArb = fc
  .record({ depth: fc.integer({ min: 1, max: 30_000 }), isArray: fc.boolean() })
  .map(({ depth, isArray }) =>
    isArray ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
  );

type TFuzzJson = Record<string, unknown>;
const overrideArb = fc.dictionary(
  fc.constantFrom(
    "from",
    "to",
    "type",
    "text",
    "template",
    "metadata",
    "url",
    "eventTypes",
    "senderNumberIds",
    "templateNames",
    "isEnabled",
    "description",
    "overlapHours",
    "deliveryId",
    "status",
    "since",
    "maxConcurrency",
    "includeFullNumbers",
  ),
  fc.oneof(
    jsonArb,
    idArb,
    weirdText.map((body) => ({ body })),
    fc.constant(null).map(() => [globex.senderNumberId]),
  ),
  { maxKeys: 4 },
);

/** Bodies close to valid (so they reach the services), with fields overridden by anything. */
const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .record({
      // the fixtures are made in beforeAll, after the arbitraries: Acme's number is read lazily
      base: fc.constantFrom<() => TFuzzJson>(
        () => ({ from: acmeDisplay, to: "+15551230000", type: "text", text: { body: "hello" } }),
        () => ({
          from: acmeDisplay,
          to: "+15551230000",
          type: "template",
          template: { name: "order_update", language: "en_US" },
        }),
        () => ({ url: "https://example.com/fuzz", eventTypes: ["message.delivered"] }),
        () => ({ isEnabled: false }),
        () => ({ overlapHours: 1 }),
        () => ({ type: "message.delivered" }),
        () => ({ status: "failed" }),
      ),
      overrides: overrideArb,
    })
    .map(({ base, overrides }) => JSON.stringify({ ...base(), ...overrides })),
  jsonArb.map((v) => JSON.stringify(v)),
  fc.string({ unit: "binary", maxLength: 200 }),
  deepTextArb,
  jsonArb.map((v) => JSON.stringify(v).slice(0, -1)),
  fc.integer({ min: 60_000, max: 200_000 }).map((n) => `{"text":{"body":"${"x".repeat(n)}"}}`),
);

const requestArb = fc.record({
  operation: fc.constantFrom(...documentedOperations()),
  id: idArb,
  body: bodyArb,
  contentType: fc.oneof(
    { weight: 4, arbitrary: fc.constant("application/json") },
    { weight: 1, arbitrary: fc.constantFrom(null, "text/plain", "application/json; charset=utf-16") },
  ),
  authorization: fc.oneof(
    { weight: 6, arbitrary: fc.constant("acme") },
    { weight: 1, arbitrary: printable.map((s) => `Bearer ${s}`) },
    { weight: 1, arbitrary: printable },
  ),
  idempotencyKey: fc.option(printable),
  query: fc.option(
    fc.record({ from: weirdText, to: weirdText, format: fc.constantFrom("csv", "json", "xml", "") }),
  ),
});

function leaks(text: string, sent: string): string[] {
  return [
    globex.tenantId,
    globex.messageId,
    globex.senderNumberId,
    globex.displayNumber,
    globex.phoneNumberId,
    globex.endpointId,
    globex.deliveryId,
    "15550007777",
    "globex.example",
  ].filter((marker) => text.includes(marker) && !sent.includes(marker));
}

describe("REST API fuzzing", () => {
  // 3,000 cases take minutes on a loaded machine: the full form's cap is the run's, not 60 s
  it(
    "never answers 5xx nor throws, leaks nothing of Globex, and changes no Globex row",
    async () => {
      const before = await globexState();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestArb, async (r) => {
          const [method] = r.operation.split(" ");
          const headers = new Headers();
          if (r.authorization === "acme") headers.set("authorization", `Bearer ${acmeKey}`);
          else headers.set("authorization", r.authorization);
          if (r.contentType) headers.set("content-type", r.contentType);
          if (r.idempotencyKey !== null) headers.set("idempotency-key", r.idempotencyKey);
          const url = new URL(`http://localhost${pathOf(r.operation, r.id)}`);
          if (r.query) for (const [k, v] of Object.entries(r.query)) url.searchParams.set(k, v);
          const hasBody = r.body !== undefined && method !== "GET" && method !== "DELETE";
          const request = new Request(url, { method, headers, body: hasBody ? r.body : undefined });
          const response = await REST_ROUTES[r.operation]!(deps, request, { id: r.id });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${r.operation}: ${text.slice(0, 300)}`).toBeLessThan(500);
          if (r.operation !== "GET /api/v1/openapi.json") {
            const sent = `${r.id} ${r.body ?? ""} ${url.search}`;
            expect(leaks(text, sent), `${r.operation} answered with Globex's data`).toEqual([]);
          }
        }),
        { numRuns: RUNS, seed: FUZZ_SEED },
      );
      expect(await globexState()).toBe(before);
      // the run reached past authentication and validation, not only into refusals
      expect([...statuses.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
      reportFigures("fuzz.rest", {
        cases: RUNS,
        statuses: JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0]))),
      });
    },
    chaosScale(60_000, 900_000),
  );

  it("a NUL or a lone surrogate anywhere in a body is a 400 naming the field, not a failed insert", async () => {
    const send = (body: unknown) =>
      REST_ROUTES["POST /api/v1/messages"]!(
        deps,
        new Request("http://localhost/api/v1/messages", {
          method: "POST",
          headers: { authorization: `Bearer ${acmeKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { id: "" },
      );
    const base = { from: acmeDisplay, to: "+15551230001", type: "text" };
    const cases: [unknown, string][] = [
      [{ ...base, text: { body: "a\u0000b" } }, "text.body"],
      [{ ...base, text: { body: "x\uD800" } }, "text.body"],
      [{ ...base, text: { body: "ok" }, metadata: { order: "\uDC00" } }, "metadata.order"],
    ];
    for (const [body, path] of cases) {
      const response = await send(body);
      expect(response.status).toBe(400);
      const json = (await response.json()) as { error: { details: { path: string }[] } };
      expect(json.error.details[0]?.path).toBe(path);
    }
    expect((await send({ ...base, text: { body: "fine 😀" } })).status).toBe(202);
  });

  it("a body nested as deep as the size limit allows is a 400, not a 500 (the check walks it without recursion)", async () => {
    // 30,000 levels: JSON.parse takes it, a recursive walk of it overflows the stack
    const deep = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;
    for (const operation of ["POST /api/v1/messages", "POST /api/v1/endpoints/{id}/redeliver"] as const) {
      const response = await REST_ROUTES[operation]!(
        deps,
        new Request(`http://localhost${pathOf(operation, crypto.randomUUID())}`, {
          method: "POST",
          headers: { authorization: `Bearer ${acmeKey}`, "content-type": "application/json" },
          body: deep,
        }),
        { id: crypto.randomUUID() },
      );
      expect(response.status, operation).toBe(400);
    }
  });
});
