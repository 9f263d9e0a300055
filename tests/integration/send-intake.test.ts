// The send intake's one statement (request-send.ts) against what the ledger service writes for
// the same request: the same projection, a chain that verifies, no drift, the same rollup
// deltas and queue rows; the 202's body equal to a fresh read; a stale sender entry never sends
// from the wrong number; and the tenant API's key cache honours revocation after its TTL.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { sqlOfPg, type TSql } from "@/server/db/sql";
import { scopedSqlOfPool, type TScopedSql } from "@/server/db/scoped-sql";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { usableFoldState } from "@/server/domain/reconciliation/fold";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { buildCloudMessageBody, type TSendMessageRequest } from "@/server/domain/sending/send-request";
import { createApiKeyVerifier, revokeApiKey } from "@/server/services/api-keys";
import { auditDrift } from "@/server/services/audit-drift";
import { createMessage } from "@/server/services/ledger/append-events";
import { verifyMessageChain } from "@/server/services/ledger/read-ledger";
import { getMessageView } from "@/server/services/sending/message-views";
import {
  createIntakeWriter,
  requestSend,
  type TRequestSendDeps,
} from "@/server/services/sending/request-send";
import { createSenderDirectory } from "@/server/services/sending/sender-directory";
import { FACTORY_ACTOR, makeApiKey, makeSenderNumber, makeTenant } from "../factories";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";

let db: TDb;
let pool: pg.Pool;
let sql: TSql;
let scoped: TScopedSql;
let tenantId: string;
let sender: { id: string; displayNumber: string; phoneNumberId: string };
let wakes = 0;

function intake(overrides: Partial<TRequestSendDeps> = {}): TRequestSendDeps {
  return { sql, scoped, db, senders: createSenderDirectory(), wake: () => (wakes += 1), ...overrides };
}

/** The pool's scoped transactions with each statement of their bodies passed through `wrap`. */
function scopedThrough(wrap: (inner: TSql) => TSql): TScopedSql {
  return (tenantIds, body) => scoped(tenantIds, (inner) => body(wrap(inner)));
}

const templateRequest = (to: string): TSendMessageRequest => ({
  from: sender.displayNumber,
  to,
  type: "template",
  template: { name: "order_update", language: "en_US", bodyParameters: ["#1", "Friday"] },
  metadata: { orderId: "1" },
});

beforeAll(async () => {
  db = createTestDb();
  pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  sql = sqlOfPg(pool);
  scoped = scopedSqlOfPool(pool);
  tenantId = (await makeTenant(db)).id;
  sender = await makeSenderNumber(db, testSecretBox, tenantId);
});
afterAll(async () => {
  await db.sendQueueItem.deleteMany({ where: { tenantId } });
  await db.$disconnect();
  await pool.end();
});

describe("send intake", () => {
  it("writes what the ledger service writes for a new message, in one statement", async () => {
    const now = new Date("2026-03-01T10:00:07.123Z");
    const result = await requestSend(intake(), {
      tenantId,
      request: templateRequest("+15557770001"),
      idempotencyKey: "intake-equivalence",
      origin: { kind: "api", apiKeyId: crypto.randomUUID() },
      now,
    });
    expect(result.kind).toBe("created");
    if (result.kind !== "created") return;
    const id = result.message.id;

    // the ledger's own path for the same request, beside it
    const reference = await db.$transaction((tx) =>
      createMessage(
        tx,
        {
          tenantId,
          senderNumberId: sender.id,
          recipient: "15557770002",
          contentKind: "template",
          templateName: "order_update",
          templateLanguage: "en_US",
          templateCategory: null,
          requestPayload: buildCloudMessageBody(templateRequest("+15557770002"), "x"),
          idempotencyKey: "intake-reference",
        },
        {
          type: "requested",
          source: "api",
          providerTimestamp: null,
          dedupeKey: dedupeKey.requested(),
          payload: { via: "tenant_api" },
        },
        { now },
      ),
    );
    const columns = {
      state: true,
      stateReachedAt: true,
      stateExplanation: true,
      deciderDedupeKey: true,
      conflictKinds: true,
      rulesVersion: true,
      lastErrorCode: true,
      attemptCount: true,
      eventCount: true,
      deliveryLatencyMs: true,
      providerMessageId: true,
      createdAt: true,
      contentKind: true,
      templateName: true,
      templateLanguage: true,
      senderNumberId: true,
    } as const;
    const [mine, theirs] = await Promise.all([
      db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } }, select: columns }),
      db.message.findUniqueOrThrow({
        where: { tenantId_id: { tenantId, id: reference.messageId } },
        select: columns,
      }),
    ]);
    expect(mine).toEqual(theirs);

    // the ledger's fold state is there, so the next append goes on from it (no full path)
    const [row] = await sql.query<{ fold_state: unknown; head_hash: string }>(
      "SELECT fold_state, head_hash FROM message WHERE tenant_id = $1 AND id = $2",
      [tenantId, id],
    );
    const folded = usableFoldState(row?.fold_state, CURRENT_RULES);
    expect(folded).toMatchObject({ headHash: row?.head_hash, eventCount: 1 });

    // the chain verifies against the head anchored on the row, and the audit finds no drift
    expect(await verifyMessageChain(db, tenantId, id)).toMatchObject({ ok: true, checkedEvents: 1 });
    const audit = await auditDrift(
      db,
      { tenantId, messageId: id },
      { apply: false, actor: FACTORY_ACTOR, now: () => new Date() },
    );
    expect(audit.checked).toBe(1);
    expect(audit.drifted).toHaveLength(0);

    // one first receipt, one rollup delta (+1 queued in the request's bucket), a queue row, the
    // request record with the hash replays are compared by
    const receipts = await db.messageEventReceipt.findMany({ where: { tenantId, messageId: id } });
    expect(receipts).toMatchObject([{ dedupeKey: "requested", isFirst: true, source: "api" }]);
    const deltas = await db.insightDelta.findMany({
      where: { tenantId, senderNumberId: sender.id, templateName: "order_update" },
      select: { bucketStart: true, state: true, errorCode: true, latencyBucket: true, delta: true },
    });
    expect(deltas).toHaveLength(2);
    expect(deltas[0]).toEqual(deltas[1]);
    expect(deltas[0]).toMatchObject({ state: "queued", delta: 1, errorCode: "", latencyBucket: -1 });
    const queue = await db.sendQueueItem.findUniqueOrThrow({
      where: { tenantId_messageId: { tenantId, messageId: id } },
    });
    expect(queue).toMatchObject({ attempt: 1, recipient: "15557770001", senderNumberId: sender.id });
    expect(queue.notBefore.toISOString()).toBe(now.toISOString());
    const dispatch = await db.senderDispatch.count({ where: { tenantId, senderNumberId: sender.id } });
    expect(dispatch).toBe(1);
    const request = await db.sendRequest.findUniqueOrThrow({
      where: { tenantId_messageId: { tenantId, messageId: id } },
    });
    expect(request.requestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(wakes).toBeGreaterThan(0);

    // the 202's body is what a fresh read of the message shows
    expect(result.message).toEqual(await getMessageView(db, tenantId, id));
  });

  it("never sends from a number the cached `from` no longer names", async () => {
    const senders = createSenderDirectory();
    const deps = intake({ senders });
    const send = () =>
      requestSend(deps, {
        tenantId,
        request: { ...templateRequest("+15557770003"), from: "+15550009999" },
        idempotencyKey: null,
        origin: { kind: "api", apiKeyId: crypto.randomUUID() },
        now: new Date(),
      });
    const other = await makeSenderNumber(db, testSecretBox, tenantId, { displayNumber: "+15550009999" });
    const first = await send();
    expect(first.kind === "created" && first.message.from.senderNumberId).toBe(other.id);
    // the number is renumbered while its old display number is still cached
    await db.senderNumber.update({
      where: { tenantId_id: { tenantId, id: other.id } },
      data: { displayNumber: "+15550008888" },
    });
    expect(await send()).toEqual({ kind: "unknown_sender", from: "+15550009999" });
    expect(await db.message.count({ where: { tenantId, senderNumberId: other.id } })).toBe(1);
  });

  it("answers a replay and a conflict on a key whose message is already committed", async () => {
    const input = {
      tenantId,
      request: templateRequest("+15557770004"),
      idempotencyKey: "intake-replay",
      origin: { kind: "api" as const, apiKeyId: crypto.randomUUID() },
      now: new Date(),
    };
    const first = await requestSend(intake(), input);
    const again = await requestSend(intake(), { ...input, now: new Date() });
    expect(again.kind).toBe("replayed");
    expect(again.kind === "replayed" && first.kind === "created" && again.message.id).toBe(
      first.kind === "created" && first.message.id,
    );
    const conflict = await requestSend(intake(), {
      ...input,
      request: { ...input.request, to: "+15557770005" },
    });
    expect(conflict.kind).toBe("idempotency_conflict");
  });
});

describe("send intake by group commit", () => {
  const request = (to: string, from = sender.displayNumber): TSendMessageRequest => ({
    ...templateRequest(to),
    from,
  });
  const send = (deps: TRequestSendDeps, to: string, key: string | null, from?: string) =>
    requestSend(deps, {
      tenantId,
      request: request(to, from),
      idempotencyKey: key,
      origin: { kind: "api", apiKeyId: crypto.randomUUID() },
      now: new Date(),
    });

  it("answers each request of a group for itself: new, same key twice, unknown sender", async () => {
    let statements = 0;
    const counted = scopedThrough((inner) => ({
      query: (text, values) => {
        statements += 1;
        return inner.query(text, values);
      },
    }));
    // one statement at a time: everything submitted meanwhile joins the next group
    const deps = intake({ write: createIntakeWriter(counted, { maxInFlight: 1 }) });
    const results = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => send(deps, `+1555888${String(i).padStart(4, "0")}`, null)),
      send(deps, "+15558880100", "group-same-key"),
      send(deps, "+15558880100", "group-same-key"),
      send(deps, "+15558880101", null, "+15550000404"),
    ]);
    const created = results.filter((r) => r.kind === "created");
    expect(created).toHaveLength(13);
    const [a, b] = results.slice(12, 14);
    // the second of two equal keys in one group finds the first's message once it committed
    expect([a?.kind, b?.kind].sort()).toEqual(["created", "replayed"]);
    const idOf = (r: (typeof results)[number] | undefined) =>
      r && (r.kind === "created" || r.kind === "replayed") ? r.message.id : null;
    expect(idOf(a)).not.toBeNull();
    expect(idOf(a)).toBe(idOf(b));
    expect(results[14]).toEqual({ kind: "unknown_sender", from: "+15550000404" });
    // fewer statements than requests: they were grouped
    expect(statements).toBeLessThan(results.length);
    const ids = created.map((r) => (r.kind === "created" ? r.message.id : ""));
    expect(await db.message.count({ where: { tenantId, id: { in: ids } } })).toBe(13);
    expect(await db.sendQueueItem.count({ where: { tenantId, messageId: { in: ids } } })).toBe(13);
    for (const id of ids) expect((await verifyMessageChain(db, tenantId, id)).ok).toBe(true);
  });

  it("writes the other requests of a failed group one by one", async () => {
    // a statement that fails whenever it carries the poisoned recipient, as a bad row would
    const poisoned = scopedThrough((inner) => ({
      query: (text, values) => {
        if (JSON.stringify(values ?? []).includes("15558889999")) {
          return Promise.reject(new Error("a row the database refused"));
        }
        return inner.query(text, values);
      },
    }));
    const deps = intake({ write: createIntakeWriter(poisoned, { maxInFlight: 1 }) });
    const results = await Promise.allSettled([
      send(deps, "+15558880200", null),
      send(deps, "+15558889999", null),
      send(deps, "+15558880201", null),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const recipients = await db.message.findMany({
      where: { tenantId, recipient: { in: ["15558880200", "15558889999", "15558880201"] } },
      select: { recipient: true },
    });
    expect(recipients.map((r) => r.recipient).sort()).toEqual(["15558880200", "15558880201"]);
  });
});

describe("the tenant API's key cache", () => {
  it("forgets every key at once when this process revokes one", async () => {
    const verify = createApiKeyVerifier(scoped, { ttlMs: 60_000 });
    const key = await makeApiKey(db, tenantId);
    expect(await verify(key.apiKey, new Date())).toEqual({ ok: true, tenantId, keyId: key.id });
    await revokeApiKey(db, FACTORY_ACTOR, { tenantId, keyId: key.id });
    expect(await verify(key.apiKey, new Date())).toEqual({ ok: false, reason: "revoked" });
  });

  it("takes a revocation made by another process within its TTL", async () => {
    let clock = 1_000_000;
    const verify = createApiKeyVerifier(scoped, { ttlMs: 5_000, clock: () => clock });
    const key = await makeApiKey(db, tenantId);
    expect(await verify(key.apiKey, new Date())).toEqual({ ok: true, tenantId, keyId: key.id });
    // another process's revocation: the row changes, this process is not told
    await db.apiKey.updateMany({ where: { tenantId, id: key.id }, data: { revokedAt: new Date() } });
    clock += 4_000;
    expect((await verify(key.apiKey, new Date())).ok).toBe(true);
    clock += 1_001;
    expect(await verify(key.apiKey, new Date())).toEqual({ ok: false, reason: "revoked" });
  });

  it("never remembers a failure, nor answers for a token it did not verify", async () => {
    const verify = createApiKeyVerifier(scoped, { ttlMs: 60_000 });
    const key = await makeApiKey(db, tenantId);
    const wrong = key.apiKey.slice(0, -4) + (key.apiKey.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await verify(wrong, new Date())).toEqual({ ok: false, reason: "unknown" });
    expect((await verify(key.apiKey, new Date())).ok).toBe(true);
    expect(await verify(wrong, new Date())).toEqual({ ok: false, reason: "unknown" });
  });
});
