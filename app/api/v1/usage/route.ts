// GET /api/v1/usage: the tenant's priced messages per day, sender, category and pricing type (JSON or CSV).
import { getUsageRoute } from "@/server/rest/usage-route";

export const dynamic = "force-dynamic";
export const GET = getUsageRoute;
