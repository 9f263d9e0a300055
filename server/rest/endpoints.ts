// The tenant REST API for outbound webhook endpoints (/api/v1/endpoints): list, create (the
// signing secret is returned once), read, update, delete, rotate the secret, send a test event,
// list deliveries with their attempts, redeliver. The tenant always comes from the API key.
import type { z } from "zod";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import type { TDb } from "@/server/db/client";
import { inTenantScope } from "@/server/db/tenant-scope";
import { webhookId } from "@/server/domain/triggers/render-payload";
import {
  listAttempts,
  listDeliveries,
  redeliver,
  redeliverFailed,
  sendTestEvent,
} from "@/server/services/triggers/deliveries";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type TEndpointView,
} from "@/server/services/triggers/endpoints";
import {
  ZCreateEndpointSchema,
  ZRedeliverSchema,
  ZRotateSecretSchema,
  ZTestEventSchema,
  ZUpdateEndpointSchema,
} from "@/server/services/triggers/inputs";
import { authenticateRequest, problem } from "./authenticate";
import { fieldProblems, invalidRequest, readJsonBody, verifierOf, type TRestDeps } from "./messages";

export type TEndpointRestDeps = TRestDeps & { box: TSecretBox; allowHttp: boolean };

const NO_STORE = { "Cache-Control": "no-store" };

export function endpointJson(e: TEndpointView) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    senderNumberIds: e.senderNumberIds,
    templateNames: e.templateNames,
    includeFullNumbers: e.includeFullNumbers,
    isEnabled: e.isEnabled,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    failingSince: e.failingSince?.toISOString() ?? null,
    maxConcurrency: e.maxConcurrency,
    createdAt: e.createdAt.toISOString(),
  };
}

function apiActor(keyId: string): TActor {
  return { kind: "system", label: `api_key:${keyId}` };
}

/**
 * Runs a writing handler's body in its tenant's row-level-security scope (ADR 013): the body's
 * client is the scope's transaction, and the service's own `$transaction` runs in it. Expected
 * service failures map to the API's error shape (the scope rolls back).
 */
async function inScopeGuarded(
  deps: TEndpointRestDeps,
  tenantId: string,
  run: (db: TDb) => Promise<Response>,
): Promise<Response> {
  try {
    return await inTenantScope(deps.db, [tenantId], run);
  } catch (error) {
    if (error instanceof ServiceError) {
      switch (error.code) {
        case "NOT_FOUND":
          return problem(404, "not_found", error.message);
        case "CONFLICT":
          return problem(409, "conflict", error.message);
        case "BAD_REQUEST":
          return invalidRequest(error.message, []);
        case "FORBIDDEN":
          return problem(403, "forbidden", error.message);
      }
    }
    throw error;
  }
}

async function parseBody<S extends z.ZodType>(request: Request, schema: S, allowEmpty = false) {
  if (allowEmpty && (request.headers.get("content-length") ?? "0") === "0" && !request.body) {
    const parsed = schema.safeParse({});
    if (parsed.success) return { ok: true as const, value: parsed.data };
  }
  const body = await readJsonBody(request);
  if (!body.ok) return body;
  const parsed = schema.safeParse(body.value);
  if (!parsed.success)
    return {
      ok: false as const,
      response: invalidRequest("the request does not match the schema", fieldProblems(parsed.error)),
    };
  return { ok: true as const, value: parsed.data };
}

/** GET /api/v1/endpoints */
export async function handleListEndpoints(deps: TEndpointRestDeps, request: Request): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  const { tenantId } = auth.principal;
  const endpoints = await inTenantScope(deps.db, [tenantId], (tx) => listEndpoints(tx, tenantId));
  return Response.json({ endpoints: endpoints.map(endpointJson) }, { headers: NO_STORE });
}

/** POST /api/v1/endpoints */
export async function handleCreateEndpoint(deps: TEndpointRestDeps, request: Request): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  const body = await parseBody(request, ZCreateEndpointSchema);
  if (!body.ok) return body.response;
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    const created = await createEndpoint(
      db,
      deps.box,
      apiActor(auth.principal.keyId),
      { tenantId: auth.principal.tenantId, ...body.value },
      { allowHttp: deps.allowHttp },
      now,
    );
    return Response.json(
      { endpoint: endpointJson(created.endpoint), secret: created.secret, warnings: created.warnings },
      { status: 201, headers: { ...NO_STORE, Location: `/api/v1/endpoints/${created.endpoint.id}` } },
    );
  });
}

/** GET /api/v1/endpoints/{id} */
export async function handleGetEndpoint(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const { tenantId } = auth.principal;
  const endpoint = await inTenantScope(deps.db, [tenantId], (tx) => getEndpoint(tx, tenantId, id));
  if (!endpoint) return problem(404, "not_found", "no such endpoint");
  return Response.json(endpointJson(endpoint), { headers: NO_STORE });
}

/** PATCH /api/v1/endpoints/{id} */
export async function handleUpdateEndpoint(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const body = await parseBody(request, ZUpdateEndpointSchema);
  if (!body.ok) return body.response;
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    const updated = await updateEndpoint(
      db,
      apiActor(auth.principal.keyId),
      { tenantId: auth.principal.tenantId, endpointId: id, ...body.value },
      { allowHttp: deps.allowHttp },
      now,
    );
    return Response.json(
      { ...endpointJson(updated.endpoint), warnings: updated.warnings },
      { headers: NO_STORE },
    );
  });
}

/** DELETE /api/v1/endpoints/{id} */
export async function handleDeleteEndpoint(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    await deleteEndpoint(db, apiActor(auth.principal.keyId), {
      tenantId: auth.principal.tenantId,
      endpointId: id,
    });
    return new Response(null, { status: 204, headers: NO_STORE });
  });
}

/** POST /api/v1/endpoints/{id}/rotate-secret */
export async function handleRotateSecret(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const body = await parseBody(request, ZRotateSecretSchema, true);
  if (!body.ok) return body.response;
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    const rotated = await rotateEndpointSecret(
      db,
      deps.box,
      apiActor(auth.principal.keyId),
      { tenantId: auth.principal.tenantId, endpointId: id, overlapHours: body.value.overlapHours },
      now,
    );
    return Response.json(
      { secret: rotated.secret, previousSecretsExpireAt: rotated.previousExpireAt.toISOString() },
      { headers: NO_STORE },
    );
  });
}

/** POST /api/v1/endpoints/{id}/test */
export async function handleTestEndpoint(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const body = await parseBody(request, ZTestEventSchema, true);
  if (!body.ok) return body.response;
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    const sent = await sendTestEvent(
      db,
      apiActor(auth.principal.keyId),
      { tenantId: auth.principal.tenantId, endpointId: id, type: body.value.type },
      now,
    );
    return Response.json(sent, { status: 202, headers: NO_STORE });
  });
}

/** GET /api/v1/endpoints/{id}/deliveries?status=&limit= */
export async function handleListDeliveries(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const { tenantId } = auth.principal;
  const endpoint = await inTenantScope(deps.db, [tenantId], (tx) => getEndpoint(tx, tenantId, id));
  if (!endpoint) return problem(404, "not_found", "no such endpoint");
  const params = new URL(request.url).searchParams;
  const status = params.get("status");
  if (status !== null && !["pending", "succeeded", "failed"].includes(status))
    return invalidRequest("status must be pending, succeeded or failed", [
      { path: "status", message: "invalid" },
    ]);
  const limit = Math.min(Math.max(Number(params.get("limit") ?? 50) || 50, 1), 200);
  const { rows, attempts } = await inTenantScope(deps.db, [tenantId], async (tx) => {
    const rows = await listDeliveries(tx, tenantId, {
      endpointId: id,
      status: (status ?? undefined) as "pending" | "succeeded" | "failed" | undefined,
      limit,
    });
    const attempts = await listAttempts(
      tx,
      tenantId,
      rows.map((r) => r.id),
    );
    return { rows, attempts };
  });
  return Response.json(
    {
      deliveries: rows.map((d) => ({
        id: d.id,
        eventId: d.eventId,
        webhookId: webhookId(d.eventId),
        eventType: d.eventType,
        messageId: d.messageId,
        status: d.status,
        attemptCount: d.attemptCount,
        nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
        attempts: (attempts.get(d.id) ?? []).map((a) => ({
          attempt: a.attempt,
          startedAt: a.startedAt.toISOString(),
          responseStatus: a.responseStatus,
          responseBody: a.responseBody,
          latencyMs: a.latencyMs,
          error: a.error,
        })),
      })),
    },
    { headers: NO_STORE },
  );
}

/** POST /api/v1/endpoints/{id}/redeliver: one delivery, or every dead one */
export async function handleRedeliver(
  deps: TEndpointRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;
  if (!isUuid(id)) return problem(404, "not_found", "no such endpoint");
  const body = await parseBody(request, ZRedeliverSchema);
  if (!body.ok) return body.response;
  const { tenantId } = auth.principal;
  const actor = apiActor(auth.principal.keyId);
  return inScopeGuarded(deps, auth.principal.tenantId, async (db) => {
    if ("deliveryId" in body.value) {
      await redeliver(db, actor, { tenantId, deliveryId: body.value.deliveryId, endpointId: id }, now);
      return Response.json({ redelivered: 1 }, { status: 202, headers: NO_STORE });
    }
    const count = await redeliverFailed(
      db,
      actor,
      { tenantId, endpointId: id, since: body.value.since ? new Date(body.value.since) : undefined },
      now,
    );
    return Response.json({ redelivered: count }, { status: 202, headers: NO_STORE });
  });
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
