// The tenant REST API's message routes bound to the web process's runtime. The handlers live in
// messages.ts (no server-only there, so integration tests call them with real Requests).
import "server-only";
import { webRuntime } from "@/server/web/runtime";
import { handleGetMessage, handleListMessageEvents, handleSendMessage, type TRestDeps } from "./messages";

type TIdContext = { params: Promise<{ id: string }> };

function deps(): TRestDeps {
  return { db: webRuntime().db, now: () => new Date() };
}

export function postMessage(request: Request): Promise<Response> {
  return handleSendMessage(deps(), request);
}

export async function getMessage(request: Request, context: TIdContext): Promise<Response> {
  return handleGetMessage(deps(), request, (await context.params).id);
}

export async function getMessageEvents(request: Request, context: TIdContext): Promise<Response> {
  return handleListMessageEvents(deps(), request, (await context.params).id);
}
