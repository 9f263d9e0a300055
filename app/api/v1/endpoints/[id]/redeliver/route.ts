// POST /api/v1/endpoints/{id}/redeliver: redeliver one delivery, or every dead one of the endpoint.
import { redeliverRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const POST = redeliverRoute;
