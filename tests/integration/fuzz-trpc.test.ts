// Property-based fuzzing of every tRPC procedure of the app router (enumerated from the router),
// called in process by Acme's tenant admin, by each platform role and without a session, with
// inputs built around Globex's ids and then broken: wrong types, unicode, NUL, huge strings,
// random JSON, missing fields. Properties: no INTERNAL_SERVER_ERROR and nothing but a TRPCError
// ever thrown; Acme's admin never gets Globex's data back (beyond what the input itself named).
import fc from "fast-check";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import type { TDb } from "@/server/db/client";
import { ROLES } from "@/server/domain/access/permissions";
import { makeApiKey, makeSenderNumber, makeTenant, makeUser } from "../factories";
import { makeMessage, stories } from "../factories/messages";
import { chaosScale, FUZZ_SEED, reportFigures } from "../setup/chaos";
import { createTestDb, testSecretBox } from "../setup/context";
import { callerFor } from "../setup/trpc";

const RUNS = chaosScale(150, 3_000);

/** Procedures that cannot run here whatever the input: the test context has no job queue. */
const NOT_FUZZED = new Set(["system.runProbe"]);

let db: TDb;
let users: { name: string; user: Awaited<ReturnType<typeof makeUser>> | null }[];
let globex: Record<string, string>;

function procedurePaths(): string[] {
  const procedures = (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def
    .procedures;
  return Object.keys(procedures)
    .filter((p) => !NOT_FUZZED.has(p))
    .sort();
}

beforeAll(async () => {
  db = createTestDb();
  const acme = await makeTenant(db);
  const g = await makeTenant(db);
  await makeSenderNumber(db, testSecretBox, acme.id);
  const sender = await makeSenderNumber(db, testSecretBox, g.id);
  const message = await makeMessage(
    db,
    { tenantId: g.id, senderNumberId: sender.id, recipient: "15550006666" },
    stories.read(Date.now() - 60_000),
  );
  const key = await makeApiKey(db, g.id);
  const globexUser = await makeUser(db, "tenant_admin", { tenantId: g.id });
  globex = {
    tenantId: g.id,
    messageId: message.id,
    senderNumberId: sender.id,
    phoneNumberId: sender.phoneNumberId,
    displayNumber: sender.displayNumber,
    recipient: "15550006666",
    keyId: key.id,
    userId: globexUser.id,
    userEmail: globexUser.email,
  };
  users = [
    { name: "acme admin", user: await makeUser(db, "tenant_admin", { tenantId: acme.id }) },
    { name: "anonymous", user: null },
  ];
  for (const role of ROLES)
    if (role !== "tenant_admin") users.push({ name: role, user: await makeUser(db, role) });
});
afterAll(async () => {
  await db.$disconnect();
});

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(
    "all",
    "\u0000",
    "\uD800",
    "",
    " ",
    "💥",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    "x".repeat(100_000),
  ),
  fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER, 0.5, true, null),
  fc.uuid(),
);

const KEYS = [
  "tenantId",
  "scope",
  "messageId",
  "senderNumberId",
  "disputeId",
  "keyId",
  "apiKeyId",
  "userId",
  "reason",
  "note",
  "ticketRef",
  "query",
  "q",
  "search",
  "cursor",
  "limit",
  "from",
  "to",
  "since",
  "state",
  "status",
  "ids",
  "messageIds",
  "endpointId",
  "rawWebhookId",
  "timeZone",
  "days",
  "range",
];

/** An input around Globex's ids, some fields replaced or removed; or any JSON at all. */
const inputArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        overrides: fc.dictionary(fc.constantFrom(...KEYS), weird, { maxKeys: 4 }),
        dropped: fc.subarray(KEYS, { maxLength: 4 }),
      })
      .map(({ overrides, dropped }) => {
        const input: Record<string, unknown> = {
          tenantId: globex.tenantId,
          messageId: globex.messageId,
          senderNumberId: globex.senderNumberId,
          keyId: globex.keyId,
          apiKeyId: globex.keyId,
          userId: globex.userId,
          query: globex.recipient,
          reason: "fuzz",
          note: "fuzz",
          ticketRef: "FUZZ-1",
          ...overrides,
        };
        for (const key of dropped) delete input[key];
        return input;
      }),
  },
  { weight: 1, arbitrary: weird },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

function leaks(value: unknown, input: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  const sent = JSON.stringify(input ?? null);
  return Object.values(globex).filter((marker) => text.includes(marker) && !sent.includes(marker));
}

describe("tRPC fuzzing", () => {
  it("every procedure, any caller, any input: a result or a clean refusal, never Globex's data for Acme", async () => {
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...procedurePaths()),
        fc.nat({ max: 100 }),
        inputArb,
        async (path, who, input) => {
          const { name, user } = users[who % users.length]!;
          const caller = callerFor(db, user) as unknown as Record<string, unknown>;
          let target: unknown = caller;
          for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
          let code = "OK";
          try {
            const value = await (target as (i: unknown) => Promise<unknown>)(input);
            if (name === "acme admin")
              expect(leaks(value, input), `${path} answered Acme with Globex's data`).toEqual([]);
          } catch (error) {
            if (!(error instanceof TRPCError)) throw error;
            code = error.code;
            expect(code, `${name} ${path}: ${error.message}`).not.toBe("INTERNAL_SERVER_ERROR");
          }
          codes.set(code, (codes.get(code) ?? 0) + 1);
        },
      ),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );
    expect(codes.get("OK") ?? 0).toBeGreaterThan(0);
    reportFigures("fuzz.trpc", { cases: RUNS, outcomes: JSON.stringify(Object.fromEntries(codes)) });
  });
});
