// Turns what went wrong with one send call into a decision input: how to treat it (the
// disposition), the error as the ledger records it, and whether we even know the outcome.

import type { TLedgerError } from "../ledger/ledger-event";
import { lookupErrorCode, type TDisposition } from "./error-catalog";

/**
 * Everything a provider call can end with other than acceptance. The provider client builds
 * these; the domain never sees a fetch error or a Response.
 */
export type TSendFailure =
  /** A Graph error object (section 1.5 of the reference): the provider answered and refused. */
  | {
      kind: "provider_error";
      httpStatus: number;
      code: number;
      subcode: number | null;
      type: string | null;
      message: string;
      details: string | null;
      fbtraceId: string | null;
      /** Graph's own `is_transient` flag, when it sends one. */
      isTransient: boolean | null;
    }
  /** An HTTP error whose body is not a Graph error (a proxy or load balancer answered). */
  | { kind: "http_error"; httpStatus: number; bodySnippet: string }
  /**
   * No answer in time. `phase: "connect"` means the request never left (safe to resend);
   * `"response"` means it was sent and the provider may have accepted it.
   */
  | { kind: "timeout"; phase: "connect" | "response"; afterMs: number }
  /** The connection failed. Same phase meaning as for timeouts. */
  | { kind: "network"; phase: "connect" | "response"; message: string }
  /** A 2xx whose body does not name the message (no `messages[0].id`): probably accepted. */
  | { kind: "invalid_response"; httpStatus: number; message: string };

export type TFailureClass = {
  /**
   * `in_doubt`: the provider may have accepted the attempt (timeout after sending, connection
   * lost mid-response, an unreadable 200, a gateway timeout). Never resent at once: a webhook
   * carrying our callback data may still prove acceptance.
   */
  disposition: TDisposition | "in_doubt";
  error: TLedgerError;
  /** Whether the provider answered at all: only then is a `provider_rejected` fact true. */
  isProviderAnswer: boolean;
};

const CONNECT_HINT = "the request never reached the provider";

export function classifyFailure(failure: TSendFailure): TFailureClass {
  switch (failure.kind) {
    case "provider_error": {
      const known = lookupErrorCode(failure.code);
      const title = known?.title ?? titleFromMessage(failure.message) ?? `Graph error ${failure.code}`;
      // 100 with subcode 33 is "object does not exist / cannot be loaded due to missing
      // permissions": the phone number id or the token's access to it, a sender problem, not a
      // fault of this message (resending any message from the number fails the same way)
      const isMissingObject = failure.code === 100 && failure.subcode === 33;
      const error: TLedgerError = {
        code: String(failure.code),
        title: isMissingObject ? "Object does not exist or missing permissions" : title,
        message: failure.message,
        details: failure.details,
      };
      return {
        disposition: isMissingObject ? "sender_blocked" : dispositionOf(failure, known?.disposition ?? null),
        error,
        isProviderAnswer: true,
      };
    }
    case "http_error": {
      const error: TLedgerError = {
        code: `http.${failure.httpStatus}`,
        title: `HTTP ${failure.httpStatus} without a Graph error body`,
        message: failure.bodySnippet.slice(0, 500),
        details: null,
      };
      // a gateway timeout or a bare bad gateway (a proxy in front of Graph lost the upstream
      // answer) may hide an accepted request: look for a webhook before resending; other statuses
      // came from in front of Meta
      if (failure.httpStatus === 504 || failure.httpStatus === 502)
        return { disposition: "in_doubt", error, isProviderAnswer: false };
      if (failure.httpStatus === 429) return { disposition: "rate_limited", error, isProviderAnswer: false };
      // 4xx/5xx from a proxy, or a misconfigured base URL: retry within the budget, never a
      // permanent verdict about the message itself
      return { disposition: "transient", error, isProviderAnswer: false };
    }
    case "timeout": {
      const isConnect = failure.phase === "connect";
      return {
        disposition: isConnect ? "transient" : "in_doubt",
        error: {
          code: "transport.timeout",
          title: isConnect ? "Connection timed out" : "No response in time",
          message: isConnect
            ? `could not connect within ${failure.afterMs} ms; ${CONNECT_HINT}`
            : `no response within ${failure.afterMs} ms; the provider may have accepted the message`,
          details: null,
        },
        isProviderAnswer: false,
      };
    }
    case "network": {
      const isConnect = failure.phase === "connect";
      return {
        disposition: isConnect ? "transient" : "in_doubt",
        error: {
          code: "transport.network",
          title: isConnect ? "Connection failed" : "Connection lost before the response",
          message: isConnect ? `${failure.message}; ${CONNECT_HINT}` : failure.message,
          details: null,
        },
        isProviderAnswer: false,
      };
    }
    case "invalid_response":
      return {
        disposition: "in_doubt",
        error: {
          code: "transport.invalid_response",
          title: "Unreadable success response",
          message: `HTTP ${failure.httpStatus}: ${failure.message}`,
          details: null,
        },
        isProviderAnswer: false,
      };
    default: {
      const unreachable: never = failure;
      return unreachable;
    }
  }
}

function dispositionOf(
  failure: Extract<TSendFailure, { kind: "provider_error" }>,
  known: TDisposition | null,
): TDisposition {
  if (known !== null) return known;
  // an unknown code: Graph's own flag first, then the HTTP status class
  if (failure.isTransient === true) return "transient";
  if (failure.httpStatus === 429) return "rate_limited";
  if (failure.httpStatus === 401) return "sender_blocked";
  if (failure.httpStatus >= 500) return "transient";
  // an unknown 4xx: resending the same request would most likely fail the same way
  return "permanent";
}

/** Meta embeds the title in the message: "(#131056) (Business Account, ...) pair rate limit hit". */
function titleFromMessage(message: string): string | null {
  const match = /^\(#\d+\)\s*(.+)$/.exec(message.trim());
  return match?.[1] ?? null;
}
