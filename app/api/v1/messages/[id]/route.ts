// GET /api/v1/messages/{id}: a message's derived state, its explanation and its last error.
import { getMessage } from "@/server/rest/message-routes";

export const dynamic = "force-dynamic";
export const GET = getMessage;
