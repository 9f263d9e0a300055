// Every operation of the tenant REST API's OpenAPI document, bound to its in-process handler, so
// the tenant-wall matrix and the fuzzer call the same code the route files do (with real
// Requests and the test database). A document operation missing here fails both of them.
import { storableText } from "@/server/platform/storable-text";
import * as endpoints from "@/server/rest/endpoints";
import { handleGetMessage, handleListMessageEvents, handleSendMessage } from "@/server/rest/messages";
import { buildOpenApiDocument, handleOpenApi } from "@/server/rest/openapi";
import { handleGetTenant } from "@/server/rest/tenant";
import { handleGetUsage } from "@/server/rest/usage";

export type TRestRoute = (
  deps: endpoints.TEndpointRestDeps,
  request: Request,
  params: { id: string },
) => Promise<Response>;

/** Keyed "METHOD /path/{param}", as the document spells the operation. */
export const REST_ROUTES: Record<string, TRestRoute> = {
  "POST /api/v1/messages": (deps, request) => handleSendMessage(deps, request),
  "GET /api/v1/messages/{id}": (deps, request, { id }) => handleGetMessage(deps, request, id),
  "GET /api/v1/messages/{id}/events": (deps, request, { id }) => handleListMessageEvents(deps, request, id),
  "GET /api/v1/endpoints": (deps, request) => endpoints.handleListEndpoints(deps, request),
  "POST /api/v1/endpoints": (deps, request) => endpoints.handleCreateEndpoint(deps, request),
  "GET /api/v1/endpoints/{id}": (deps, request, { id }) => endpoints.handleGetEndpoint(deps, request, id),
  "PATCH /api/v1/endpoints/{id}": (deps, request, { id }) =>
    endpoints.handleUpdateEndpoint(deps, request, id),
  "DELETE /api/v1/endpoints/{id}": (deps, request, { id }) =>
    endpoints.handleDeleteEndpoint(deps, request, id),
  "POST /api/v1/endpoints/{id}/rotate-secret": (deps, request, { id }) =>
    endpoints.handleRotateSecret(deps, request, id),
  "POST /api/v1/endpoints/{id}/test": (deps, request, { id }) =>
    endpoints.handleTestEndpoint(deps, request, id),
  "GET /api/v1/endpoints/{id}/deliveries": (deps, request, { id }) =>
    endpoints.handleListDeliveries(deps, request, id),
  "POST /api/v1/endpoints/{id}/redeliver": (deps, request, { id }) =>
    endpoints.handleRedeliver(deps, request, id),
  "GET /api/v1/usage": (deps, request) => handleGetUsage(deps, request),
  "GET /api/v1/tenant": (deps, request) => handleGetTenant(deps, request),
  "GET /api/v1/openapi.json": async () => handleOpenApi(),
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of the served OpenAPI document, as "METHOD /path". */
export function documentedOperations(): string[] {
  const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([p, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

/** The concrete path of an operation with its {id} filled in (a lone surrogate cannot be encoded). */
export function pathOf(operation: string, id: string): string {
  return operation.split(" ")[1]!.replace("{id}", encodeURIComponent(storableText(id)));
}
