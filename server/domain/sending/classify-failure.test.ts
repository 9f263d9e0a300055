// The retry classification table: what the pipeline does with each Cloud API error code and each
// transport failure. Rows follow the reference (section 4) and the list.
import { describe, expect, it } from "vitest";
import { classifyFailure, type TSendFailure } from "./classify-failure";
import { ERROR_CATALOG, lookupErrorCode, type TDisposition } from "./error-catalog";

function graph(
  code: number,
  httpStatus = 400,
  extra: Partial<Extract<TSendFailure, { kind: "provider_error" }>> = {},
): TSendFailure {
  return {
    kind: "provider_error",
    httpStatus,
    code,
    subcode: null,
    type: "OAuthException",
    message: `(#${code}) something`,
    details: "details from Meta",
    fbtraceId: "AbCdEf",
    isTransient: null,
    ...extra,
  };
}

const TABLE: [code: number, httpStatus: number, disposition: TDisposition][] = [
  // transient: retried with exponential backoff and jitter
  [131000, 500, "transient"],
  [131016, 503, "transient"],
  [2, 503, "transient"],
  [1, 400, "transient"],
  [131053, 400, "transient"],
  [131057, 400, "transient"],
  // throttles
  [130429, 429, "throttle"],
  [131056, 400, "pair_limit"],
  [4, 400, "rate_limited"],
  [80007, 400, "rate_limited"],
  [132069, 400, "rate_limited"],
  // permanent: never retried automatically, dead-lettered with the reason
  [131026, 400, "permanent"],
  [131047, 400, "permanent"],
  [470, 400, "permanent"],
  [131049, 400, "permanent"],
  [131050, 400, "permanent"],
  [130472, 400, "permanent"],
  [131051, 400, "permanent"],
  [131008, 400, "permanent"],
  [131009, 400, "permanent"],
  [100, 400, "permanent"],
  [131021, 400, "permanent"],
  [130497, 403, "permanent"],
  [132000, 400, "permanent"],
  [132001, 404, "permanent"],
  [132005, 400, "permanent"],
  [132007, 400, "permanent"],
  [132012, 400, "permanent"],
  [132015, 400, "permanent"],
  [132016, 400, "permanent"],
  [132099, 400, "permanent"], // the 1320xx range
  // the sender cannot send: dead-letter and pause the number
  [190, 401, "sender_blocked"],
  [0, 401, "sender_blocked"],
  [10, 403, "sender_blocked"],
  [200, 403, "sender_blocked"],
  [299, 403, "sender_blocked"],
  [131005, 403, "sender_blocked"],
  [131031, 403, "sender_blocked"],
  [131048, 400, "rate_limited"],
  [131042, 400, "sender_blocked"],
  [133010, 400, "sender_blocked"],
  [368, 403, "sender_blocked"],
  [33, 400, "sender_blocked"],
];

describe("classifyFailure: Cloud API error codes", () => {
  it.each(TABLE)("code %i (HTTP %i) is %s", (code, httpStatus, disposition) => {
    const result = classifyFailure(graph(code, httpStatus));
    expect(result.disposition).toBe(disposition);
    expect(result.isProviderAnswer).toBe(true);
    expect(result.error.code).toBe(String(code));
  });

  it("keys on the code, never on the HTTP status (Meta's advice)", () => {
    expect(classifyFailure(graph(131026, 500)).disposition).toBe("permanent");
    expect(classifyFailure(graph(131000, 400)).disposition).toBe("transient");
  });

  it("keeps Meta's error whole: code, catalogue title, message and details", () => {
    const result = classifyFailure(
      graph(131056, 400, {
        message: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        details:
          "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
      }),
    );
    expect(result.error).toEqual({
      code: "131056",
      title: "(Business Account, Consumer Account) pair rate limit hit",
      message: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
      details:
        "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
    });
  });

  it("classifies an unknown code by Graph's is_transient flag, then by HTTP status class", () => {
    expect(classifyFailure(graph(999_001, 400, { isTransient: true })).disposition).toBe("transient");
    expect(classifyFailure(graph(999_002, 500)).disposition).toBe("transient");
    expect(classifyFailure(graph(999_003, 429)).disposition).toBe("rate_limited");
    expect(classifyFailure(graph(999_004, 401)).disposition).toBe("sender_blocked");
    expect(classifyFailure(graph(999_005, 400)).disposition).toBe("permanent");
    // the title comes from Meta's message when the catalogue has none
    expect(
      classifyFailure(graph(999_006, 400, { message: "(#999006) A brand new problem" })).error.title,
    ).toBe("A brand new problem");
  });

  it("has one entry per code and a hint for each", () => {
    const codes = ERROR_CATALOG.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const entry of ERROR_CATALOG) expect(entry.hint.length).toBeGreaterThan(10);
    expect(lookupErrorCode(42_424_242)).toBeNull();
  });
});

describe("classifyFailure: transport failures", () => {
  it("a connect failure never left the machine: transient, safe to resend", () => {
    const result = classifyFailure({ kind: "network", phase: "connect", message: "ECONNREFUSED" });
    expect(result).toMatchObject({
      disposition: "transient",
      isProviderAnswer: false,
      error: { code: "transport.network" },
    });
    expect(classifyFailure({ kind: "timeout", phase: "connect", afterMs: 10_000 }).disposition).toBe(
      "transient",
    );
  });

  it("a response timeout, a connection lost mid-answer, an unreadable 200 and a 504 are in doubt", () => {
    expect(classifyFailure({ kind: "timeout", phase: "response", afterMs: 10_000 })).toMatchObject({
      disposition: "in_doubt",
      error: {
        code: "transport.timeout",
        message: "no response within 10000 ms; the provider may have accepted the message",
      },
    });
    expect(classifyFailure({ kind: "network", phase: "response", message: "ECONNRESET" }).disposition).toBe(
      "in_doubt",
    );
    expect(
      classifyFailure({ kind: "invalid_response", httpStatus: 200, message: "not JSON" }).disposition,
    ).toBe("in_doubt");
    expect(
      classifyFailure({ kind: "http_error", httpStatus: 504, bodySnippet: "Gateway Timeout" }).disposition,
    ).toBe("in_doubt");
  });

  it("a bare 502 from a proxy in front of Graph is in doubt: the request may have reached Meta", () => {
    expect(
      classifyFailure({ kind: "http_error", httpStatus: 502, bodySnippet: "<html>Bad Gateway</html>" }),
    ).toMatchObject({
      disposition: "in_doubt",
      error: { code: "http.502" },
      isProviderAnswer: false,
    });
  });

  it("100 with subcode 33 (object missing or no permission) is a sender problem; plain 100 is permanent", () => {
    const base = {
      kind: "provider_error" as const,
      httpStatus: 400,
      code: 100,
      type: "GraphMethodException",
      message:
        "Unsupported post request. Object with ID '106540352242922' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
      details: null,
      fbtraceId: "AbCdEf",
      isTransient: false,
    };
    expect(classifyFailure({ ...base, subcode: 33 })).toMatchObject({
      disposition: "sender_blocked",
      error: { code: "100", title: "Object does not exist or missing permissions" },
    });
    expect(classifyFailure({ ...base, subcode: null }).disposition).toBe("permanent");
  });

  it("a non-Graph HTTP error is retried within the budget (429: after a longer pause)", () => {
    expect(
      classifyFailure({ kind: "http_error", httpStatus: 404, bodySnippet: "Not Found" }).disposition,
    ).toBe("transient");
    expect(classifyFailure({ kind: "http_error", httpStatus: 429, bodySnippet: "" }).disposition).toBe(
      "rate_limited",
    );
  });
});
