// Health for the unauthenticated /api/health route: liveness only, no tenant data.
import "server-only";
import { readSystemHealth, type TSystemHealth } from "@/server/db/queries/platform";
import { webRuntime } from "@/server/web/runtime";

export async function readSystemHealthForWeb(): Promise<TSystemHealth> {
  return readSystemHealth(webRuntime().db, new Date());
}
