// The webhook hot path's own plain pg pool, shared by the web process and the ingest listener:
// Prisma's pool is not used (a burst of webhooks must not starve the console, and the other way
// round), and every wait is bounded so a slow database turns into 503s that Meta retries.
import pg from "pg";
import type { TLogger } from "@/server/platform/logger";

export type TWebhookPoolOptions = {
  databaseUrl: string;
  /** WAYBILL_WEBHOOK_DB_POOL_MAX */
  max: number;
  /** WAYBILL_WEBHOOK_DB_TIMEOUT_MS */
  timeoutMs: number;
  applicationName: string;
};

export function createWebhookPool(options: TWebhookPoolOptions, log: TLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.max,
    application_name: options.applicationName,
    // a webhook waits at most this long for a connection or its insert, then answers 503
    connectionTimeoutMillis: options.timeoutMs,
    query_timeout: options.timeoutMs,
    statement_timeout: options.timeoutMs,
  });
  // an idle connection dropped by a database restart must not crash the process
  pool.on("error", (error) => log.warn({ err: error }, "webhook pool: idle connection lost"));
  return pool;
}
