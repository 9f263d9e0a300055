// GET /api/v1/tenant bound to the web process's runtime (the handler lives in tenant.ts).
import "server-only";
import { handleGetTenant } from "./tenant";
import { restDeps } from "./web-deps";

export const getTenant = (request: Request): Promise<Response> => handleGetTenant(restDeps(), request);
