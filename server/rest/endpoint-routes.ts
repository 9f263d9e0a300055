// The tenant REST API's endpoint routes bound to the web process's runtime. The handlers live in
// endpoints.ts (no server-only there, so integration tests call them with real Requests).
import "server-only";
import { webRuntime } from "@/server/web/runtime";
import * as h from "./endpoints";

type TIdContext = { params: Promise<{ id: string }> };

function deps(): h.TEndpointRestDeps {
  const runtime = webRuntime();
  return {
    db: runtime.db,
    box: runtime.secretBox,
    allowHttp: runtime.env.WAYBILL_DEMO,
    now: () => new Date(),
  };
}

const withId =
  (handler: (deps: h.TEndpointRestDeps, request: Request, id: string) => Promise<Response>) =>
  async (request: Request, context: TIdContext) =>
    handler(deps(), request, (await context.params).id);

export const listEndpointsRoute = (request: Request) => h.handleListEndpoints(deps(), request);
export const createEndpointRoute = (request: Request) => h.handleCreateEndpoint(deps(), request);
export const getEndpointRoute = withId(h.handleGetEndpoint);
export const updateEndpointRoute = withId(h.handleUpdateEndpoint);
export const deleteEndpointRoute = withId(h.handleDeleteEndpoint);
export const rotateSecretRoute = withId(h.handleRotateSecret);
export const testEndpointRoute = withId(h.handleTestEndpoint);
export const listDeliveriesRoute = withId(h.handleListDeliveries);
export const redeliverRoute = withId(h.handleRedeliver);
