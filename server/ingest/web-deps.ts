// The web process's webhook dependencies: its configuration from the web runtime, the hot path's
// own pg pool and its group commit (server/ingest/webhook-pool.ts, record-raw-webhook.ts), the
// same as the ingest listener's. Created on first use, kept on globalThis.
import "server-only";
import type pg from "pg";
import { webRuntime } from "@/server/web/runtime";
import type { TMetricsRouteDeps } from "./metrics-route";
import { createWebhookStore, type TWebhookStore } from "./record-raw-webhook";
import type { TWebhookRouteDeps } from "./webhook-route";
import { createWebhookPool } from "./webhook-pool";
import { observeGroupCommit, webhookProcessMetrics } from "./web-metrics";

const globalForIngest = globalThis as unknown as {
  waybillIngestPool?: pg.Pool;
  waybillWebhookStore?: TWebhookStore;
};

export function webhookPool(): pg.Pool {
  if (globalForIngest.waybillIngestPool) return globalForIngest.waybillIngestPool;
  const { env, log } = webRuntime();
  const pool = createWebhookPool(
    {
      databaseUrl: env.DATABASE_URL,
      max: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
      timeoutMs: env.WAYBILL_WEBHOOK_DB_TIMEOUT_MS,
      applicationName: "waybill-ingest",
    },
    log,
  );
  globalForIngest.waybillIngestPool = pool;
  return pool;
}

/** Group commit over the hot path's pool: one per process, like the pool. */
export function webhookStore(): TWebhookStore {
  if (globalForIngest.waybillWebhookStore) return globalForIngest.waybillWebhookStore;
  const { env } = webRuntime();
  const store = createWebhookStore(webhookPool(), {
    maxRows: env.WAYBILL_WEBHOOK_GROUP_MAX_ROWS,
    maxInFlight: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
    onFlush: observeGroupCommit(webhookProcessMetrics()),
  });
  globalForIngest.waybillWebhookStore = store;
  return store;
}

export function webhookRouteDeps(): TWebhookRouteDeps {
  const { env, log, trustedProxies } = webRuntime();
  return {
    trustedProxies,
    appSecrets: env.WHATSAPP_APP_SECRET,
    verifyToken: env.WHATSAPP_VERIFY_TOKEN,
    maxBodyBytes: env.WAYBILL_WEBHOOK_MAX_BYTES,
    store: webhookStore(),
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
