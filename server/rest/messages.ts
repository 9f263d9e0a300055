// The tenant REST API for messages. Handlers take their dependencies as an argument (the route
// bindings in message-routes.ts pass the web runtime's), so tests call them with a real
// database and real Requests. The tenant always comes from the API key, never from the request.
import type { z } from "zod";
import type { TDb } from "@/server/db/client";
import { ZIdempotencyKeySchema, ZSendMessageRequestSchema } from "@/server/domain/sending/send-request";
import {
  getMessageEventsView,
  getMessageView,
  type TMessageView,
} from "@/server/services/sending/message-views";
import type pg from "pg";
import { scopedSqlOfPool } from "@/server/db/scoped-sql";
import { sqlOfPg } from "@/server/db/sql";
import { inTenantScope } from "@/server/db/tenant-scope";
import { authenticateApiKey, createApiKeyVerifier, type TApiKeyVerifier } from "@/server/services/api-keys";
import {
  createIntakeWriter,
  requestSend,
  requestSendDepsOf,
  type TRequestSendDeps,
} from "@/server/services/sending/request-send";
import { createQueueWaker } from "@/server/services/sending/send-queue";
import { createSenderDirectory } from "@/server/services/sending/sender-directory";
import { unstorablePath } from "@/server/platform/storable-text";
import { authenticateRequest, problem } from "./authenticate";

export type TRestDeps = {
  db: TDb;
  now: () => Date;
  /** The hot path's key verifier (cached); default: read the key with Prisma on every request. */
  apiKeys?: TApiKeyVerifier;
  /** The send intake's plain-pg dependencies; default: run it through Prisma, NOTIFY at once. */
  intake?: TRequestSendDeps;
};

/**
 * The production shape: the intake and key checks on plain pg (a pool), concurrent send requests
 * written together by group commit (at most `intakeInFlight` statements at once, the rest of the
 * pool left for key and sender reads), each group's statement in a transaction scoped to the
 * group's tenants and each key read in its tenant's scope (ADR 013), keys and senders cached in
 * the process, dispatchers woken after commits.
 */
export function hotPathRestDeps(
  db: TDb,
  pool: pg.Pool,
  onWakeError: (error: unknown) => void = () => {},
  options: { intakeInFlight?: number } = {},
): Required<TRestDeps> {
  const sql = sqlOfPg(pool);
  const scoped = scopedSqlOfPool(pool, { isPrepared: true });
  return {
    db,
    now: () => new Date(),
    apiKeys: createApiKeyVerifier(scoped),
    intake: {
      sql,
      scoped,
      db,
      senders: createSenderDirectory(),
      wake: createQueueWaker(sql, onWakeError),
      write: createIntakeWriter(scoped, { maxInFlight: options.intakeInFlight ?? 4 }),
    },
  };
}

/** The request's key verifier: the deps' cached one, else a Prisma read per request. */
export function verifierOf(deps: TRestDeps): TApiKeyVerifier {
  return deps.apiKeys ?? ((token, now) => authenticateApiKey(deps.db, token, now));
}

const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "Cache-Control": "no-store" };

export const ACCEPTANCE_NOTE =
  "202 Accepted means Waybill recorded and queued the request; it is not delivery. Follow `state` at links.self: queued -> accepted (by WhatsApp) -> sent -> delivered -> read, or failed / dead_lettered with `lastError`.";

export type TFieldProblem = { path: string; message: string };

export function invalidRequest(message: string, details: TFieldProblem[]): Response {
  return Response.json(
    { error: { code: "invalid_request", message, details } },
    { status: 400, headers: NO_STORE },
  );
}

/** zod issues as `path: message` pairs a developer can act on ("template.language": "..."). */
export function fieldProblems(error: z.ZodError): TFieldProblem[] {
  return error.issues.flatMap((issue) => {
    // a union's branches each failed: report the branch the caller most likely meant
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return best.map((inner) => ({
        path: formatPath([...issue.path, ...inner.path]),
        message: inner.message,
      }));
    }
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "unknown field" }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(body)";
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}

export async function readJsonBody(
  request: Request,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
    return {
      ok: false,
      response: problem(415, "unsupported_media_type", "send the body as application/json"),
    };
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    return {
      ok: false,
      response: problem(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`),
    };
  }
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        return {
          ok: false,
          response: problem(413, "body_too_large", `the body must be at most ${MAX_BODY_BYTES} bytes`),
        };
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim().length === 0) return { ok: false, response: invalidRequest("the body is empty", []) };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return {
      ok: false,
      response: invalidRequest("the body is not valid JSON", [
        { path: "(body)", message: error instanceof Error ? error.message : "unparseable" },
      ]),
    };
  }
  // PostgreSQL cannot store these in text or jsonb: refused here with the field named, rather
  // than failing the statement that would record the request
  const unstorable = unstorablePath(value);
  if (unstorable !== null) {
    return {
      ok: false,
      response: invalidRequest("the body holds a character that cannot be stored", [
        { path: unstorable, message: "a NUL character (\\u0000) or a lone UTF-16 surrogate is not accepted" },
      ]),
    };
  }
  return { ok: true, value };
}

function links(id: string) {
  return { self: `/api/v1/messages/${id}`, events: `/api/v1/messages/${id}/events` };
}

function messageBody(message: TMessageView) {
  return { ...message, links: links(message.id) };
}

/** POST /api/v1/messages */
export async function handleSendMessage(deps: TRestDeps, request: Request): Promise<Response> {
  const now = deps.now();
  const auth = await authenticateRequest(verifierOf(deps), request, now);
  if (!auth.ok) return auth.response;

  const rawKey = request.headers.get("idempotency-key");
  let idempotencyKey: string | null = null;
  if (rawKey !== null) {
    const key = ZIdempotencyKeySchema.safeParse(rawKey);
    if (!key.success) {
      return invalidRequest("the Idempotency-Key header is not valid", [
        { path: "Idempotency-Key", message: key.error.issues[0]?.message ?? "invalid" },
      ]);
    }
    idempotencyKey = key.data;
  }
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const parsed = ZSendMessageRequestSchema.safeParse(body.value);
  if (!parsed.success)
    return invalidRequest("the request does not match the schema", fieldProblems(parsed.error));

  const result = await requestSend(deps.intake ?? requestSendDepsOf(deps.db), {
    tenantId: auth.principal.tenantId,
    request: parsed.data,
    idempotencyKey,
    origin: { kind: "api", apiKeyId: auth.principal.keyId },
    now,
  });
  switch (result.kind) {
    case "created":
    case "replayed": {
      const headers: Record<string, string> = { ...NO_STORE, Location: links(result.message.id).self };
      if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
      if (result.kind === "replayed") headers["Idempotent-Replayed"] = "true";
      return Response.json(
        { ...messageBody(result.message), note: ACCEPTANCE_NOTE },
        { status: 202, headers },
      );
    }
    case "idempotency_conflict":
      return Response.json(
        {
          error: {
            code: "idempotency_key_reused",
            message:
              "this Idempotency-Key was already used with a different request body; use a new key for a new message",
            messageId: result.messageId,
          },
        },
        { status: 409, headers: NO_STORE },
      );
    case "unknown_sender":
      return Response.json(
        {
          error: {
            code: "unknown_sender",
            message: `no sender number "${result.from}" in your tenant (GET /api/v1/tenant lists them)`,
            details: [{ path: "from", message: "not one of your sender numbers" }],
          },
        },
        { status: 422, headers: NO_STORE },
      );
    default: {
      const unreachable: never = result;
      return unreachable;
    }
  }
}

/** GET /api/v1/messages/{id} */
export async function handleGetMessage(deps: TRestDeps, request: Request, id: string): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  const { tenantId } = auth.principal;
  const message = await inTenantScope(deps.db, [tenantId], (tx) => getMessageView(tx, tenantId, id));
  // another tenant's message and a missing one look the same: ids cannot be probed
  if (!message) return problem(404, "not_found", "no such message");
  return Response.json(messageBody(message), { headers: NO_STORE });
}

/** GET /api/v1/messages/{id}/events */
export async function handleListMessageEvents(
  deps: TRestDeps,
  request: Request,
  id: string,
): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  const { tenantId } = auth.principal;
  const view = await inTenantScope(deps.db, [tenantId], (tx) => getMessageEventsView(tx, tenantId, id));
  if (!view) return problem(404, "not_found", "no such message");
  return Response.json({ ...view, links: links(id) }, { headers: NO_STORE });
}
