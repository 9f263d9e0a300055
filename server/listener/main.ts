// The dedicated ingest listener (`npm run ingest`), an optional process: Meta's webhooks on plain
// node:http with group commit, for rates the Next.js route cannot reach (README.md#the-processes).
// Same endpoint code, same inbox, same answers; the worker drains what either one stored.
// SIGTERM/SIGINT: stop accepting, answer every request received (after its commit), then exit.
import { parseTrustedProxies } from "@/server/platform/client-ip";
import { EnvError, parseEnv, ZIngestListenerEnvSchema } from "@/server/config/env";
import { createIngestListener, WEBHOOK_PATH } from "@/server/ingest/listener";
import { createWebhookStore } from "@/server/ingest/record-raw-webhook";
import { observeGroupCommit, webhookProcessMetrics } from "@/server/ingest/web-metrics";
import { createWebhookPool } from "@/server/ingest/webhook-pool";
import { createLogger } from "@/server/platform/logger";

async function main() {
  let env;
  try {
    env = parseEnv(ZIngestListenerEnvSchema, process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`waybill ingest: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger("ingest", env.LOG_LEVEL);
  const pool = createWebhookPool(
    {
      databaseUrl: env.DATABASE_URL,
      max: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
      timeoutMs: env.WAYBILL_WEBHOOK_DB_TIMEOUT_MS,
      applicationName: "waybill-ingest-listener",
    },
    log,
  );
  const metrics = webhookProcessMetrics();
  const store = createWebhookStore(pool, {
    maxRows: env.WAYBILL_WEBHOOK_GROUP_MAX_ROWS,
    maxInFlight: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
    onFlush: observeGroupCommit(metrics),
  });
  const listener = createIngestListener({
    trustedProxies: parseTrustedProxies(env.WAYBILL_TRUSTED_PROXIES),
    appSecrets: env.WHATSAPP_APP_SECRET,
    verifyToken: env.WHATSAPP_VERIFY_TOKEN,
    maxBodyBytes: env.WAYBILL_WEBHOOK_MAX_BYTES,
    store,
    log,
    metrics,
    now: () => new Date(),
    metricsToken: env.WAYBILL_METRICS_TOKEN,
    pingDatabase: async () => {
      await pool.query("SELECT 1");
    },
  });
  const address = await listener.listen(env.WAYBILL_INGEST_PORT, env.WAYBILL_INGEST_HOST);
  log.info(
    {
      url: `http://${address.address}:${address.port}${WEBHOOK_PATH}`,
      pool: env.WAYBILL_WEBHOOK_DB_POOL_MAX,
    },
    "ingest listener started",
  );

  let isStopping = false;
  const stop = async (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    log.info({ signal, openRequests: listener.openRequests() }, "ingest listener draining");
    const { isComplete } = await listener.stop(env.WAYBILL_INGEST_DRAIN_SECONDS * 1000);
    await pool.end().catch(() => {});
    log.info({ isComplete }, "ingest listener stopped");
    process.exit(isComplete ? 0 : 1);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("waybill ingest listener failed to start:", error);
  process.exit(1);
});
