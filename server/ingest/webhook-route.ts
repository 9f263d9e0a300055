// The WhatsApp webhook endpoint's two handlers, built from their dependencies so tests can call
// them with real Request objects, a test database and test secrets.
//   GET:  the subscription handshake.
//   POST: bounded raw read -> verify (constant-time) -> store raw (one statement, committed) ->
//         map the typed outcome to HTTP with an exhaustive switch. 200 leaves only after the
//         commit; processing happens in the worker (docs/decisions/005-...).
import type { TLogger } from "@/server/platform/logger";
import type { TProcessMetrics } from "./prometheus";
import { readBoundedBody } from "./read-body";
import { pickStoredHeaders, recordRawWebhooks, type TQueryable } from "./record-raw-webhook";
import { safeEqual, verifySignature } from "./verify-signature";

export type TWebhookRouteDeps = {
  /** WHATSAPP_APP_SECRET entries, current first */
  appSecrets: readonly string[];
  verifyToken: string;
  maxBodyBytes: number;
  /** the hot path's pg pool */
  store: TQueryable;
  log: TLogger;
  metrics: TProcessMetrics;
  now: () => Date;
};

export type TWebhookPostOutcome =
  | { kind: "stored"; id: string }
  | { kind: "duplicate"; id: string }
  | { kind: "unauthorized"; reason: "missing" | "malformed" | "mismatch" }
  | { kind: "too_large" }
  | { kind: "unreadable" }
  | { kind: "unavailable" };

const MAX_CHALLENGE_LENGTH = 1024;

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers },
  });

export function createWhatsAppWebhookHandlers(getDeps: () => TWebhookRouteDeps) {
  async function GET(request: Request): Promise<Response> {
    const deps = getDeps();
    const params = new URL(request.url).searchParams;
    const mode = params.get("hub.mode");
    const token = params.get("hub.verify_token");
    const challenge = params.get("hub.challenge");
    const isMatch =
      mode === "subscribe" &&
      token !== null &&
      challenge !== null &&
      challenge.length > 0 &&
      challenge.length <= MAX_CHALLENGE_LENGTH &&
      safeEqual(token, deps.verifyToken);
    deps.metrics.inc("waybill_webhook_handshakes_total", { outcome: isMatch ? "ok" : "forbidden" });
    if (!isMatch) {
      deps.log.warn({ mode, hasToken: token !== null }, "webhook handshake refused");
      return text(403, "Forbidden");
    }
    deps.log.info("webhook subscription verified");
    return text(200, challenge);
  }

  async function POST(request: Request): Promise<Response> {
    const deps = getDeps();
    const outcome = await receive(deps, request);
    deps.metrics.inc("waybill_webhook_http_requests_total", { outcome: outcome.kind });
    switch (outcome.kind) {
      case "stored":
      case "duplicate":
        return text(200, "EVENT_RECEIVED");
      case "unauthorized":
        return text(401, "invalid signature");
      case "too_large":
        return text(413, "payload too large");
      case "unreadable":
        return text(400, "unreadable body");
      case "unavailable":
        // not stored: Meta must retry, so never 200 here
        return text(503, "temporarily unavailable", { "Retry-After": "5" });
      default: {
        const unreachable: never = outcome;
        return unreachable;
      }
    }
  }

  return { GET, POST };
}

async function receive(deps: TWebhookRouteDeps, request: Request): Promise<TWebhookPostOutcome> {
  const receivedAt = deps.now();
  const signature = request.headers.get("x-hub-signature-256");
  const client = {
    ip: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null,
    userAgent: request.headers.get("user-agent"),
  };
  if (signature === null) return unauthorized(deps, "missing", client, null);

  const read = await readBoundedBody(request, deps.maxBodyBytes);
  if (!read.ok) {
    deps.log.warn({ ...client, reason: read.reason, maxBytes: deps.maxBodyBytes }, "webhook body refused");
    return { kind: read.reason };
  }
  const check = verifySignature(read.bytes, signature, deps.appSecrets);
  if (!check.ok) return unauthorized(deps, check.reason, client, read.bytes.byteLength);
  deps.metrics.inc("waybill_webhook_verified_total", { key: String(check.keyIndex) });

  const started = performance.now();
  try {
    const [result] = await recordRawWebhooks(deps.store, [
      {
        body: read.bytes,
        receivedAt,
        headers: pickStoredHeaders(request.headers),
        signatureKeyIndex: check.keyIndex,
      },
    ]);
    deps.metrics.observe("waybill_webhook_store_duration_seconds", (performance.now() - started) / 1000);
    if (!result) throw new Error("no outcome for the stored webhook");
    if (result.kind === "duplicate") {
      deps.log.info(
        { rawWebhookId: result.id, duplicateCount: result.duplicateCount },
        "webhook duplicate counted",
      );
      return { kind: "duplicate", id: result.id };
    }
    return { kind: "stored", id: result.id };
  } catch (error) {
    deps.log.error({ err: error, bodyBytes: read.bytes.byteLength }, "webhook not stored: answering 503");
    return { kind: "unavailable" };
  }
}

function unauthorized(
  deps: TWebhookRouteDeps,
  reason: "missing" | "malformed" | "mismatch",
  client: { ip: string | null; userAgent: string | null },
  bodyBytes: number | null,
): TWebhookPostOutcome {
  deps.metrics.inc("waybill_webhook_signature_failures_total", { reason });
  // logged without the body: an unverified body is attacker-controlled and may hold anything
  deps.log.warn({ ...client, reason, bodyBytes }, "webhook signature rejected");
  return { kind: "unauthorized", reason };
}
