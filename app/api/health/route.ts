// GET /api/health: database and worker liveness, for load balancers and operators.
// 200 when both are up, 503 otherwise; the body says which part is down.
import { readSystemHealthForWeb } from "@/server/services/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const health = await readSystemHealthForWeb();
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
