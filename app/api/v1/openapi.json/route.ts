// GET /api/v1/openapi.json: the tenant REST API's OpenAPI 3.1 document (no authentication).
import { handleOpenApi } from "@/server/rest/openapi";

export const dynamic = "force-dynamic";
export const GET = handleOpenApi;
