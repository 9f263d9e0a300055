// POST /api/v1/endpoints/{id}/test: sends a sample event (marked test) to the endpoint.
import { testEndpointRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const POST = testEndpointRoute;
