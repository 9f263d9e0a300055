// The tenant REST API's hot-path dependencies in the web process: a plain pg pool of its own (a
// burst of send requests must not starve the console's Prisma pool, nor webhooks), the cached
// API-key verifier, the sender directory and the dispatcher waker. Created on first use, kept
// on globalThis (dev-mode module reloading must not open new pools or lose the caches).
import "server-only";
import pg from "pg";
import { webRuntime } from "@/server/web/runtime";
import { hotPathRestDeps, type TRestDeps } from "./messages";

const globalForRest = globalThis as unknown as { waybillRestDeps?: Required<TRestDeps> };

export function restDeps(): Required<TRestDeps> {
  if (globalForRest.waybillRestDeps) return globalForRest.waybillRestDeps;
  const { env, db, log } = webRuntime();
  const pool = new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: env.WAYBILL_API_DB_POOL_MAX,
    application_name: "waybill-api",
  });
  // an idle connection dropped by a database restart must not crash the web process
  pool.on("error", (error) => log.warn({ err: error }, "api pool: idle connection lost"));
  const deps = hotPathRestDeps(
    db,
    pool,
    (error) => log.warn({ err: error }, "could not wake the dispatchers"),
    // group-commit statements at once; two connections stay free for key and sender reads
    { intakeInFlight: Math.max(1, env.WAYBILL_API_DB_POOL_MAX - 2) },
  );
  globalForRest.waybillRestDeps = deps;
  return deps;
}
