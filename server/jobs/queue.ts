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
  await boss.start();
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
  return boss;
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
