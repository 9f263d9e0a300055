// GET /api/v1/endpoints/{id}/deliveries: recent deliveries to the endpoint, each with its attempts.
import { listDeliveriesRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const GET = listDeliveriesRoute;
