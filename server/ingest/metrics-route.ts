// GET /api/metrics, built from its dependencies (tests pass a test database and a session).
// Protected: a bearer token (WAYBILL_METRICS_TOKEN, for Prometheus) or the session of a user
// holding operations.read (engineers, admins), re-read from the database like the tRPC ladder
// does. The body: this process's own webhook counters plus the durable, database-side ones.
import type { TDb } from "@/server/db/client";
import { hasPermission } from "@/server/domain/access/permissions";
import type { TLogger } from "@/server/platform/logger";
import { readIngestMetricFamilies } from "@/server/services/ingest/read-metrics";
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type TProcessMetrics } from "./prometheus";
import { safeEqual } from "./verify-signature";

export type TMetricsRouteDeps = {
  db: TDb;
  /** unset: only sessions are accepted */
  token: string | undefined;
  /** the signed-in user's id from the session cookie, if any */
  sessionUserId: () => Promise<string | null>;
  processMetrics: TProcessMetrics;
  log: TLogger;
  now: () => Date;
};

const plain = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });

export function createMetricsHandler(getDeps: () => TMetricsRouteDeps) {
  return async function GET(request: Request): Promise<Response> {
    const deps = getDeps();
    const access = await authorize(deps, request);
    switch (access) {
      case "token":
      case "session":
        break;
      case "unauthenticated":
        return plain(401, "send Authorization: Bearer <WAYBILL_METRICS_TOKEN> or sign in", {
          "WWW-Authenticate": 'Bearer realm="waybill-metrics"',
        });
      case "forbidden":
        return plain(403, "your role cannot read operations metrics");
      default: {
        const unreachable: never = access;
        return unreachable;
      }
    }
    try {
      const families = [
        ...deps.processMetrics.families(),
        ...(await readIngestMetricFamilies(deps.db, deps.now())),
      ];
      return new Response(renderPrometheus(families), {
        status: 200,
        headers: { "Content-Type": PROMETHEUS_CONTENT_TYPE, "Cache-Control": "no-store" },
      });
    } catch (error) {
      deps.log.error({ err: error }, "metrics unavailable");
      return plain(503, "metrics unavailable: the database did not answer");
    }
  };
}

async function authorize(
  deps: TMetricsRouteDeps,
  request: Request,
): Promise<"token" | "session" | "unauthenticated" | "forbidden"> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined)
    return deps.token !== undefined && safeEqual(bearer, deps.token) ? "token" : "unauthenticated";
  const userId = await deps.sessionUserId();
  if (userId === null) return "unauthenticated";
  const user = await deps.db.user.findUnique({
    where: { id: userId },
    select: { role: true, disabledAt: true },
  });
  if (!user || user.disabledAt) return "unauthenticated";
  return hasPermission(user.role, "operations.read") ? "session" : "forbidden";
}
