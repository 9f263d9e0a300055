// pg-boss, configured once for every process. The queue lives in PostgreSQL (schema `pgboss`):
// no second datastore. See docs/decisions/002-job-queue-pg-boss.md.
import PgBoss from "pg-boss";
import { JOB_CATALOG, JOB_NAMES, type TJobName, type TJobPayload } from "./catalog";

export type TQueueOptions = {
  databaseUrl: string;
  /** active jobs older than this are taken back and retried (a killed worker's jobs) */
  expireInSeconds: number;
  /** only the worker supervises (expiry, retention) and runs schedules */
  isSupervisor: boolean;
  /**
   * Errors pg-boss raises on its own (a lost pool connection, a failed schedule or maintenance
   * run while the database restarts). Attached before anything starts: an EventEmitter's
   * `error` without a listener throws, and would end the process.
   */
  onError: (error: unknown) => void;
};

export async function startQueue(options: TQueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    schema: "pgboss",
    application_name: "waybill-queue",
    max: 4,
    supervise: options.isSupervisor,
    schedule: options.isSupervisor,
    // expired jobs are noticed at this period: expiry + this bounds the recovery time
    maintenanceIntervalSeconds: 15,
    expireInSeconds: options.expireInSeconds,
  });
  boss.on("error", options.onError);
  await boss.start();
  try {
    await createQueues(boss, options);
  } catch (error) {
    // started but not handed to anyone: its schedules and maintenance would run on unowned
    await boss.stop({ graceful: false, wait: false }).catch(() => {});
    throw error;
  }
  return boss;
}

async function createQueues(boss: PgBoss, options: TQueueOptions): Promise<void> {
  for (const name of JOB_NAMES) {
    const spec = JOB_CATALOG[name];
    const queue = {
      name,
      retryLimit: spec.retryLimit,
      retryDelay: spec.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: spec.expireInSeconds ?? options.expireInSeconds,
    };
    if (await boss.getQueue(name)) await boss.updateQueue(name, queue);
    else await boss.createQueue(name, queue);
  }
}

export async function enqueue<N extends TJobName>(
  boss: PgBoss,
  name: N,
  payload: TJobPayload<N>,
  options: PgBoss.SendOptions = {},
): Promise<string> {
  const data = JOB_CATALOG[name].payload.parse(payload);
  const id = await boss.send(name, data as object, options);
  if (!id) throw new Error(`job ${name} was not enqueued (singleton or throttled)`);
  return id;
}
