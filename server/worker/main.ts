// The worker process: runs the jobs of the PostgreSQL-backed queue. Started by `npm start`
// beside the web server; stops cleanly on SIGTERM/SIGINT (finishes or hands back its jobs).
import crypto from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import { EnvError, parseEnv, ZWorkerEnvSchema } from "@/server/config/env";
import pg from "pg";
import { createDb } from "@/server/db/client";
import { JOB_CATALOG, JOB_SCHEDULES, type TJobName } from "@/server/jobs/catalog";
import { startQueue } from "@/server/jobs/queue";
import { createLogger } from "@/server/platform/logger";
import { createSecretBox } from "@/server/platform/secret-box";
import { installProjectors } from "@/server/services/projectors";
import { handleAuditDrift } from "./handlers/audit-drift";
import { handleNumberHealthAudit, handleNumberHealthSync } from "./handlers/number-health";
import { handleRunBulkAction } from "./handlers/run-bulk-action";
import { startInboxDrainer } from "./handlers/inbox-drainer";
import { handleMonitorSweep } from "./handlers/monitor-sweep";
import { handlePruneWebhooks } from "./handlers/prune-webhooks";
import { handlePruneHeartbeats } from "./handlers/prune-heartbeats";
import { handlePruneLoginAttempts } from "./handlers/prune-login-attempts";
import { handleSystemProbe } from "./handlers/system-probe";
import { handlePrunePairPacing } from "./handlers/prune-pair-pacing";
import { startSendDispatcher } from "./handlers/send-dispatcher";
import { startRollupFolder } from "./handlers/rollup-folder";
import { startDeliveryLoop } from "@/server/services/triggers/deliver";
import { startNotificationLoop } from "@/server/services/notifications/send-notifications";
import { startHeartbeat } from "./heartbeat";

async function main() {
  let env;
  try {
    env = parseEnv(ZWorkerEnvSchema, process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`waybill worker: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger("worker", env.LOG_LEVEL);
  // Signals are taken from the first moment: start-up (queue, loops) can
  // take seconds on a busy machine, and a SIGTERM that arrives meanwhile must still end in a
  // clean stop once everything started so far can be stopped, never in a kill by default.
  let stopRequested: string | null = null;
  let onStopSignal = (signal: string) => {
    stopRequested ??= signal;
  };
  process.on("SIGTERM", () => onStopSignal("SIGTERM"));
  process.on("SIGINT", () => onStopSignal("SIGINT"));
  installProjectors();
  const workerId = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const db = createDb(env.DATABASE_URL, { max: 8 });
  // The database may be restarting while the worker starts (a deploy, a failover, a crash):
  // wait for it rather than exit, so the worker comes up with it and no supervisor is needed.
  const boss = await retryUntilStopped(
    () =>
      startQueue({
        databaseUrl: env.DATABASE_URL,
        expireInSeconds: env.WAYBILL_JOB_EXPIRE_SECONDS,
        isSupervisor: true,
        onError: (error) => log.error({ err: error }, "queue error"),
      }),
    (attempt, error) =>
      log.warn({ err: error, attempt }, "queue not started: database unavailable, retrying"),
    () => stopRequested !== null,
  );
  const heartbeat = startHeartbeat(db, workerId, env.WAYBILL_WORKER_HEARTBEAT_SECONDS, (e) =>
    log.warn({ err: e }, "heartbeat failed"),
  );
  await retryUntilStopped(
    () => heartbeat.beat(),
    (attempt, error) =>
      log.warn({ err: error, attempt }, "first heartbeat failed: database unavailable, retrying"),
    () => stopRequested !== null,
  );

  // aborted on shutdown so long handlers stop waiting; their jobs then fail and are retried
  const shutdown = new AbortController();

  async function work<N extends TJobName>(
    name: N,
    handler: (
      data: ReturnType<(typeof JOB_CATALOG)[N]["payload"]["parse"]>,
      job: PgBoss.Job<unknown>,
    ) => Promise<unknown>,
  ) {
    await boss.work<unknown>(name, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      const data = JOB_CATALOG[name].payload.parse(job.data) as ReturnType<
        (typeof JOB_CATALOG)[N]["payload"]["parse"]
      >;
      const started = Date.now();
      try {
        const result = await handler(data, job);
        log.info({ job: name, jobId: job.id, ms: Date.now() - started }, "job done");
        return result;
      } catch (error) {
        log.error({ job: name, jobId: job.id, err: error }, "job failed");
        throw error;
      }
    });
  }

  await work("system.probe", (data) => handleSystemProbe({ db, workerId }, data, shutdown.signal));
  await work("system.prune-heartbeats", () => handlePruneHeartbeats({ db }, new Date()));
  await work("system.prune-login-attempts", () => handlePruneLoginAttempts({ db }, new Date()));
  await work("ledger.audit-drift", (data) => handleAuditDrift({ db }, data));
  await work("monitor.sweep", () =>
    handleMonitorSweep(
      { db },
      {
        cohortMinStalled: env.WAYBILL_STALL_COHORT_MIN_STALLED,
        cohortJump: env.WAYBILL_STALL_COHORT_JUMP,
        cohortBaselineMinutes: env.WAYBILL_STALL_COHORT_BASELINE_MINUTES,
        orphanAlertMinutes: env.WAYBILL_ORPHAN_ALERT_MINUTES,
        providerErrors: {
          minRejected: env.WAYBILL_PROVIDER_ERRORS_MIN_REJECTED,
          jump: env.WAYBILL_PROVIDER_ERRORS_JUMP,
          windowMinutes: env.WAYBILL_PROVIDER_ERRORS_WINDOW_MINUTES,
          baselineMinutes: env.WAYBILL_PROVIDER_ERRORS_BASELINE_MINUTES,
        },
      },
      new Date(),
    ),
  );
  await work("ingest.prune-webhooks", () =>
    handlePruneWebhooks(
      { db },
      {
        bodyRetentionDays: env.WAYBILL_WEBHOOK_BODY_RETENTION_DAYS,
        dedupeRetentionDays: env.WAYBILL_WEBHOOK_DEDUPE_RETENTION_DAYS,
      },
      new Date(),
    ),
  );
  // webhook processing drains the raw inbox in batches, not one job per request (ADR 005), on
  // plain pg connections of its own: one per drain loop, one for a row retried alone
  const ingestPool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.WAYBILL_INGEST_CONCURRENCY + 1,
    application_name: "waybill-ingest",
  });
  ingestPool.on("error", (error) => log.warn({ err: error }, "ingest pool connection lost"));
  const drainer = startInboxDrainer(
    { db, pool: ingestPool, log },
    {
      batchSize: env.WAYBILL_INGEST_BATCH_SIZE,
      concurrency: env.WAYBILL_INGEST_CONCURRENCY,
      pollMs: env.WAYBILL_INGEST_POLL_MS,
      maxAttempts: env.WAYBILL_INGEST_MAX_ATTEMPTS,
      orphanGraceSeconds: env.WAYBILL_ORPHAN_MATCH_GRACE_SECONDS,
    },
  );
  // insights rollups: the ledger appends deltas, this loop folds them every few seconds
  const folder = startRollupFolder({ db, log });
  await work("sending.prune-pair-pacing", () => handlePrunePairPacing({ db }, new Date()));
  await work("dead-letters.run-bulk", (data) => handleRunBulkAction({ db }, data));
  await work("number-health.audit", (data) => handleNumberHealthAudit({ db }, data));
  await work("number-health.sync", (data) =>
    handleNumberHealthSync(
      { db, box: createSecretBox(env.WAYBILL_ENCRYPTION_KEY, env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS) },
      {
        graphApiUrl: env.WHATSAPP_GRAPH_API_URL,
        graphApiVersion: env.WHATSAPP_GRAPH_API_VERSION,
        timeoutMs: env.WAYBILL_SEND_TIMEOUT_MS,
        batchSize: env.WAYBILL_HEALTH_SYNC_BATCH,
        minIntervalMs: env.WAYBILL_HEALTH_SYNC_INTERVAL_MINUTES * 60_000,
        readsPerSecond: env.WAYBILL_HEALTH_SYNC_PER_SECOND,
      },
      data,
      shutdown.signal,
    ),
  );
  // sending claims fairly from its own queue table, not one job per message (ADR 006)
  const sendDb = createDb(env.DATABASE_URL, { max: Math.min(24, env.WAYBILL_SEND_CONCURRENCY + 4) });
  // the batched claim, prepare and acknowledgement transactions run on plain pg connections
  const sendPool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: 6,
    application_name: "waybill-send",
  });
  sendPool.on("error", (error) => log.warn({ err: error }, "send pool connection lost"));
  const dispatcher = startSendDispatcher({
    env,
    db: sendDb,
    pool: sendPool,
    box: createSecretBox(env.WAYBILL_ENCRYPTION_KEY, env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
    log,
    workerId,
  });
  // outbound webhooks: tenants' endpoints, per-endpoint concurrency, retries over about a day
  const deliveryDb = createDb(env.DATABASE_URL, { max: 6 });
  // successes are recorded in groups on plain pg: one connection per group in flight, one spare
  const deliveryPool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: 3,
    application_name: "waybill-deliver",
  });
  deliveryPool.on("error", (error) => log.warn({ err: error }, "delivery pool connection lost"));
  const deliveries = startDeliveryLoop(
    {
      db: deliveryDb,
      pool: deliveryPool,
      box: createSecretBox(env.WAYBILL_ENCRYPTION_KEY, env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
      log,
    },
    {
      concurrency: env.WAYBILL_WEBHOOK_DELIVERY_CONCURRENCY,
      timeoutMs: env.WAYBILL_WEBHOOK_DELIVERY_TIMEOUT_MS,
      pollMs: env.WAYBILL_WEBHOOK_DELIVERY_POLL_MS,
      disableAfterMs: env.WAYBILL_ENDPOINT_DISABLE_AFTER_HOURS * 3_600_000,
      publicBaseUrl: env.WAYBILL_PUBLIC_URL ?? null,
    },
  );
  // platform alerts to the admins' operator channels (Slack-compatible webhooks, email)
  const notifications = startNotificationLoop(
    {
      db: deliveryDb,
      box: createSecretBox(env.WAYBILL_ENCRYPTION_KEY, env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
      log,
    },
    {
      smtpUrl: env.WAYBILL_SMTP_URL ?? null,
      from: env.WAYBILL_SMTP_FROM,
      timeoutMs: env.WAYBILL_WEBHOOK_DELIVERY_TIMEOUT_MS,
      pollMs: 1_000,
      publicBaseUrl: env.WAYBILL_PUBLIC_URL ?? null,
      batchSize: 8,
    },
  );
  // scheduling writes to the database too, which may go away again while the worker starts
  for (const { name, cron, data } of JOB_SCHEDULES)
    await retryUntilStopped(
      () => boss.schedule(name, cron, data ?? {}, { tz: "UTC" }),
      (attempt, error) =>
        log.warn({ err: error, attempt, job: name }, "schedule failed: database unavailable, retrying"),
      () => stopRequested !== null,
    );

  log.info({ workerId }, "worker started");

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal }, "worker stopping");
    // stop taking work, give running jobs a grace period, then abort them
    const grace = setTimeout(() => shutdown.abort(), 10_000);
    await Promise.all([
      boss.stop({ graceful: true, timeout: 15_000, wait: true }),
      drainer.stop().then(() => ingestPool.end()),
      folder.stop(),
      Promise.all([deliveries.stop(), notifications.stop()]).then(() =>
        Promise.all([deliveryDb.$disconnect(), deliveryPool.end()]),
      ),
      // sends in flight get 10 s to record their answer; an aborted one is left in doubt, never resent blindly
      dispatcher.stop(10_000).then(() => Promise.all([sendDb.$disconnect(), sendPool.end()])),
    ]);
    clearTimeout(grace);
    await heartbeat.stop().catch(() => {});
    await db.$disconnect();
    log.info("worker stopped");
    process.exit(0);
  };
  onStopSignal = (signal) => void stop(signal);
  if (stopRequested) void stop(stopRequested);
}

main().catch((error: unknown) => {
  console.error("waybill worker failed to start:", error);
  process.exit(1);
});

// the server is down, restarting or recovering; anything else (a wrong password, a missing
// database) is a configuration error that waiting does not fix
// pg's socket errors and server shutdown codes, and Prisma's "can't reach" / "connection closed"
const UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01",
  "57P02",
  "57P03",
  "P1001",
  "P1017",
]);

function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && UNAVAILABLE.has(code)) return true;
  // pg reports a connection cut by the server's shutdown without a code
  return error instanceof Error && /Connection terminated/i.test(error.message);
}

/**
 * Runs `start` until it succeeds while the database is unavailable, waiting 1 s, 2 s, then 5 s
 * between tries; any other error, or a stop signal, ends it.
 */
async function retryUntilStopped<T>(
  start: () => Promise<T>,
  onRetry: (attempt: number, error: unknown) => void,
  isStopRequested: () => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (isStopRequested() || !isDatabaseUnavailable(error)) throw error;
      onRetry(attempt, error);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** (attempt - 1), 5_000)));
    }
  }
}
