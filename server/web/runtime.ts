// The web process's runtime: configuration parsed once, one database client, one secret box,
// one queue producer. Created lazily (so `next build` needs no environment) and kept on
// globalThis (so dev-mode module reloading does not open new pools).
import "server-only";
import type PgBoss from "pg-boss";
import { parseEnv, ZWebEnvSchema, type TWebEnv } from "@/server/config/env";
import { createDb, type TDb } from "@/server/db/client";
import { startQueue } from "@/server/jobs/queue";
import { clientIpOfHeaders, parseTrustedProxies, type TTrustedProxies } from "@/server/platform/client-ip";
import { createLogger, type TLogger } from "@/server/platform/logger";
import { createSecretBox, type TSecretBox } from "@/server/platform/secret-box";
import { installProjectors } from "@/server/services/projectors";

export type TWebRuntime = {
  env: TWebEnv;
  db: TDb;
  secretBox: TSecretBox;
  log: TLogger;
  queue: () => Promise<PgBoss>;
  trustedProxies: TTrustedProxies;
  /** the client's IP of a request (throttling, audit): see server/platform/client-ip.ts */
  clientIp: (headers: Headers) => string | null;
};

const globalForRuntime = globalThis as unknown as { waybillWebRuntime?: TWebRuntime };

export function webRuntime(): TWebRuntime {
  if (globalForRuntime.waybillWebRuntime) return globalForRuntime.waybillWebRuntime;
  const env = parseEnv(ZWebEnvSchema, process.env);
  installProjectors();
  let queue: Promise<PgBoss> | undefined;
  const trustedProxies = parseTrustedProxies(env.WAYBILL_TRUSTED_PROXIES);
  const log = createLogger("web", env.LOG_LEVEL);
  const runtime: TWebRuntime = {
    trustedProxies,
    clientIp: (headers) => clientIpOfHeaders(headers, trustedProxies),
    env,
    db: createDb(env.DATABASE_URL, { max: 10 }),
    secretBox: createSecretBox(env.WAYBILL_ENCRYPTION_KEY, env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS),
    log,
    queue: () => {
      // the web process only produces jobs: the worker supervises expiry and schedules
      queue ??= startQueue({
        databaseUrl: env.DATABASE_URL,
        expireInSeconds: 60,
        isSupervisor: false,
        onError: (error) => log.warn({ err: error }, "queue connection error"),
      });
      return queue;
    },
  };
  globalForRuntime.waybillWebRuntime = runtime;
  return runtime;
}
