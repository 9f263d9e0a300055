// The WhatsApp Cloud API client: POST {base}/{version}/{phone_number_id}/messages with the
// sender's Bearer token, a hard timeout, and every outcome turned into a typed result the domain
// classifies (server/domain/sending/classify-failure.ts). It never throws for a provider or
// network problem; a throw is a bug.
import type { TSendFailure } from "@/server/domain/sending/classify-failure";
import type {
  TMessagingProvider,
  TProviderRecord,
  TProviderSendRequest,
  TProviderSendResult,
} from "../types";
import { Agent } from "undici";
import {
  ZGraphErrorSchema,
  ZGraphPhoneNumberSchema,
  ZGraphSendSuccessSchema,
  type TGraphPhoneNumber,
} from "./wire";

export type TCloudClientOptions = {
  /** e.g. https://graph.facebook.com, or the simulator's URL */
  baseUrl: string;
  /** e.g. v21.0 */
  version: string;
  /** The whole call (connect, send, read the answer) must finish within this. */
  timeoutMs: number;
  /** The connection pool to the Graph API (createGraphAgent); default: Node's global one. */
  agent?: Agent;
  fetch?: typeof fetch;
};

/**
 * Kept-alive connections to the Graph API, one per send in flight: a send reuses a warm
 * connection (no TCP or TLS handshake per message) and never waits behind another's answer (no
 * pipelining: a slow answer holds up only its own request). Idle connections are kept for
 * 30 s, or as long as the server's Keep-Alive header allows, up to 10 minutes.
 */
export function createGraphAgent(options: { connections: number }): Agent {
  return new Agent({
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
}

// errors that mean the request never left this machine: resending cannot duplicate a message
const CONNECT_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
]);

const MAX_BODY_BYTES = 1_000_000;

/** What a call needs back: the status, and the body read up to a limit. */
type TRawAnswer = { status: number; read(limit: number): Promise<string> };

/** One HTTP exchange with the Graph API, `path` relative to the base URL (its query included). */
type TTransport = (
  path: string,
  init: { method: "GET" | "POST"; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<TRawAnswer>;

function transportOf(options: TCloudClientOptions): TTransport {
  const base = new URL(options.baseUrl.replace(/\/+$/, ""));
  const basePath = base.pathname.replace(/\/+$/, "");
  const agent = options.agent;
  if (agent && !options.fetch) {
    // the agent's own request API, not fetch: no WHATWG Request, Response or stream objects per
    // call, which cost the dispatcher more CPU than the rest of a send's HTTP work. Like
    // `redirect: "error"`, a redirect is not followed (its 3xx is an HTTP error).
    const origin = base.origin;
    return async (path, init) => {
      const response = await agent.request({
        origin,
        path: basePath + path,
        method: init.method,
        headers: init.headers,
        body: init.body,
        signal: init.signal,
      });
      return { status: response.statusCode, read: (limit) => readStream(response.body, limit) };
    };
  }
  const doFetch = options.fetch ?? fetch;
  const prefix = base.origin + basePath;
  return async (path, init) => {
    const response = await doFetch(prefix + path, { ...init, redirect: "error" });
    return { status: response.status, read: (limit) => readLimited(response, limit) };
  };
}

export function createWhatsAppCloudProvider(options: TCloudClientOptions): TMessagingProvider {
  const transport = transportOf(options);
  return {
    name: "whatsapp-cloud",
    async send(request: TProviderSendRequest, signal?: AbortSignal): Promise<TProviderSendResult> {
      const path = `/${options.version}/${encodeURIComponent(request.phoneNumberId)}/messages`;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);

      let response: TRawAnswer;
      try {
        response = await transport(path, {
          method: "POST",
          headers: {
            Authorization: `Bearer ${request.accessToken}`,
            "Content-Type": "application/json",
            Accept: "application/json",
          },
          body: JSON.stringify(request.body),
          signal: combined,
        });
      } catch (error) {
        return transportFailure(error, combined.aborted, options.timeoutMs, null, elapsed());
      }

      let text: string;
      try {
        text = await response.read(MAX_BODY_BYTES);
      } catch (error) {
        // the provider answered (so it received the request) but the body never arrived whole
        return transportFailure(error, combined.aborted, options.timeoutMs, response.status, elapsed(), true);
      }
      const json = parseJson(text);
      const record: TProviderRecord = {
        httpStatus: response.status,
        body: json === undefined ? { unparsed: text.slice(0, 2000) } : json,
        durationMs: elapsed(),
      };

      if (isSuccess(response.status)) {
        const success = ZGraphSendSuccessSchema.safeParse(json);
        if (!success.success) {
          return {
            ok: false,
            failure: {
              kind: "invalid_response",
              httpStatus: response.status,
              message: json === undefined ? "the body is not JSON" : "the body names no message id",
            },
            record,
          };
        }
        const message = success.data.messages[0]!;
        return {
          ok: true,
          providerMessageId: message.id,
          messageStatus: message.message_status ?? null,
          waId: success.data.contacts?.[0]?.wa_id ?? null,
          record,
        };
      }

      const graphError = ZGraphErrorSchema.safeParse(json);
      if (graphError.success) {
        const e = graphError.data.error;
        const failure: TSendFailure = {
          kind: "provider_error",
          httpStatus: response.status,
          code: e.code,
          subcode: e.error_subcode ?? null,
          type: e.type ?? null,
          message: e.message,
          details: e.error_data?.details ?? null,
          fbtraceId: e.fbtrace_id ?? null,
          isTransient: e.is_transient ?? null,
        };
        return { ok: false, failure, record };
      }
      return {
        ok: false,
        failure: { kind: "http_error", httpStatus: response.status, bodySnippet: text.slice(0, 500) },
        record,
      };
    },
  };
}

export type TPhoneNumberRead =
  | { ok: true; fields: TGraphPhoneNumber; record: TProviderRecord }
  | {
      ok: false;
      /** Graph's error when it gave one (code 190: the token is invalid); else what went wrong */
      error: { code: number | null; message: string; httpStatus: number | null };
      record: TProviderRecord;
    };

export type TPhoneNumberReader = {
  read(
    request: { phoneNumberId: string; accessToken: string; fields: readonly string[] },
    signal?: AbortSignal,
  ): Promise<TPhoneNumberRead>;
};

/**
 * GET {base}/{version}/{phone_number_id}?fields=... with the sender's own token: the number's
 * health as Meta sees it now. Like `send`, it never throws for a provider or network problem.
 */
export function createGraphPhoneNumberReader(options: TCloudClientOptions): TPhoneNumberReader {
  const transport = transportOf(options);
  return {
    async read(request, signal) {
      const path = `/${options.version}/${encodeURIComponent(request.phoneNumberId)}?fields=${encodeURIComponent(request.fields.join(","))}`;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      let response: TRawAnswer;
      let text: string;
      try {
        response = await transport(path, {
          method: "GET",
          headers: { Authorization: `Bearer ${request.accessToken}`, Accept: "application/json" },
          signal: combined,
        });
        text = await response.read(MAX_BODY_BYTES);
      } catch (error) {
        const message = combined.aborted
          ? `no answer within ${options.timeoutMs} ms`
          : [
              errorCode(error),
              error instanceof Error ? (errorCause(error)?.message ?? error.message) : String(error),
            ]
              .filter(Boolean)
              .join(": ");
        return {
          ok: false,
          error: { code: null, message, httpStatus: null },
          record: { httpStatus: null, body: null, durationMs: elapsed() },
        };
      }
      const json = parseJson(text);
      const record: TProviderRecord = {
        httpStatus: response.status,
        body: json === undefined ? { unparsed: text.slice(0, 2000) } : json,
        durationMs: elapsed(),
      };
      if (isSuccess(response.status)) {
        const parsed = ZGraphPhoneNumberSchema.safeParse(json);
        if (parsed.success) return { ok: true, fields: parsed.data, record };
        return {
          ok: false,
          error: {
            code: null,
            message: "the answer is not a phone number object",
            httpStatus: response.status,
          },
          record,
        };
      }
      const graphError = ZGraphErrorSchema.safeParse(json);
      return {
        ok: false,
        error: graphError.success
          ? {
              code: graphError.data.error.code,
              message: graphError.data.error.message,
              httpStatus: response.status,
            }
          : {
              code: null,
              message: `HTTP ${response.status}: ${text.slice(0, 200)}`,
              httpStatus: response.status,
            },
        record,
      };
    },
  };
}

function transportFailure(
  error: unknown,
  isAborted: boolean,
  timeoutMs: number,
  httpStatus: number | null,
  durationMs: number,
  isAfterResponse = false,
): TProviderSendResult {
  const record: TProviderRecord = { httpStatus, body: null, durationMs };
  const code = errorCode(error);
  if (isAborted) {
    // undici does not say whether the connection was up when the signal fired: assume the
    // request may have been sent (the in-doubt path), unless the socket never connected
    const phase = !isAfterResponse && code === "UND_ERR_CONNECT_TIMEOUT" ? "connect" : "response";
    return { ok: false, failure: { kind: "timeout", phase, afterMs: timeoutMs }, record };
  }
  const phase = !isAfterResponse && code !== null && CONNECT_ERROR_CODES.has(code) ? "connect" : "response";
  const message = [
    code,
    error instanceof Error ? (errorCause(error)?.message ?? error.message) : String(error),
  ]
    .filter(Boolean)
    .join(": ");
  return { ok: false, failure: { kind: "network", phase, message }, record };
}

const isSuccess = (status: number) => status >= 200 && status < 300;

function errorCause(error: Error): Error | null {
  return error.cause instanceof Error ? error.cause : null;
}

function errorCode(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const own = (error as { code?: unknown }).code;
  if (typeof own === "string") return own;
  const cause = errorCause(error) as { code?: unknown } | null;
  return typeof cause?.code === "string" ? cause.code : null;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads a Node stream (the agent's answer body) like readLimited; the rest is discarded. */
async function readStream(
  body: AsyncIterable<Buffer> & { destroy(): unknown },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      body.destroy();
      break;
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
}

/** Reads a body up to `limit` bytes; a larger body is cut (the answer we need is small). */
async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
