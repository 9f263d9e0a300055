// GET /api/v1/tenant: the calling API key's tenant and sender numbers (tenant REST API).
import { getTenant } from "@/server/rest/get-tenant";

export const dynamic = "force-dynamic";
export const GET = getTenant;
