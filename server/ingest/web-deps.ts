// The web process's webhook dependencies: its configuration from the web runtime and a plain pg
// pool of its own for the hot path (Prisma's pool is not shared: a burst of webhooks must not
// starve the console, and the other way round). Created on first use, kept on globalThis.
import "server-only";
import pg from "pg";
import { webRuntime } from "@/server/web/runtime";
import type { TMetricsRouteDeps } from "./metrics-route";
import type { TWebhookRouteDeps } from "./webhook-route";
import { webhookProcessMetrics } from "./web-metrics";

const globalForIngest = globalThis as unknown as { waybillIngestPool?: pg.Pool };

export function webhookPool(): pg.Pool {
  if (globalForIngest.waybillIngestPool) return globalForIngest.waybillIngestPool;
  const { env, log } = webRuntime();
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
    application_name: "waybill-ingest",
    // a webhook waits at most this long for a connection or its insert, then answers 503
    connectionTimeoutMillis: env.WAYBILL_WEBHOOK_DB_TIMEOUT_MS,
    query_timeout: env.WAYBILL_WEBHOOK_DB_TIMEOUT_MS,
    statement_timeout: env.WAYBILL_WEBHOOK_DB_TIMEOUT_MS,
  });
  // an idle connection dropped by a database restart must not crash the web process
  pool.on("error", (error) => log.warn({ err: error }, "webhook pool: idle connection lost"));
  globalForIngest.waybillIngestPool = pool;
  return pool;
}

export function webhookRouteDeps(): TWebhookRouteDeps {
  const { env, log } = webRuntime();
  return {
    appSecrets: env.WHATSAPP_APP_SECRET,
    verifyToken: env.WHATSAPP_VERIFY_TOKEN,
    maxBodyBytes: env.WAYBILL_WEBHOOK_MAX_BYTES,
    store: webhookPool(),
    log,
    metrics: webhookProcessMetrics(),
    now: () => new Date(),
  };
}

export function metricsRouteDeps(sessionUserId: () => Promise<string | null>): TMetricsRouteDeps {
  const { env, db, log } = webRuntime();
  return {
    db,
    token: env.WAYBILL_METRICS_TOKEN,
    sessionUserId,
    processMetrics: webhookProcessMetrics(),
    log,
    now: () => new Date(),
  };
}
