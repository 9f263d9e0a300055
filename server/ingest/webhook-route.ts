// The WhatsApp webhook endpoint, built from its dependencies so tests can call it with real
// requests, a test database and test secrets. One implementation, two transports: the Next.js
// route handlers (web `Request`/`Response`) and the dedicated ingest listener (node:http) both
// run `createWebhookEndpoint`; only the adapters at the bottom differ.
//   GET:  the subscription handshake.
//   POST: bounded raw read -> verify (constant-time) -> store raw (group commit, committed) ->
//         map the typed outcome to HTTP with an exhaustive switch. 200 leaves only after the
//         commit holding the request's row; processing happens in the worker (docs/decisions/005-...).
import {
  clientIpOf,
  parseTrustedProxies,
  PEER_ADDRESS_HEADER,
  type TTrustedProxies,
} from "@/server/platform/client-ip";
import type { TLogger } from "@/server/platform/logger";
import type { TProcessMetrics } from "./prometheus";
import { bodyOfRequest, readBoundedBody, type TBodySource } from "./read-body";
import { pickStoredHeaders, type TWebhookStore } from "./record-raw-webhook";
import { checkSignatureFormat, safeEqual, verifySignature } from "./verify-signature";

const NO_TRUSTED_PROXIES = parseTrustedProxies([]);

export type TWebhookRouteDeps = {
  /** WHATSAPP_APP_SECRET entries, current first */
  appSecrets: readonly string[];
  verifyToken: string;
  maxBodyBytes: number;
  /** the hot path's store: group commit over a plain pg pool */
  store: TWebhookStore;
  log: TLogger;
  metrics: TProcessMetrics;
  now: () => Date;
  /** proxies whose X-Forwarded-For is believed (WAYBILL_TRUSTED_PROXIES); default none */
  trustedProxies?: TTrustedProxies;
};

/** A webhook POST as either transport sees it. */
export type TWebhookPost = {
  /** a request header by lower-case name */
  header: (name: string) => string | null;
  /** the TCP peer's address, when the transport knows it */
  remoteAddress: string | null;
  body: TBodySource;
};

/** An answer either transport writes out. */
export type TWebhookAnswer = { status: number; body: string; headers: Record<string, string> };

export type TWebhookPostOutcome =
  | { kind: "stored"; id: string }
  | { kind: "duplicate"; id: string }
  | { kind: "unauthorized"; reason: "missing" | "malformed" | "mismatch" }
  | { kind: "too_large" }
  | { kind: "unreadable" }
  | { kind: "unavailable" };

const MAX_CHALLENGE_LENGTH = 1024;

const text = (status: number, body: string, headers: Record<string, string> = {}): TWebhookAnswer => ({
  status,
  body,
  headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers },
});

export function createWebhookEndpoint(getDeps: () => TWebhookRouteDeps) {
  function handshake(params: URLSearchParams): TWebhookAnswer {
    const deps = getDeps();
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

  async function post(request: TWebhookPost): Promise<TWebhookAnswer> {
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

  return { handshake, post };
}

/** The Next.js route handlers: the endpoint behind web `Request`/`Response`. */
export function createWhatsAppWebhookHandlers(getDeps: () => TWebhookRouteDeps) {
  const endpoint = createWebhookEndpoint(getDeps);
  const respond = (answer: TWebhookAnswer) =>
    new Response(answer.body, { status: answer.status, headers: answer.headers });

  async function GET(request: Request): Promise<Response> {
    return respond(endpoint.handshake(new URL(request.url).searchParams));
  }

  async function POST(request: Request): Promise<Response> {
    return respond(
      await endpoint.post({
        header: (name) => request.headers.get(name),
        // a Next.js route handler is not told the TCP peer: scripts/web-server.mjs passes it
        remoteAddress: request.headers.get(PEER_ADDRESS_HEADER),
        body: bodyOfRequest(request),
      }),
    );
  }

  return { GET, POST };
}

async function receive(deps: TWebhookRouteDeps, request: TWebhookPost): Promise<TWebhookPostOutcome> {
  const receivedAt = deps.now();
  const signature = request.header("x-hub-signature-256");
  const client = {
    ip: clientIpOf(
      { forwardedFor: request.header("x-forwarded-for"), peerAddress: request.remoteAddress },
      deps.trustedProxies ?? NO_TRUSTED_PROXIES,
    ),
    userAgent: request.header("user-agent"),
  };
  // before reading the body: a request that cannot be Meta's costs no read and no HMAC
  const format = checkSignatureFormat(signature);
  if (format !== "ok") return unauthorized(deps, format, client, null);

  const read = await readBoundedBody(request.body, deps.maxBodyBytes);
  if (!read.ok) {
    deps.log.warn({ ...client, reason: read.reason, maxBytes: deps.maxBodyBytes }, "webhook body refused");
    return { kind: read.reason };
  }
  const check = verifySignature(read.bytes, signature, deps.appSecrets);
  if (!check.ok) return unauthorized(deps, check.reason, client, read.bytes.byteLength);
  deps.metrics.inc("waybill_webhook_verified_total", { key: String(check.keyIndex) });

  const started = performance.now();
  try {
    const result = await deps.store.submit({
      body: read.bytes,
      receivedAt,
      headers: pickStoredHeaders(request.header),
      signatureKeyIndex: check.keyIndex,
    });
    deps.metrics.observe("waybill_webhook_store_duration_seconds", (performance.now() - started) / 1000);
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
