// The dispatcher's claim and the preparation of its sends in ONE transaction (claimAndPrepare):
// the leases and every attempt_started commit together, before any call leaves; a worker that
// dies between that commit and its calls leaves attempts in doubt (held, never resent, never
// lost); a transaction that fails leaves nothing claimed; a message another transaction holds
// locked is skipped (no wait, no deadlock with a cancel) and decided by the one-message path; a
// dispatcher whose claim-and-prepare transaction keeps failing still sends, claiming alone.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { DEFAULT_THROUGHPUT } from "@/server/domain/sending/throughput";
import type { TProviderSendRequest } from "@/server/providers/types";
import { verifyMessageChain } from "@/server/services/ledger/read-ledger";
import { claimAndPrepare, sendPlanned, type TSendDeps } from "@/server/services/sending/process-send";
import { startDispatcher } from "@/server/services/sending/dispatcher";
import type { TClaimedSend, TClaimOptions } from "@/server/services/sending/send-queue";
import { makeSenderNumber, makeTenant } from "../factories";
import { acceptingProvider, queueTemplateSend, testSendDeps } from "../factories/sending";
import { createTestDb, createTestPool, testSecretBox } from "../setup/context";
import { waitFor } from "../setup/processes";

let db: TDb;
let pool: pg.Pool;
let admin: pg.Pool;
let tenantId: string;
let senderId: string;
const calls: TProviderSendRequest[] = [];
let checkouts = 0;

const provider = acceptingProvider(calls);

beforeAll(async () => {
  db = createTestDb();
  pool = createTestPool();
  admin = createTestPool();
  // every transaction of the batched path is one checkout of this pool
  pool.on("acquire", () => {
    checkouts += 1;
  });
  tenantId = (await makeTenant(db)).id;
  senderId = (await makeSenderNumber(db, testSecretBox, tenantId)).id;
});
afterEach(async () => {
  calls.length = 0;
  await db.sendQueueItem.deleteMany({ where: { tenantId } });
});
afterAll(async () => {
  await db.$disconnect();
  await pool.end();
  await admin.end();
});

function deps(workerId: string): TSendDeps {
  return testSendDeps({ db: db, pool, provider, workerId, logName: "claim-prepare-test" });
}

const claimOptions = (workerId: string): TClaimOptions => ({
  slots: 16,
  workerId,
  leaseMs: 30_000,
  now: new Date(),
  throughput: { ...DEFAULT_THROUGHPUT, defaultMaxRate: 1_000 },
});

/** Every claimed row goes out now (the dispatcher's split, with nothing in flight). */
const allTogether = (claimed: readonly TClaimedSend[]) => ({ together: [...claimed], after: [] });

const request = (n: number) =>
  queueTemplateSend(db, tenantId, senderId, `+1555777${String(n).padStart(4, "0")}`);

async function eventTypes(messageId: string): Promise<string[]> {
  const events = await db.messageEvent.findMany({
    where: { tenantId, messageId },
    orderBy: { seq: "asc" },
    select: { type: true },
  });
  return events.map((e) => e.type);
}

const workerName = () => `claim-prepare-${crypto.randomUUID().slice(0, 8)}`;
const ours = (claimed: readonly TClaimedSend[]) => claimed.filter((c) => c.tenantId === tenantId);

describe("a claim and its sends' preparation, one transaction", () => {
  it("commits the leases and every attempt_started together, before any call", async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => request(i)));
    const workerId = workerName();

    checkouts = 0;
    const claimed = await claimAndPrepare(deps(workerId), claimOptions(workerId), allTogether);
    // one transaction: the claim's and the preparation's statements between one BEGIN and COMMIT
    expect(checkouts).toBe(1);
    expect(
      ours(claimed.result.claimed)
        .map((c) => c.messageId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(calls).toHaveLength(0);

    // committed, as another connection sees it: leased to this worker, the attempt started
    for (const id of ids) {
      const { rows } = await admin.query<{ leased_by: string; state: string }>(
        `SELECT q.leased_by, m.state::text AS state FROM send_queue q
         JOIN message m ON m.tenant_id = q.tenant_id AND m.id = q.message_id
         WHERE q.tenant_id = $1 AND q.message_id = $2`,
        [tenantId, id],
      );
      expect(rows[0]).toEqual({ leased_by: workerId, state: "submitting" });
      expect(await eventTypes(id)).toEqual(["requested", "attempt_started"]);
    }

    const outcomes = await Promise.all(sendPlanned(deps(workerId), claimed.together, claimed.plans));
    // (rows other files left queued may be claimed too: only this tenant's are asserted)
    const mine = outcomes.filter((_, i) => claimed.together[i]!.tenantId === tenantId);
    expect(mine).toEqual(ids.map(() => "accepted"));
    expect(
      calls.filter((c) => ids.includes(String(c.body.biz_opaque_callback_data).split(":")[0]!)),
    ).toHaveLength(ids.length);
    for (const id of ids) {
      expect(await eventTypes(id)).toEqual(["requested", "attempt_started", "provider_accepted"]);
      expect((await verifyMessageChain(db, tenantId, id)).ok).toBe(true);
    }
  });

  it("a worker that dies after the claim, before its calls, leaves the attempts in doubt, not lost", async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => request(100 + i)));
    const dead = workerName();
    // claimed and prepared; the worker dies before sending anything
    const claimed = await claimAndPrepare(deps(dead), claimOptions(dead), allTogether);
    expect(ours(claimed.result.claimed)).toHaveLength(3);
    // its leases run out
    await admin.query(
      "UPDATE send_queue SET lease_until = now() - interval '1 second' WHERE tenant_id = $1 AND leased_by = $2",
      [tenantId, dead],
    );

    const next = workerName();
    const again = await claimAndPrepare(deps(next), claimOptions(next), allTogether);
    expect(
      ours(again.result.claimed)
        .map((c) => c.messageId)
        .sort(),
    ).toEqual([...ids].sort());
    const outcomes = await Promise.all(sendPlanned(deps(next), again.together, again.plans));
    // the ledger says an attempt started with no outcome: the provider may have it, so it is held
    // for a webhook or an engineer, and nothing is sent again
    expect(outcomes.filter((_, i) => again.together[i]!.tenantId === tenantId)).toEqual([
      "held_in_doubt",
      "held_in_doubt",
      "held_in_doubt",
    ]);
    expect(calls.filter((c) => ids.includes(String(c.body.biz_opaque_callback_data).split(":")[0]!))).toEqual(
      [],
    );
    for (const id of ids) {
      expect(await eventTypes(id)).toEqual(["requested", "attempt_started"]);
      const message = await db.message.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } } });
      expect(message.state).toBe("submitting");
    }
  });

  it("a transaction that fails leaves nothing claimed and nothing recorded", async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => request(200 + i)));
    const workerId = workerName();
    await expect(
      claimAndPrepare(deps(workerId), claimOptions(workerId), () => {
        throw new Error("the worker failed mid-claim");
      }),
    ).rejects.toThrow("the worker failed mid-claim");
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM send_queue WHERE tenant_id = $1 AND lease_until IS NOT NULL",
      [tenantId],
    );
    expect(rows[0]!.n).toBe(0);
    for (const id of ids) expect(await eventTypes(id)).toEqual(["requested"]);
  });

  it("skips a message another transaction holds locked, and the one-message path sends it after", async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => request(300 + i)));
    const locked = ids[1]!;
    // another writer (a cancel, a status append) holds the message's row lock
    const other = await admin.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT 1 FROM message WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [
        tenantId,
        locked,
      ]);
      const workerId = workerName();
      // returns without waiting for the lock (waiting would hang this test)
      const claimed = await claimAndPrepare(deps(workerId), claimOptions(workerId), allTogether);
      expect(ours(claimed.result.claimed)).toHaveLength(3);
      expect(await eventTypes(locked)).toEqual(["requested"]);
      for (const id of ids.filter((i) => i !== locked))
        expect(await eventTypes(id)).toEqual(["requested", "attempt_started"]);
      await other.query("ROLLBACK");

      const outcomes = await Promise.all(sendPlanned(deps(workerId), claimed.together, claimed.plans));
      expect(outcomes.filter((_, i) => claimed.together[i]!.tenantId === tenantId)).toEqual([
        "accepted",
        "accepted",
        "accepted",
      ]);
      for (const id of ids) {
        expect(await eventTypes(id)).toEqual(["requested", "attempt_started", "provider_accepted"]);
        expect((await verifyMessageChain(db, tenantId, id)).ok).toBe(true);
      }
    } finally {
      other.release();
    }
  });

  it("a dispatcher whose claim-and-prepare transaction keeps failing claims alone and still sends", async () => {
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => request(400 + i)));
    // a pool on which phase A's statement of the shared transaction (its SKIP LOCKED form) always
    // fails, as a message that breaks that transaction every time would
    const faulty = createTestPool();
    faulty.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0] as string | { text?: string };
        const text = typeof first === "string" ? first : (first?.text ?? "");
        if (text.includes("FOR UPDATE OF m, q SKIP LOCKED"))
          return Promise.reject(new Error("injected failure"));
        return query(...args);
      };
    });
    const workerId = workerName();
    const base = deps(workerId);
    const dispatcher = startDispatcher({
      ...base,
      pool: faulty,
      acknowledge: undefined,
      databaseUrl: null,
      config: { ...base.config, pollMs: 50, claimIntervalMs: 0 },
    });
    try {
      await waitFor(
        async () => (await db.sendQueueItem.count({ where: { tenantId, messageId: { in: ids } } })) === 0,
        20_000,
        "the messages to be sent",
      );
    } finally {
      await dispatcher.stop(2_000);
      await faulty.end();
    }
    for (const id of ids) {
      // the failed transactions recorded nothing: one attempt, started once, accepted
      expect(await eventTypes(id)).toEqual(["requested", "attempt_started", "provider_accepted"]);
      expect((await verifyMessageChain(db, tenantId, id)).ok).toBe(true);
    }
    expect(
      calls.filter((c) => ids.includes(String(c.body.biz_opaque_callback_data).split(":")[0]!)),
    ).toHaveLength(3);
  });
});
