// GET /api/metrics: Prometheus metrics of webhook ingestion and alerts (bearer token or an engineer/admin session).
import { currentUser } from "@/server/auth/config";
import { createMetricsHandler } from "@/server/ingest/metrics-route";
import { metricsRouteDeps } from "@/server/ingest/web-deps";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = createMetricsHandler(() =>
  metricsRouteDeps(async () => (await currentUser())?.id ?? null),
);
