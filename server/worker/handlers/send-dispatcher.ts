// The send dispatcher in the worker: the Cloud API client pointed at WHATSAPP_GRAPH_API_URL, the
// sender tokens, and the fair claiming loop (server/services/sending/dispatcher.ts, ADR 006).
import crypto from "node:crypto";
import type pg from "pg";
import type { TWorkerEnv } from "@/server/config/env";
import type { TDb } from "@/server/db/client";
import type { TLogger } from "@/server/platform/logger";
import type { TSecretBox } from "@/server/platform/secret-box";
import { createGraphAgent, createWhatsAppCloudProvider } from "@/server/providers/whatsapp-cloud/client";
import { sendingConfigFromEnv } from "@/server/services/sending/config";
import { startDispatcher, type TDispatcher } from "@/server/services/sending/dispatcher";
import { createCredentialCache } from "@/server/services/sending/process-send";

export function startSendDispatcher(deps: {
  env: TWorkerEnv;
  db: TDb;
  pool: pg.Pool;
  box: TSecretBox;
  log: TLogger;
  workerId: string;
}): TDispatcher {
  const { env, log } = deps;
  const config = sendingConfigFromEnv(env);
  if (env.WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS <= env.WAYBILL_ORPHAN_MATCH_GRACE_SECONDS) {
    // ingestion attaches a webhook known only by its callback data after its own grace period:
    // resending before then may duplicate a message the provider did accept
    log.warn(
      {
        inDoubtGraceSeconds: env.WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS,
        orphanMatchGraceSeconds: env.WAYBILL_ORPHAN_MATCH_GRACE_SECONDS,
      },
      "WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS should exceed WAYBILL_ORPHAN_MATCH_GRACE_SECONDS",
    );
  }
  if (env.WAYBILL_SEND_LEASE_SECONDS * 1000 <= env.WAYBILL_SEND_TIMEOUT_MS * 2) {
    log.warn(
      "WAYBILL_SEND_LEASE_SECONDS should be well above WAYBILL_SEND_TIMEOUT_MS, or live sends get taken back",
    );
  }
  const provider = createWhatsAppCloudProvider({
    baseUrl: env.WHATSAPP_GRAPH_API_URL,
    version: env.WHATSAPP_GRAPH_API_VERSION,
    timeoutMs: env.WAYBILL_SEND_TIMEOUT_MS,
    agent: createGraphAgent({ connections: config.concurrency }),
  });
  log.info(
    {
      graphApi: `${env.WHATSAPP_GRAPH_API_URL}/${env.WHATSAPP_GRAPH_API_VERSION}`,
      concurrency: config.concurrency,
    },
    "send dispatcher started",
  );
  return startDispatcher({
    db: deps.db,
    pool: deps.pool,
    databaseUrl: env.DATABASE_URL,
    provider,
    credentials: createCredentialCache(deps.db, deps.box),
    config,
    workerId: deps.workerId,
    clock: () => new Date(),
    random: () => crypto.randomInt(0, 1_000_000) / 1_000_000,
    log,
  });
}
