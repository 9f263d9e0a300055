// POST /api/v1/messages: a tenant sends a template or text message (202, queued; not delivered).
import { postMessage } from "@/server/rest/message-routes";

export const dynamic = "force-dynamic";
export const POST = postMessage;
