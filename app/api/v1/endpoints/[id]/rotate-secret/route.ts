// POST /api/v1/endpoints/{id}/rotate-secret: a new signing secret; the old one signs too during the overlap.
import { rotateSecretRoute } from "@/server/rest/endpoint-routes";

export const dynamic = "force-dynamic";
export const POST = rotateSecretRoute;
