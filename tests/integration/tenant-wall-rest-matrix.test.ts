// The tenant wall of the REST API as a generated matrix: every operation of the OpenAPI document
// (the one served at /api/v1/openapi.json) is called through its real handler by every kind of
// caller (Acme's key, no key, Acme's revoked key, a paused tenant's key, a token forged from
// Globex's tenant id and Acme's key) with Globex's ids (message, endpoint, delivery, sender).
// Each answer must be a refusal (4xx) or a 2xx holding nothing of Globex, and no Globex row may
// change. An operation in the document without a matrix entry fails the test, and so does a
// route file under app/api/v1 exporting a method the document does not describe.
import crypto from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import type * as endpoints from "@/server/rest/endpoints";
import { revokeApiKey } from "@/server/services/api-keys";
import { sendTestEvent } from "@/server/services/triggers/deliveries";
import { createEndpoint } from "@/server/services/triggers/endpoints";
import { FACTORY_ACTOR, makeApiKey, makeSenderNumber, makeTenant } from "../factories";
import { makeMessage, stories } from "../factories/messages";
import { createTestDb, testSecretBox } from "../setup/context";
import { documentedOperations, pathOf, REST_ROUTES } from "../setup/rest-routes";
import { reportFigures } from "../setup/chaos";

/** Globex's identifiers: what another tenant's callers must never get back nor change. */
type TForeign = {
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  messageId: string;
  recipient: string;
  senderNumberId: string;
  phoneNumberId: string;
  displayNumber: string;
  endpointId: string;
  endpointUrl: string;
  deliveryId: string;
};

type TRestEntry = {
  /** the {id} to request: one of Globex's */
  id?: (f: TForeign) => string;
  /** the JSON body to send, aimed at Globex's rows */
  body?: (f: TForeign) => unknown;
  /** answers without an API key */
  isPublic?: boolean;
};

/** One entry per operation of the OpenAPI document, keyed "METHOD /path/{param}". */
export const REST_MATRIX: Record<string, TRestEntry> = {
  "POST /api/v1/messages": {
    // Globex's sender as `from`: the intake resolves senders within the key's tenant only
    body: (f) => ({
      from: f.displayNumber,
      to: `+${f.recipient}`,
      type: "text",
      text: { body: "tenant wall probe" },
    }),
  },
  "GET /api/v1/messages/{id}": { id: (f) => f.messageId },
  "GET /api/v1/messages/{id}/events": { id: (f) => f.messageId },
  "GET /api/v1/endpoints": {},
  "POST /api/v1/endpoints": {
    // Globex's sender as a filter: an endpoint may only name senders of its own tenant
    body: (f) => ({
      url: "https://example.com/tenant-wall",
      eventTypes: ["message.delivered"],
      senderNumberIds: [f.senderNumberId],
    }),
  },
  "GET /api/v1/endpoints/{id}": { id: (f) => f.endpointId },
  "PATCH /api/v1/endpoints/{id}": {
    id: (f) => f.endpointId,
    body: () => ({ isEnabled: false, description: "taken over" }),
  },
  "DELETE /api/v1/endpoints/{id}": { id: (f) => f.endpointId },
  "POST /api/v1/endpoints/{id}/rotate-secret": { id: (f) => f.endpointId, body: () => ({ overlapHours: 0 }) },
  "POST /api/v1/endpoints/{id}/test": {
    id: (f) => f.endpointId,
    body: () => ({ type: "message.delivered" }),
  },
  "GET /api/v1/endpoints/{id}/deliveries": { id: (f) => f.endpointId },
  "POST /api/v1/endpoints/{id}/redeliver": {
    id: (f) => f.endpointId,
    body: (f) => ({ deliveryId: f.deliveryId }),
  },
  "GET /api/v1/usage": {},
  "GET /api/v1/tenant": {},
  "GET /api/v1/openapi.json": { isPublic: true },
};

/** Every method exported by a route file under app/api/v1, as "METHOD /path/{id}". */
function routeFileOperations(): string[] {
  const root = path.resolve(process.cwd(), "app/api/v1");
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === "route.ts") {
        const route = `/api/v1/${path.relative(root, dir).split(path.sep).join("/")}`.replace(
          /\[(\w+)\]/g,
          "{$1}",
        );
        const source = readFileSync(full, "utf8");
        for (const [, method] of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g))
          found.push(`${method} ${route}`);
      }
    }
  };
  walk(root);
  return found.sort();
}

type TPrincipal = { name: string; authorization: string | null; expect: "wall" | 401 | 403 };

let db: TDb;
let deps: endpoints.TEndpointRestDeps;
let foreign: TForeign;
let principals: TPrincipal[];

/** What the matrix's mutations could touch on Globex's side, read straight from the tables. */
async function globexState() {
  const [messages, endpointRows, deliveries, secrets, apiKeys] = await Promise.all([
    db.message.count({ where: { tenantId: foreign.tenantId } }),
    db.webhookEndpoint.findMany({ where: { tenantId: foreign.tenantId }, orderBy: { id: "asc" } }),
    db.webhookDelivery.findMany({ where: { tenantId: foreign.tenantId }, orderBy: { id: "asc" } }),
    db.webhookEndpointSecret.findMany({ where: { tenantId: foreign.tenantId }, orderBy: { id: "asc" } }),
    db.apiKey.findMany({ where: { tenantId: foreign.tenantId }, select: { id: true, revokedAt: true } }),
  ]);
  return JSON.stringify({ messages, endpointRows, deliveries, secrets, apiKeys });
}

beforeAll(async () => {
  db = createTestDb();
  deps = { db, box: testSecretBox, allowHttp: false, now: () => new Date() };
  const acme = await makeTenant(db);
  const globex = await makeTenant(db, { name: `Globex ${crypto.randomBytes(3).toString("hex")}` });
  const initech = await makeTenant(db);
  await makeSenderNumber(db, testSecretBox, acme.id);
  const sender = await makeSenderNumber(db, testSecretBox, globex.id);
  const message = await makeMessage(
    db,
    { tenantId: globex.id, senderNumberId: sender.id, recipient: "15550004321" },
    stories.read(Date.now() - 60_000),
  );
  const endpoint = await createEndpoint(
    db,
    testSecretBox,
    FACTORY_ACTOR,
    {
      tenantId: globex.id,
      url: "https://globex.example/hooks",
      description: "Globex CRM",
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
    { tenantId: globex.id, endpointId: endpoint.endpoint.id, type: "message.delivered" },
    new Date(),
  );
  await makeApiKey(db, globex.id);
  const tenantRow = await db.tenant.findUniqueOrThrow({ where: { id: globex.id } });
  foreign = {
    tenantId: globex.id,
    tenantSlug: tenantRow.slug,
    tenantName: tenantRow.name,
    messageId: message.id,
    recipient: "15550004321",
    senderNumberId: sender.id,
    phoneNumberId: sender.phoneNumberId,
    displayNumber: sender.displayNumber,
    endpointId: endpoint.endpoint.id,
    endpointUrl: "https://globex.example/hooks",
    deliveryId: delivery.deliveryId,
  };

  const acmeKey = await makeApiKey(db, acme.id);
  const revoked = await makeApiKey(db, acme.id, "revoked");
  await revokeApiKey(db, FACTORY_ACTOR, { tenantId: acme.id, keyId: revoked.id, reason: "matrix" });
  const paused = await makeApiKey(db, initech.id);
  await db.tenant.update({ where: { id: initech.id }, data: { status: "paused" } });
  // Acme's key id and secret under Globex's tenant id: the tenant is part of the key's identity
  const forged = acmeKey.apiKey.replace(acme.id, globex.id);
  expect(forged).not.toBe(acmeKey.apiKey);
  principals = [
    { name: "Acme's key", authorization: `Bearer ${acmeKey.apiKey}`, expect: "wall" },
    { name: "no key", authorization: null, expect: 401 },
    { name: "Acme's revoked key", authorization: `Bearer ${revoked.apiKey}`, expect: 401 },
    { name: "a paused tenant's key", authorization: `Bearer ${paused.apiKey}`, expect: 403 },
    { name: "Globex's tenant id forged onto Acme's key", authorization: `Bearer ${forged}`, expect: 401 },
    { name: "a malformed key", authorization: "Bearer wbk_not-a-key", expect: 401 },
  ];
});
afterAll(async () => {
  reportFigures("tenant-wall.rest", { operations: documentedOperations().length, cells: cellsChecked });
  await db.$disconnect();
});

/** Globex's identifiers found in an answer, except those the caller itself sent (echoed input). */
function leaks(text: string, sent: string): string[] {
  return [
    foreign.tenantId,
    foreign.tenantSlug,
    foreign.tenantName,
    foreign.messageId,
    foreign.recipient,
    foreign.senderNumberId,
    foreign.phoneNumberId,
    foreign.displayNumber,
    foreign.endpointId,
    foreign.endpointUrl,
    foreign.deliveryId,
  ].filter((marker) => text.includes(marker) && !sent.includes(marker));
}

function requestFor(key: string, entry: TRestEntry, principal: TPrincipal): Request {
  const id = entry.id?.(foreign) ?? "";
  const [method] = key.split(" ");
  const body = entry.body?.(foreign);
  const headers: Record<string, string> = {};
  if (principal.authorization) headers.authorization = principal.authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Request(`http://localhost${pathOf(key, id)}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// every (caller, operation) answer checked, for the figures in docs/reliability.md
let cellsChecked = 0;

function call(key: string, entry: TRestEntry, principal: TPrincipal): Promise<Response> {
  cellsChecked += 1;
  const route = REST_ROUTES[key];
  if (!route) throw new Error(`${key} has no handler in tests/setup/rest-routes.ts`);
  return route(deps, requestFor(key, entry, principal), { id: entry.id?.(foreign) ?? "" });
}

describe("tenant wall matrix (REST)", () => {
  it("has an entry for every operation of the OpenAPI document, and none for operations that are gone", () => {
    const operations = documentedOperations();
    expect(operations.length).toBeGreaterThan(10);
    expect(
      operations.filter((o) => !(o in REST_MATRIX)),
      "operations without a matrix entry",
    ).toEqual([]);
    expect(
      Object.keys(REST_MATRIX).filter((o) => !operations.includes(o)),
      "entries without an operation",
    ).toEqual([]);
    expect(
      operations.filter((o) => !(o in REST_ROUTES)),
      "operations without a handler binding",
    ).toEqual([]);
  });

  it("every method a route file under app/api/v1 exports is in the OpenAPI document", () => {
    const files = routeFileOperations();
    expect(files.length).toBeGreaterThan(10);
    expect(
      files.filter((o) => !documentedOperations().includes(o)),
      "routes the document does not describe",
    ).toEqual([]);
  });

  it("every caller, aiming every operation at Globex's ids, is refused or gets nothing of Globex, and no Globex row changes", async () => {
    const before = await globexState();
    const failures: string[] = [];
    let cells = 0;
    for (const principal of principals) {
      for (const key of documentedOperations()) {
        const entry = REST_MATRIX[key]!;
        const response = await call(key, entry, principal);
        const text = await response.text();
        cells += 1;
        const cell = `${principal.name} ${key}`;
        if (response.status >= 500) failures.push(`${cell}: ${response.status} ${text.slice(0, 200)}`);
        const sent = `${entry.id?.(foreign) ?? ""} ${JSON.stringify(entry.body?.(foreign) ?? null)}`;
        const found = key === "GET /api/v1/openapi.json" ? [] : leaks(text, sent);
        if (found.length > 0) failures.push(`${cell}: answered with Globex's ${found.join(", ")}`);
        const expected = entry.isPublic ? "wall" : principal.expect;
        if (expected === "wall") {
          if (response.status >= 300 && (response.status < 400 || response.status > 499))
            failures.push(`${cell}: ${response.status}`);
        } else if (response.status !== expected) {
          failures.push(`${cell}: expected ${expected}, got ${response.status} ${text.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cells).toBe(principals.length * documentedOperations().length);
    expect(await globexState()).toBe(before);
  });

  it("Acme's key is refused outright on each id-addressed Globex resource (not merely emptied)", async () => {
    const acme = principals[0]!;
    const failures: string[] = [];
    for (const key of documentedOperations().filter((o) => o.includes("{id}"))) {
      const entry = REST_MATRIX[key]!;
      const response = await call(key, entry, acme);
      if (response.status !== 404) failures.push(`${key}: ${response.status}`);
    }
    expect(failures).toEqual([]);
  });
});
