// Crash proof of sending through a provider outage, with real processes: two worker processes
// send three waves of queued messages to the provider simulator process, whose status webhooks
// come back to Waybill's webhook route. Wave 1 meets Meta answering 503 (transient) until
// messages are dead-lettered; wave 2 meets Meta hanging (every call times out, so every attempt is
// in doubt); wave 3 is sent while workers are killed with SIGKILL in the middle of their calls.
// Checked against the simulator's own log of what it accepted:
// - retries follow the policy: no attempt before its backoff (equal jitter: never under half the
//   exponential delay), none beyond the attempt budget, a dead letter exactly when the budget is
//   spent, and a dead_letter row for each;
// - no recipient is sent twice without an in-doubt record: of a message's accepted attempts,
//   at most one has a recorded provider answer, every other one is an attempt whose answer was
//   lost (attempt_started with no provider outcome);
// - every message ends where the oracle says: read if the simulator accepted it (its statuses
//   reach Waybill), otherwise dead-lettered or held in doubt for an engineer (submitting, nothing
//   queued), and the queue is empty within 2 minutes of the last restart.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from "@/server/domain/sending/retry-policy";
import { makeSenderNumber, makeTenant } from "../factories";
import { chaosScale, reportFigures } from "../setup/chaos";
import { createTestDb, testDatabaseUrl, testSecretBox } from "../setup/context";
import { waitFor, type TRunningProcess } from "../setup/processes";
import {
  bulkQueue,
  startSimulatorProcess,
  startWebRoutes,
  startWorkerProcess,
  stopProcess,
} from "./sending-harness";

const WAVE = chaosScale(15, 100);
const WORKER_KILLS = chaosScale(2, 10);
const MAX_ATTEMPTS = 4;
const RETRY_BASE_MS = 300;
const RETRY_MAX_MS = 2_000;
const IN_DOUBT_GRACE_MS = 3_000;
const POLICY = { ...DEFAULT_RETRY_POLICY, baseDelayMs: RETRY_BASE_MS, maxDelayMs: RETRY_MAX_MS };

type TEventRow = {
  message_id: string;
  seq: number;
  type: string;
  body: {
    attempt?: number;
    notBefore?: number;
    recordedAt: number;
    reason?: string;
    error?: { code: string } | null;
  };
};

let db: TDb;
let admin: pg.Client;
let web: Awaited<ReturnType<typeof startWebRoutes>> | undefined;
let simulator: Awaited<ReturnType<typeof startSimulatorProcess>> | undefined;
const workers: TRunningProcess[] = [];

beforeAll(async () => {
  db = createTestDb();
  admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
});
afterAll(async () => {
  for (const w of workers) await stopProcess(w);
  if (simulator) await stopProcess(simulator.process);
  await web?.close();
  await admin.end();
  await db.$disconnect();
});

describe("chaos: provider outage during sends, with kill -9 of workers mid-call", () => {
  it(
    "retries and dead-letters by policy, never sends twice without an in-doubt record, and ends in the oracle's states",
    async () => {
      // other files' leftovers would be claimed by these workers and are not this test's traffic
      await admin.query("DELETE FROM send_queue");
      const tenant = await makeTenant(db);
      const sender = await makeSenderNumber(db, testSecretBox, tenant.id);
      web = await startWebRoutes(db);
      const sim = await startSimulatorProcess(
        {
          numbers: {
            [sender.phoneNumberId]: {
              wabaId: sender.wabaId,
              displayPhoneNumber: sender.displayNumber.slice(1),
            },
          },
          defaults: {
            // slow enough that a kill right after an attempt starts lands inside the call
            latencyMs: { min: 150, max: 400 },
            outcomes: { read: 1, delivered: 0, sent: 0, failed: 0 },
            readWithoutDeliveredRate: 0,
            statusDelayMs: {
              sent: { min: 50, max: 200 },
              delivered: { min: 50, max: 200 },
              read: { min: 50, max: 200 },
            },
            duplicateRate: 0,
            reorderRate: 0,
            webhookDelayMs: { min: 0, max: 100 },
          },
          webhooks: {
            batchWindowMs: 100,
            maxStatusesPerPost: 25,
            multiEntryRate: 0,
            retries: 10,
            retryBaseMs: 300,
          },
        },
        `${web.url}/api/webhooks/whatsapp`,
      );
      simulator = sim;
      const workerEnv = {
        WHATSAPP_GRAPH_API_URL: sim.url,
        WHATSAPP_GRAPH_API_VERSION: "v21.0",
        WAYBILL_SEND_TIMEOUT_MS: "1500",
        WAYBILL_SEND_LEASE_SECONDS: "5",
        WAYBILL_SEND_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        WAYBILL_SEND_RETRY_BASE_MS: String(RETRY_BASE_MS),
        WAYBILL_SEND_RETRY_MAX_MS: String(RETRY_MAX_MS),
        WAYBILL_ORPHAN_MATCH_GRACE_SECONDS: "1",
        WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS: String(IN_DOUBT_GRACE_MS / 1000),
        WAYBILL_SEND_CONCURRENCY: "4",
      };
      const count = async (sql: string, params: unknown[]) =>
        (await admin.query<{ n: number }>(sql, params)).rows[0]!.n;
      const queue = (wave: number) =>
        bulkQueue(admin, {
          tenantId: tenant.id,
          senderNumberId: sender.id,
          count: WAVE,
          recipientPrefix: `1555${wave}7`,
          now: new Date(),
        });

      // what the queue and the number looked like, for a wait that ran out
      const explain = async (error: unknown): Promise<never> => {
        const rows = await admin.query(
          "SELECT attempt, in_doubt_attempt, not_before, lease_until, claim_count, held_reason, last_error->>'code' AS code FROM send_queue WHERE tenant_id = $1 LIMIT 5",
          [tenant.id],
        );
        const dispatch = await admin.query("SELECT * FROM sender_dispatch WHERE tenant_id = $1", [tenant.id]);
        const logs = workers.map((w) => w.output().split("\n").slice(-15).join("\n")).join("\n---\n");
        throw new Error(
          `${String(error)}\nqueue: ${JSON.stringify(rows.rows)}\ndispatch: ${JSON.stringify(dispatch.rows)}\n${logs}`,
        );
      };

      // wave 1: Meta answers 503 (code 2, transient) to every call until messages run out of
      // attempts. Wave 2 waits until all of them have: calls still owed to wave 1 would meet the
      // hanging Meta first, and those are last attempts (the messages advance in step), whose lost
      // answers are dead-lettered after the grace, never resent (the budget is spent). Started
      // earlier, the full form's outage met only those and resent nothing.
      await sim.admin("outage", { mode: "unavailable" });
      await queue(1);
      workers.push(await startWorkerProcess(db, workerEnv), await startWorkerProcess(db, workerEnv));
      await waitFor(
        async () =>
          (await count(
            "SELECT count(*)::int AS n FROM message WHERE tenant_id = $1 AND state = 'dead_lettered'",
            [tenant.id],
          )) === WAVE,
        chaosScale(120_000, 300_000),
        "every message of wave 1 to spend its retry budget",
      ).catch(explain);

      // wave 2: Meta hangs; every call times out and is held in doubt, and a worker dies meanwhile
      await sim.admin("outage", { mode: "timeout" });
      await queue(2);
      await waitFor(
        async () =>
          (await count(
            "SELECT count(*)::int AS n FROM send_queue WHERE tenant_id = $1 AND in_doubt_attempt IS NOT NULL",
            [tenant.id],
          )) > 0,
        120_000,
        "a call to time out",
      ).catch(explain);
      const killAndRestart = async (index: number) => {
        const w = workers[index]!;
        w.child.kill("SIGKILL");
        await w.exited;
        workers[index] = await startWorkerProcess(db, workerEnv);
      };
      await killAndRestart(0);
      let kills = 1;
      await sim.admin("outage", { mode: null });

      // wave 3: Meta is back; workers are killed right after they start an attempt, mid-call
      await queue(3);
      const startedCount = () =>
        count(
          "SELECT count(*)::int AS n FROM message_event WHERE tenant_id = $1 AND type = 'attempt_started'",
          [tenant.id],
        );
      for (let k = 0; k < WORKER_KILLS; k += 1) {
        const before = await startedCount();
        const queued = await count("SELECT count(*)::int AS n FROM send_queue WHERE tenant_id = $1", [
          tenant.id,
        ]);
        if (queued === 0) break;
        await waitFor(async () => (await startedCount()) > before, 120_000, "an attempt to start").catch(
          explain,
        );
        await killAndRestart(k % 2);
        kills += 1;
      }
      const lastRestart = Date.now();

      // settled: nothing queued, every message read, dead-lettered or held in doubt, and every
      // message the simulator accepted read (its statuses reached the ledger)
      type TSent = { callbackData: string | null; to: string };
      const acceptedOf = async () => {
        const sent = (await sim.admin(`sent?phoneNumberId=${sender.phoneNumberId}&limit=100000`)) as TSent[];
        const byMessage = new Map<string, number[]>();
        for (const s of sent) {
          const [messageId, attempt] = (s.callbackData ?? "").split(":");
          byMessage.set(messageId!, [...(byMessage.get(messageId!) ?? []), Number(attempt)]);
        }
        return byMessage;
      };
      const statesOf = async () =>
        new Map(
          (
            await admin.query<{ id: string; state: string }>(
              "SELECT id, state::text AS state FROM message WHERE tenant_id = $1",
              [tenant.id],
            )
          ).rows.map((r) => [r.id, r.state]),
        );
      const isSettled = async () => {
        if ((await count("SELECT count(*)::int AS n FROM send_queue WHERE tenant_id = $1", [tenant.id])) > 0)
          return false;
        const accepted = await acceptedOf();
        const states = await statesOf();
        return [...states].every(([id, state]) =>
          accepted.has(id) ? state === "read" : state === "dead_lettered" || state === "submitting",
        );
      };
      await waitFor(isSettled, 120_000, "every message to settle").catch(explain);
      const settledInMs = Date.now() - lastRestart;
      for (const w of workers) await stopProcess(w);

      const accepted = await acceptedOf();
      const states = await statesOf();
      expect(states.size).toBe(3 * WAVE);
      const events = (
        await admin.query<TEventRow>(
          "SELECT message_id, seq, type, body FROM message_event WHERE tenant_id = $1 ORDER BY message_id, seq",
          [tenant.id],
        )
      ).rows;
      const ledgers = new Map<string, TEventRow[]>();
      for (const e of events) ledgers.set(e.message_id, [...(ledgers.get(e.message_id) ?? []), e]);

      const violations: string[] = [];
      let retries = 0;
      let sentTwice = 0;
      for (const [id, ledger] of ledgers) {
        const ofType = (type: string) => ledger.filter((e) => e.type === type);
        const started = ofType("attempt_started");
        const answered = new Set(
          [...ofType("provider_accepted"), ...ofType("provider_rejected")].map((e) => e.body.attempt),
        );
        // the budget: no attempt beyond it
        const highest = Math.max(0, ...started.map((e) => e.body.attempt!));
        if (highest > MAX_ATTEMPTS) violations.push(`${id}: attempt ${highest} > ${MAX_ATTEMPTS}`);
        // the backoff: a retry after Meta's transient answer waits at least half the exponential
        // delay; a resend after a lost answer waits out the in-doubt grace (scheduled at once then)
        for (const retry of ofType("retry_scheduled")) {
          retries += 1;
          const failed = retry.body.attempt! - 1;
          if (retry.body.error?.code === "2") {
            const least = backoffDelayMs("transient", failed, 0, POLICY);
            if (retry.body.notBefore! - retry.body.recordedAt < least)
              violations.push(`${id}: retry of attempt ${failed} scheduled under ${least} ms`);
          }
          // a resend after a lost answer: not before the grace has passed since that attempt started
          if (retry.body.error?.code === "transport.timeout") {
            const lost = started.find((e) => e.body.attempt === failed);
            if (!lost || retry.body.recordedAt - lost.body.recordedAt < IN_DOUBT_GRACE_MS)
              violations.push(`${id}: attempt ${failed} resent within the in-doubt grace`);
          }
          const next = started.find((e) => e.body.attempt === retry.body.attempt);
          if (next && next.body.recordedAt < retry.body.notBefore!)
            violations.push(`${id}: attempt ${retry.body.attempt} started before its notBefore`);
        }
        // a dead letter exactly when the budget is spent (every failure here is transient)
        const dead = ofType("dead_lettered");
        if (dead.length > 0) {
          if (!/retry budget spent/.test(dead[0]!.body.reason ?? ""))
            violations.push(`${id}: dead-lettered for "${dead[0]!.body.reason}"`);
          if (highest !== MAX_ATTEMPTS) violations.push(`${id}: dead-lettered after ${highest} attempts`);
        }
        // never twice without an in-doubt record: every accepted attempt but one lost its answer
        const acceptedAttempts = accepted.get(id) ?? [];
        if (acceptedAttempts.length > 1) sentTwice += 1;
        const withAnswer = acceptedAttempts.filter((a) => answered.has(a));
        if (withAnswer.length > 1) violations.push(`${id}: attempts ${withAnswer.join(", ")} both answered`);
        for (const a of acceptedAttempts.filter((x) => !answered.has(x))) {
          if (!started.some((e) => e.body.attempt === a))
            violations.push(`${id}: attempt ${a} accepted by the provider but never recorded as started`);
        }
      }
      expect(violations).toEqual([]);

      // the oracle's states, and a dead_letter row for each dead-lettered message
      const tally = { read: 0, deadLettered: 0, heldInDoubt: 0 };
      for (const [id, state] of states) {
        if (accepted.has(id)) expect(state).toBe("read");
        else expect(["dead_lettered", "submitting"]).toContain(state);
        if (state === "read") tally.read += 1;
        if (state === "dead_lettered") tally.deadLettered += 1;
        if (state === "submitting") tally.heldInDoubt += 1;
      }
      expect(
        await count("SELECT count(*)::int AS n FROM dead_letter WHERE tenant_id = $1", [tenant.id]),
      ).toBe(tally.deadLettered);
      // each phase did what it was there for
      expect(tally.deadLettered).toBeGreaterThan(0);
      expect(tally.read).toBeGreaterThan(0);
      // wave 2's calls are first attempts: the one that timed out and was held for a webhook
      // (waited for above) is resent once the grace has passed with none
      const timedOut = await count(
        "SELECT count(*)::int AS n FROM message_event WHERE tenant_id = $1 AND type = 'retry_scheduled' AND body->'error'->>'code' = 'transport.timeout'",
        [tenant.id],
      );
      expect(timedOut).toBeGreaterThan(0);
      expect(kills).toBeGreaterThan(1);

      reportFigures("chaos.provider", {
        messages: states.size,
        providerAccepted: accepted.size,
        read: tally.read,
        deadLettered: tally.deadLettered,
        heldInDoubt: tally.heldInDoubt,
        retries,
        resendsAfterTimeout: timedOut,
        sentTwice,
        workerKills: kills,
        settledInMs,
      });
    },
    chaosScale(300_000, 900_000),
  );
});
