// Property-based fuzzing of the WhatsApp webhook endpoint, in process, against the real database:
// malformed JSON, random bytes and unicode, deep and huge bodies, envelopes with wrong types,
// statuses naming another tenant's messages, forged, missing and malformed signatures, replays.
// Properties: the answer is never a 5xx; an unverified request stores nothing; a verified one is
// stored once however often it is replayed; draining the inbox afterwards never fails a row
// (each is processed or quarantined), and no status reaches a tenant its sender does not belong to.
import crypto from "node:crypto";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { signBody } from "@/server/ingest/verify-signature";
import { makeSenderNumber, makeTenant } from "../factories";
import { entry, envelope, messagesChange, statusItem, WEBHOOK_URL } from "../factories/webhooks";
import { chaosScale, FUZZ_SEED, reportFigures } from "../setup/chaos";
import { createTestDb, testSecretBox } from "../setup/context";
import {
  APP_SECRET,
  createWebhookTestPool,
  drainAll,
  PREVIOUS_APP_SECRET,
  sentMessage,
  webhookHandlers,
} from "./webhook-helpers";

const MAX_BODY_BYTES = 64 * 1024;
const RUNS = chaosScale(200, 5_000);

let db: TDb;
let pool: pg.Pool;
let route: ReturnType<typeof webhookHandlers>;
let acme: { pnid: string; display: string; waba: string; wamids: string[] };
let globex: { tenantId: string; messageId: string; wamid: string; pnid: string };

beforeAll(async () => {
  db = createTestDb();
  pool = createWebhookTestPool();
  route = webhookHandlers(pool, { maxBodyBytes: MAX_BODY_BYTES });
  const a = await makeTenant(db);
  const aSender = await makeSenderNumber(db, testSecretBox, a.id);
  const wamids: string[] = [];
  for (let i = 0; i < 3; i += 1) wamids.push((await sentMessage(db, a.id, aSender.id)).wamid);
  acme = { pnid: aSender.phoneNumberId, display: aSender.displayNumber, waba: aSender.wabaId, wamids };
  const g = await makeTenant(db);
  const gSender = await makeSenderNumber(db, testSecretBox, g.id);
  const gMessage = await sentMessage(db, g.id, gSender.id);
  globex = { tenantId: g.id, ...gMessage, pnid: gSender.phoneNumberId };
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

type TJson = Record<string, unknown>;

/** A leaf somewhere in a JSON value replaced by anything (the wrong type, unicode, null ...). */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== "object") return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

const STATUSES = ["sent", "delivered", "read", "failed", "played", "deleted", "bogus"];

/** Envelopes shaped like Meta's, from Acme's or an unknown number, naming Acme's and Globex's wamids. */
const envelopeArb = fc
  .record({
    pnid: fc.constantFrom("acme", "unknown"),
    items: fc.array(
      fc.record({
        wamid: fc.constantFrom("acme0", "acme1", "acme2", "globex", "random"),
        status: fc.constantFrom(...STATUSES),
        agoMs: fc.integer({ min: 0, max: 3_600_000 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    mutations: fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })), {
      maxLength: 3,
    }),
  })
  .map(({ pnid, items, mutations }) => {
    const wamidOf = (w: string) =>
      w === "globex"
        ? globex.wamid
        : w === "random"
          ? `wamid.${crypto.randomBytes(8).toString("hex")}`
          : acme.wamids[Number(w.slice(4))]!;
    const now = Date.now();
    let body: unknown = envelope([
      entry(acme.waba, [
        messagesChange(pnid === "acme" ? acme.pnid : "100000000000001", acme.display, {
          statuses: items.map((i) => statusItem(wamidOf(i.wamid), i.status, now - i.agoMs)),
        }),
      ]),
    ] as TJson[]);
    for (const [path, replacement] of mutations) body = mutate(body, path, replacement);
    return JSON.stringify(body);
  });

const deepArb = fc
  .record({ depth: fc.integer({ min: 1, max: 30_000 }), isArray: fc.boolean() })
  .map(({ depth, isArray }) =>
    isArray ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
  );

/** Bodies of every kind: the bytes the endpoint may be sent. */
const bodyArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: envelopeArb },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc
      .jsonValue()
      .map((v) => JSON.stringify(v))
      .chain((s) => fc.nat({ max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n))),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  { weight: 1, arbitrary: deepArb },
  {
    weight: 1,
    arbitrary: fc.integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES * 4 }).map((n) => "x".repeat(n)),
  },
);

type TSignature = "current" | "previous" | "missing" | "malformed" | "wrong_secret" | "tampered" | "random";
const signatureArb = fc.constantFrom<TSignature>(
  "current",
  "previous",
  "missing",
  "malformed",
  "wrong_secret",
  "tampered",
  "random",
);

function signatureHeader(kind: TSignature, raw: Buffer, random: string): string | null {
  switch (kind) {
    case "current":
      return signBody(raw, APP_SECRET);
    case "previous":
      return signBody(raw, PREVIOUS_APP_SECRET);
    case "missing":
      return null;
    case "malformed":
      return `sha1=${crypto.createHmac("sha1", APP_SECRET).update(raw).digest("hex")}`;
    case "wrong_secret":
      return signBody(raw, "not-the-app-secret");
    case "tampered": {
      const good = signBody(raw, APP_SECRET);
      const last = good.at(-1) === "0" ? "1" : "0";
      return good.slice(0, -1) + last;
    }
    case "random":
      return random;
  }
}

const sha = (raw: Buffer) => crypto.createHash("sha256").update(raw).digest("hex");

describe("webhook endpoint fuzzing", () => {
  it("never answers 5xx, stores only verified requests (once each), and the drain fails no row", async () => {
    const trusted = new Set<string>();
    const untrusted = new Set<string>();
    const statuses = new Map<number, number>();
    let replays = 0;
    const globexEventsBefore = await db.messageEvent.count({ where: { tenantId: globex.tenantId } });

    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        signatureArb,
        fc.string({ maxLength: 80 }),
        fc.boolean(),
        async (body, kind, random, isReplayed) => {
          const raw = Buffer.from(body);
          const header = signatureHeader(kind, raw, random);
          const post = () =>
            route.POST(
              new Request(WEBHOOK_URL, {
                method: "POST",
                headers: {
                  "content-type": "application/json",
                  ...(header === null ? {} : { "x-hub-signature-256": header }),
                },
                body: raw,
              }),
            );
          const response = await post();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const isVerified = kind === "current" || kind === "previous";
          const isTooLarge = raw.byteLength > MAX_BODY_BYTES;
          if (isVerified) {
            expect(response.status).toBe(isTooLarge ? 413 : 200);
            if (!isTooLarge) {
              trusted.add(sha(raw));
              if (isReplayed) {
                replays += 1;
                expect((await post()).status).toBe(200);
              }
            }
          } else {
            expect([401, 413]).toContain(response.status);
            untrusted.add(sha(raw));
          }
        },
      ),
      { numRuns: RUNS, seed: FUZZ_SEED },
    );

    // an unverified body is stored only if the same bytes also came with a valid signature
    const onlyUntrusted = [...untrusted].filter((h) => !trusted.has(h));
    const { rows: leaked } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1)",
      [onlyUntrusted],
    );
    expect(leaked[0]!.n).toBe(0);
    // each verified body is one row, however often it was replayed
    const { rows: stored } = await pool.query<{ n: number; d: number }>(
      "SELECT count(*)::int AS n, coalesce(sum(duplicate_count), 0)::int AS d FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1)",
      [[...trusted]],
    );
    expect(stored[0]!.n).toBe(trusted.size);
    expect(stored[0]!.d).toBeGreaterThanOrEqual(replays);

    const report = await drainAll();
    expect(report.failed).toBe(0);
    const { rows: pending } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1) AND status NOT IN ('processed', 'quarantined')",
      [[...trusted]],
    );
    if (pending[0]!.n > 0) {
      const { rows } = await pool.query(
        "SELECT status, attempts, last_error, available_at, left(convert_from(body, 'UTF8'), 300) AS b FROM webhook_inbox WHERE encode(body_sha256, 'hex') = ANY($1) AND status NOT IN ('processed', 'quarantined') LIMIT 3",
        [[...trusted]],
      );
      console.log(JSON.stringify({ report, rows }, null, 1));
    }
    expect(pending[0]!.n).toBe(0);
    // statuses naming Globex's message came from Acme's (or an unknown) number: none applied
    expect(await db.messageEvent.count({ where: { tenantId: globex.tenantId } })).toBe(globexEventsBefore);
    reportFigures("fuzz.webhook", {
      cases: RUNS,
      stored: trusted.size,
      refused: untrusted.size,
      replays,
      statuses: JSON.stringify(Object.fromEntries(statuses)),
    });
  });
});
