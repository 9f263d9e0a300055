// The tenant REST API's message routes bound to the web process's runtime. The handlers live in
// messages.ts (no server-only there, so integration tests call them with real Requests).
import "server-only";
import { handleGetMessage, handleListMessageEvents, handleSendMessage } from "./messages";
import { restDeps } from "./web-deps";

type TIdContext = { params: Promise<{ id: string }> };

export function postMessage(request: Request): Promise<Response> {
  return handleSendMessage(restDeps(), request);
}

export async function getMessage(request: Request, context: TIdContext): Promise<Response> {
  return handleGetMessage(restDeps(), request, (await context.params).id);
}

export async function getMessageEvents(request: Request, context: TIdContext): Promise<Response> {
  return handleListMessageEvents(restDeps(), request, (await context.params).id);
}
