// GET, POST /api/v1/endpoints: a tenant's outbound webhook endpoints; create one (secret shown once).
import { createEndpointRoute, listEndpointsRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const GET = listEndpointsRoute;
export const POST = createEndpointRoute;
