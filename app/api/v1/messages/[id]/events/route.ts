// GET /api/v1/messages/{id}/events: a message's ledger, fact by fact, with receipt counts.
import { getMessageEvents } from "@/server/rest/message-routes";

export const dynamic = "force-dynamic";
export const GET = getMessageEvents;
