// The batched append against the one-by-one path: for the same requests (random interleavings of
// several messages' facts, duplicate and divergent receipts, orphans re-attached when their wamid
// is accepted, any batch cuts), both produce the same ledger (same rows, same hashes), the same
// receipts, the same projections (message row and fold state, dead letters, rollup sums, wamids,
// orphans) and no drift. One tenant takes each path; event ids come from the fact, so hashes can
// be compared across the two tenants.
import crypto from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { toSql } from "@/server/db/sql";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { auditDrift } from "@/server/services/audit-drift";
import { appendBatch, type TAppendRequest } from "@/server/services/ledger/append-batch";
import { appendEvents, createMessage } from "@/server/services/ledger/append-events";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { makeSenderNumber, makeTenant } from "../factories";
import { drafts, UNDELIVERABLE } from "../factories/ledger";
import { createTestDb, testSecretBox } from "../setup/context";

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const S = 1000;

/** Event ids derived from the fact: both paths give a fact the same id, so the same hash. */
const eventId = (fact: { messageId: string; dedupeKey: string }) => {
  const hex = crypto.createHash("sha256").update(`${fact.messageId}|${fact.dedupeKey}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

type TWorld = { tenantId: string; senderNumberId: string };

/** The facts a message can get, as drafts (wamid of attempt 1 and 2). */
function pool(w1: string, w2: string): TEventDraft[] {
  return [
    drafts.attemptStarted(1),
    drafts.accepted(1, w1),
    drafts.status("sent", w1, T0 + 2 * S),
    drafts.status("delivered", w1, T0 + 4 * S, null),
    drafts.status("read", w1, T0 + 6 * S),
    drafts.failed(w1, T0 + 5 * S, UNDELIVERABLE),
    // a re-delivery that disagrees about the time: a divergent duplicate of "sent"
    drafts.status("sent", w1, T0 + 3 * S),
    {
      type: "dead_lettered",
      source: "worker",
      providerTimestamp: null,
      dedupeKey: dedupeKey.deadLettered(1),
      payload: {},
      attempt: 1,
      reason: "retry budget exhausted",
      error: UNDELIVERABLE,
    },
    drafts.attemptStarted(2),
    drafts.accepted(2, w2),
    drafts.status("delivered", w2, T0 + 9 * S),
  ];
}

const arbRun = fc
  .record({
    messages: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
  })
  .chain(({ messages }) =>
    fc.record({
      picks: fc.array(
        fc.record({
          facts: fc.subarray([...Array(11).keys()], { minLength: 1 }),
          // orphans: statuses of attempt 1 parked before their wamid was known
          orphans: fc.subarray([2, 3, 4, 5]),
        }),
        { minLength: messages, maxLength: messages },
      ),
      // how many times each request is delivered (duplicates), and the cuts between batches
      copies: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 40, maxLength: 40 }),
      order: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 80, maxLength: 80 }),
      sizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 80, maxLength: 80 }),
      cuts: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 5 }),
    }),
  );

type TRun = typeof arbRun extends fc.Arbitrary<infer T> ? T : never;
type TPlan = {
  messageIds: string[];
  wamids: [string, string][];
  requests: (Omit<TAppendRequest, "tenantId"> & { receivedAt: Date })[];
  orphans: { messageIndex: number; draft: TEventDraft; rawWebhookId: string; receivedAt: Date }[];
  cuts: Set<number>;
};

function planOf(run: TRun): TPlan {
  const tag = crypto.randomBytes(4).toString("hex");
  const messageIds = run.picks.map(() => crypto.randomUUID());
  const wamids = run.picks.map((_, i) => [`wamid.${tag}.${i}.1`, `wamid.${tag}.${i}.2`] as [string, string]);
  const chunks: { messageIndex: number; drafts: TEventDraft[] }[] = [];
  let k = 0;
  run.picks.forEach((pick, messageIndex) => {
    const facts = pick.facts.map((i) => pool(...wamids[messageIndex]!)[i]!);
    for (let at = 0; at < facts.length;) {
      const size = run.sizes[k % run.sizes.length]!;
      const chunk = facts.slice(at, at + size);
      for (let c = 0; c < run.copies[k % run.copies.length]!; c += 1)
        chunks.push({ messageIndex, drafts: chunk });
      at += size;
      k += 1;
    }
  });
  // interleave the messages' requests (each message's own facts may arrive in any order too)
  const order = chunks
    .map((chunk, i) => ({ chunk, rank: run.order[i % run.order.length]! * 100 + i }))
    .sort((a, b) => a.rank - b.rank);
  const requests = order.map(({ chunk }, i) => ({
    messageId: messageIds[chunk.messageIndex]!,
    drafts: chunk.drafts,
    rawWebhookId: chunk.drafts.some((d) => d.source === "webhook") ? crypto.randomUUID() : null,
    receivedAt: new Date(T0 + 20 * S + i * S),
  }));
  const orphans = run.picks.flatMap((pick, messageIndex) =>
    pick.orphans.map((i, n) => ({
      messageIndex,
      draft: { ...pool(...wamids[messageIndex]!)[i]!, attempt: null } as TEventDraft,
      rawWebhookId: crypto.randomUUID(),
      receivedAt: new Date(T0 + 10 * S + n * S),
    })),
  );
  return { messageIds, wamids, requests, orphans, cuts: new Set(run.cuts) };
}

async function setUp(db: TDb, world: TWorld, plan: TPlan): Promise<void> {
  for (const id of plan.messageIds) {
    await db.$transaction((tx) =>
      createMessage(
        tx,
        {
          tenantId: world.tenantId,
          id,
          senderNumberId: world.senderNumberId,
          recipient: "15551230000",
          contentKind: "template",
          templateName: "order_update",
          requestPayload: {},
        },
        drafts.requested(),
        { now: new Date(T0), eventId },
      ),
    );
  }
  for (const [n, orphan] of plan.orphans.entries()) {
    const draft = orphan.draft as Extract<TEventDraft, { providerMessageId: string }>;
    await db.$executeRaw`
      INSERT INTO webhook_orphan_status (tenant_id, id, sender_number_id, provider_message_id, status, provider_timestamp,
                                         draft, raw_webhook_id, item_path, received_at)
      VALUES (${world.tenantId}::uuid, ${crypto.randomUUID()}::uuid, ${world.senderNumberId}::uuid,
              ${draft.providerMessageId}, ${draft.type.replace("status_", "")},
              ${new Date(draft.providerTimestamp ?? T0)}, ${JSON.stringify(draft)}::jsonb,
              ${orphan.rawWebhookId}::uuid, ${`entry[0].statuses[${n}]`}, ${orphan.receivedAt})`;
  }
}

/** Everything the two paths must agree on, with tenant- and clock-specific columns left out. */
async function snapshot(db: TDb, tenantId: string, plan: TPlan) {
  const ids = plan.messageIds;
  const wamids = plan.wamids.flat();
  const events = await db.$queryRaw`
    SELECT message_id::text, seq, id::text, dedupe_key, recorded_at, raw_webhook_id::text, prev_hash, hash, body
    FROM message_event WHERE tenant_id = ${tenantId}::uuid AND message_id = ANY(${ids}::uuid[]) ORDER BY message_id, seq`;
  const receipts = await db.$queryRaw`
    SELECT message_id::text, dedupe_key, event_id::text, source::text, received_at, raw_webhook_id::text, content_hash, is_first
    FROM message_event_receipt WHERE tenant_id = ${tenantId}::uuid AND message_id = ANY(${ids}::uuid[])
    ORDER BY message_id, dedupe_key, received_at, raw_webhook_id, content_hash, is_first`;
  const messages = await db.$queryRaw`
    SELECT id::text, state::text, state_reached_at, state_explanation, decider_dedupe_key, conflict_kinds, rules_version,
           provider_message_id, last_error_code, attempt_count, event_count, delivery_latency_ms, head_hash, fold_state
    FROM message WHERE tenant_id = ${tenantId}::uuid AND id = ANY(${ids}::uuid[]) ORDER BY id`;
  const deadLetters = await db.$queryRaw`
    SELECT message_id::text, dead_lettered_at, dead_letter_attempt, episodes, reason, reason_class, error_code,
           status::text, status_at, retry_attempt, acknowledged_attempt
    FROM dead_letter WHERE tenant_id = ${tenantId}::uuid AND message_id = ANY(${ids}::uuid[]) ORDER BY message_id`;
  // rollups have no message key: summed over the tenant (every earlier run agreed too)
  const rollups = await db.$queryRaw`
    SELECT bucket_start, template_name, state::text, error_code, latency_bucket, sum(delta)::int AS n
    FROM insight_delta WHERE tenant_id = ${tenantId}::uuid
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4, 5`;
  const accepted = await db.$queryRaw`
    SELECT provider_message_id, message_id::text, attempt FROM message_provider_id
    WHERE tenant_id = ${tenantId}::uuid AND provider_message_id = ANY(${wamids}::text[]) ORDER BY provider_message_id`;
  const orphans = await db.$queryRaw`
    SELECT provider_message_id, item_path, message_id::text, attached_by, attached_at IS NULL AS is_waiting
    FROM webhook_orphan_status WHERE tenant_id = ${tenantId}::uuid AND provider_message_id = ANY(${wamids}::text[])
    ORDER BY provider_message_id, item_path`;
  return { events, receipts, messages, deadLetters, rollups, accepted, orphans };
}

describe("ledger batch append", () => {
  let db: TDb;
  let single: TWorld;
  let batched: TWorld;

  beforeAll(async () => {
    db = createTestDb();
    const worlds: TWorld[] = [];
    for (let i = 0; i < 2; i += 1) {
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      worlds.push({ tenantId: tenant.id, senderNumberId: sender.id });
    }
    [single, batched] = worlds as [TWorld, TWorld];
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it("gives the same ledger, hashes and projections as appending the same requests one by one", async () => {
    await fc.assert(
      fc.asyncProperty(arbRun, async (run) => {
        const plan = planOf(run);
        await setUp(db, single, plan);
        await setUp(db, batched, plan);

        for (const r of plan.requests) {
          await db.$transaction((tx) =>
            appendEvents(tx, single.tenantId, r.messageId, r.drafts, {
              now: r.receivedAt,
              rawWebhookId: r.rawWebhookId,
              eventId,
            }),
          );
        }
        let batch: TAppendRequest[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const requests = batch;
          batch = [];
          await db.$transaction((tx) =>
            appendBatch(toSql(tx), requests, { now: new Date(T0 + 3_600 * S), eventId }),
          );
        };
        for (const [i, r] of plan.requests.entries()) {
          if (plan.cuts.has(i)) await flush();
          batch.push({ ...r, tenantId: batched.tenantId });
        }
        await flush();

        const [a, b] = [
          await snapshot(db, single.tenantId, plan),
          await snapshot(db, batched.tenantId, plan),
        ];
        expect(b.events).toEqual(a.events);
        expect(b.receipts).toEqual(a.receipts);
        expect(b.messages).toEqual(a.messages);
        expect(b.deadLetters).toEqual(a.deadLetters);
        expect(b.rollups).toEqual(a.rollups);
        expect(b.accepted).toEqual(a.accepted);
        expect(b.orphans).toEqual(a.orphans);
      }),
      { numRuns: 15 },
    );
    // the runs did exercise re-attached orphans, divergent duplicates and dead letters
    const [seen] = await db.$queryRaw<{ attached: number; divergent: number; dead: number }[]>`
      SELECT (SELECT count(*)::int FROM webhook_orphan_status WHERE tenant_id = ${batched.tenantId}::uuid
                AND attached_at IS NOT NULL) AS attached,
             (SELECT count(*)::int FROM message_event_receipt r WHERE r.tenant_id = ${batched.tenantId}::uuid
                AND NOT r.is_first AND r.content_hash <> (SELECT f.content_hash FROM message_event_receipt f
                  WHERE f.tenant_id = r.tenant_id AND f.event_id = r.event_id AND f.is_first)) AS divergent,
             (SELECT count(*)::int FROM dead_letter WHERE tenant_id = ${batched.tenantId}::uuid) AS dead`;
    expect(seen!.attached).toBeGreaterThan(0);
    expect(seen!.divergent).toBeGreaterThan(0);
    expect(seen!.dead).toBeGreaterThan(0);
    // and the projections are what the ledger derives: no drift on either path
    for (const world of [single, batched]) {
      const report = await auditDrift(
        db,
        { tenantId: world.tenantId },
        { apply: false, actor: { kind: "cli", label: "test" }, now: () => new Date() },
      );
      expect(report.drifted).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    }
  }, 600_000);

  it("locks a batch's messages in (tenant, id) order: two batches over the same messages in opposite orders both commit", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const plan: TPlan = {
      messageIds: ids,
      wamids: [],
      requests: [],
      orphans: [],
      cuts: new Set(),
    };
    await setUp(db, batched, plan);
    const requests = ids.map((messageId) => ({
      tenantId: batched.tenantId,
      messageId,
      drafts: [drafts.attemptStarted(1)],
    }));
    await Promise.all([
      db.$transaction((tx) => appendBatch(toSql(tx), requests, { now: new Date(T0 + S) })),
      db.$transaction((tx) => appendBatch(toSql(tx), [...requests].reverse(), { now: new Date(T0 + 2 * S) })),
    ]);
    const counts = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM message_event_receipt
      WHERE tenant_id = ${batched.tenantId}::uuid AND message_id = ANY(${ids}::uuid[]) AND dedupe_key = 'attempt:1:started'`;
    expect(counts[0]!.n).toBe(6);
  });

  it("leaves the message row as it is when a batch brings only duplicates, and still counts their receipts", async () => {
    const messageId = crypto.randomUUID();
    await setUp(db, batched, {
      messageIds: [messageId],
      wamids: [],
      requests: [],
      orphans: [],
      cuts: new Set(),
    });
    const request = { tenantId: batched.tenantId, messageId, drafts: [drafts.attemptStarted(1)] };
    await db.$transaction((tx) => appendBatch(toSql(tx), [request], { now: new Date(T0 + S) }));
    const rowVersion = async () =>
      (
        await db.$queryRaw<{ xmin: string; updated_at: Date; event_count: number }[]>`
          SELECT xmin::text AS xmin, updated_at, event_count FROM message
          WHERE tenant_id = ${batched.tenantId}::uuid AND id = ${messageId}::uuid`
      )[0]!;
    const before = await rowVersion();

    const again = await db.$transaction((tx) =>
      appendBatch(toSql(tx), [request, request], { now: new Date(T0 + 2 * S) }),
    );
    expect(again.messages[0]!.appended).toHaveLength(0);
    expect(again.messages[0]!.duplicates).toHaveLength(2);
    // the same row version: no UPDATE ran (an UPDATE writing equal values still makes a new one)
    expect(await rowVersion()).toEqual(before);
    const receipts = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM message_event_receipt
      WHERE tenant_id = ${batched.tenantId}::uuid AND message_id = ${messageId}::uuid AND dedupe_key = 'attempt:1:started'`;
    expect(receipts[0]!.n).toBe(3);

    // a new fact moves the row again
    await db.$transaction((tx) =>
      appendBatch(toSql(tx), [{ ...request, drafts: [drafts.attemptStarted(2)] }], {
        now: new Date(T0 + 3 * S),
      }),
    );
    const after = await rowVersion();
    expect(after.xmin).not.toBe(before.xmin);
    expect(after.event_count).toBe(before.event_count + 1);
  });
});
