// GET, PATCH, DELETE /api/v1/endpoints/{id}: read, change (subscriptions, filters, enabled) or remove an endpoint.
import { deleteEndpointRoute, getEndpointRoute, updateEndpointRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const GET = getEndpointRoute;
export const PATCH = updateEndpointRoute;
export const DELETE = deleteEndpointRoute;
