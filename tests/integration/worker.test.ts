// The worker as a real process: runs jobs, stops cleanly on SIGTERM, refuses a bad
// configuration with a message naming the variable, and after `kill -9` its job is taken
// back and completed by the next worker within two minutes.
import crypto from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TDb } from "@/server/db/client";
import { enqueue, startQueue } from "@/server/jobs/queue";
import { createTestDb, TEST_ENCRYPTION_KEY, testDatabaseUrl } from "../setup/context";
import { startProcess, waitFor, type TRunningProcess } from "../setup/processes";

let db: TDb;
let producer: PgBoss;
const running: TRunningProcess[] = [];
const EXPIRE_SECONDS = 5;

function startWorker(extra: Record<string, string> = {}) {
  const worker = startProcess("server/worker/main.ts", {
    DATABASE_URL: testDatabaseUrl(),
    WAYBILL_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    WAYBILL_JOB_EXPIRE_SECONDS: String(EXPIRE_SECONDS),
    WAYBILL_WORKER_HEARTBEAT_SECONDS: "1",
    ...extra,
  });
  running.push(worker);
  return worker;
}

async function liveHeartbeat(pid: number) {
  return db.workerHeartbeat.findFirst({ where: { pid, stoppedAt: null } });
}

function probeCompletions(probeId: string) {
  return db.auditEvent.count({ where: { action: "system.probe_completed", targetId: probeId } });
}

beforeAll(async () => {
  db = createTestDb();
  producer = await startQueue({
    databaseUrl: testDatabaseUrl(),
    expireInSeconds: EXPIRE_SECONDS,
    isSupervisor: false,
    onError: () => {},
  });
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  await producer.stop({ graceful: false, wait: true });
  await db.$disconnect();
});

describe("worker process", () => {
  it("runs a job and stops cleanly on SIGTERM", async () => {
    const worker = startWorker();
    await waitFor(() => liveHeartbeat(worker.child.pid!), 30_000, "worker heartbeat");
    const probeId = crypto.randomUUID();
    await enqueue(producer, "system.probe", { probeId, holdMs: 0 });
    await waitFor(async () => (await probeCompletions(probeId)) === 1, 30_000, "probe completion");

    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    const beat = await db.workerHeartbeat.findFirst({ where: { pid: worker.child.pid! } });
    expect(beat?.stoppedAt).not.toBeNull();
  });

  it("takes back the job of a worker killed with SIGKILL and completes it once, within two minutes", async () => {
    const first = startWorker();
    await waitFor(() => liveHeartbeat(first.child.pid!), 30_000, "first worker heartbeat");
    const probeId = crypto.randomUUID();
    const jobId = await enqueue(producer, "system.probe", { probeId, holdMs: 3_000 }); // shorter than the expiry, so the retried run completes in time;
    await waitFor(
      async () => (await producer.getJobById("system.probe", jobId))?.state === "active",
      30_000,
      "job active",
    );

    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect((await first.exited).signal).toBe("SIGKILL");
    expect(await probeCompletions(probeId)).toBe(0);

    const second = startWorker();
    await waitFor(async () => (await probeCompletions(probeId)) >= 1, 120_000, "recovered probe completion");
    const recoveredInMs = Date.now() - killedAt;
    expect(recoveredInMs).toBeLessThan(120_000);
    const job = await waitFor(
      async () => {
        const j = await producer.getJobById("system.probe", jobId);
        return j?.state === "completed" ? j : null;
      },
      10_000,
      "job completed",
    );
    expect(job.retryCount).toBeGreaterThanOrEqual(1);
    expect(await probeCompletions(probeId)).toBe(1);
    second.child.kill("SIGTERM");
    await second.exited;
  }, 150_000);

  it("refuses to start with a bad configuration and names the variable", async () => {
    const worker = startProcess("server/worker/main.ts", {
      DATABASE_URL: "not-a-url",
      WAYBILL_ENCRYPTION_KEY: "short",
    });
    running.push(worker);
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.output()).toContain("DATABASE_URL must be a postgres:// or postgresql:// URL");
    expect(worker.output()).toContain("WAYBILL_ENCRYPTION_KEY must be 32 random bytes");
    expect(worker.output()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
