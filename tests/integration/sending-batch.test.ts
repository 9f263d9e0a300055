// A claim's sends prepared together and their acknowledgements recorded in groups
// (processClaimedBatch, createAcknowledger): every plain send gets attempt_started before its
// call and provider_accepted after it, in chains that verify; a row another worker took over is
// not sent; a message whose decision is not a plain send (an attempt in doubt) takes the
// one-message path and is held, never resent; accepted rows leave the queue.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import type { TProviderSendRequest } from "@/server/providers/types";
import { appendEvents } from "@/server/services/ledger/append-events";
import { verifyMessageChain } from "@/server/services/ledger/read-ledger";
import { processClaimedBatch, type TSendDeps } from "@/server/services/sending/process-send";
import { claimSends } from "@/server/services/sending/send-queue";
import { makeSenderNumber, makeTenant } from "../factories";
import { acceptingProvider, queueTemplateSend, testSendDeps } from "../factories/sending";
import { createTestDb, createTestPool, testSecretBox } from "../setup/context";

let db: TDb;
let pool: pg.Pool;
let tenantId: string;
let senderId: string;
const calls: TProviderSendRequest[] = [];
let transactions = 0;

const provider = acceptingProvider(calls);

beforeAll(async () => {
  db = createTestDb();
  pool = createTestPool();
  // the batched path's transactions are plain pg: one pool checkout each
  pool.on("acquire", () => {
    transactions += 1;
  });
  const tenant = await makeTenant(db);
  tenantId = tenant.id;
  senderId = (await makeSenderNumber(db, testSecretBox, tenantId)).id;
});
afterAll(async () => {
  await db.sendQueueItem.deleteMany({ where: { tenantId } });
  await db.$disconnect();
  await pool.end();
});

function deps(workerId: string): TSendDeps {
  // counts the dispatcher's one-message transactions (Prisma); the pool counts the batched ones
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property === "$transaction") {
        return (...args: Parameters<TDb["$transaction"]>) => {
          transactions += 1;
          return (target.$transaction as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return testSendDeps({ db: counted, pool, provider, workerId, logName: "batch-test", credentialsDb: db });
}

const request = (n: number) =>
  queueTemplateSend(db, tenantId, senderId, `+1555444${String(n).padStart(4, "0")}`);

describe("a claim's sends, together", () => {
  it("records attempt_started for the claim and acknowledgements in groups; odd ones go alone", async () => {
    const plain = await Promise.all(Array.from({ length: 6 }, (_, i) => request(i)));
    const inDoubt = await request(50);
    const takenOver = await request(51);
    // an attempt that started and was never answered (a worker died mid-call): in doubt
    await appendEvents(
      db,
      tenantId,
      inDoubt,
      [
        {
          type: "attempt_started",
          source: "worker",
          providerTimestamp: null,
          dedupeKey: "attempt:1:started",
          payload: {},
          attempt: 1,
        },
      ],
      { now: new Date() },
    );

    const workerId = `batch-test-${crypto.randomUUID().slice(0, 8)}`;
    const claim = await claimSends(pool, {
      slots: 16,
      workerId,
      leaseMs: 30_000,
      now: new Date(),
      throughput: { ...DEFAULT_THROUGHPUT, defaultMaxRate: 1_000 },
    });
    expect(claim.claimed).toHaveLength(8);
    // another worker took one row over after our claim (its lease expired, say)
    await db.sendQueueItem.update({
      where: { tenantId_messageId: { tenantId, messageId: takenOver } },
      data: { leasedBy: "another-worker" },
    });

    transactions = 0;
    const outcomes = await Promise.all(processClaimedBatch(deps(workerId), claim.claimed));
    const byId = new Map(claim.claimed.map((item, i) => [item.messageId, outcomes[i]]));
    for (const id of plain) expect(byId.get(id)).toBe("accepted");
    expect(byId.get(takenOver)).toBe("lease_lost");
    expect(byId.get(inDoubt)).toBe("held_in_doubt");

    // one call per plain send, none for the taken-over or in-doubt ones
    const sentIds = calls.map((c) => String(c.body.biz_opaque_callback_data).split(":")[0]);
    expect(sentIds.sort()).toEqual([...plain].sort());
    // one transaction to prepare the claim, at most a few for the acknowledgements (grouped),
    // one for the in-doubt message's own path: fewer than one per send
    expect(transactions).toBeLessThan(plain.length + 1);

    for (const id of plain) {
      const events = await db.messageEvent.findMany({
        where: { tenantId, messageId: id },
        orderBy: { seq: "asc" },
        select: { type: true, attempt: true },
      });
      expect(events.map((e) => e.type)).toEqual(["requested", "attempt_started", "provider_accepted"]);
      expect((await verifyMessageChain(db, tenantId, id)).ok).toBe(true);
      expect(await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } } })).toMatchObject({
        state: "accepted",
      });
    }
    const left = await db.sendQueueItem.findMany({ where: { tenantId }, select: { messageId: true } });
    // accepted and held rows are gone; the taken-over row is the other worker's
    expect(left.map((r) => r.messageId)).toEqual([takenOver]);
  });
});
