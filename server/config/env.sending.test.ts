// The sending and simulator settings: defaults, and errors that name the variable.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, ZSimulatorEnvSchema, ZWorkerEnvSchema } from "./env";

const worker = {
  DATABASE_URL: "postgres://u:p@localhost:5432/waybill",
  WAYBILL_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
};

function problems(
  schema: typeof ZWorkerEnvSchema | typeof ZSimulatorEnvSchema,
  source: Record<string, string>,
): string[] {
  try {
    parseEnv(schema, source);
    return [];
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
}

describe("sending settings (worker)", () => {
  it("defaults to Meta's Graph API and its default per-number throughput", () => {
    const env = parseEnv(ZWorkerEnvSchema, worker);
    expect(env.WHATSAPP_GRAPH_API_URL).toBe("https://graph.facebook.com");
    expect(env.WHATSAPP_GRAPH_API_VERSION).toBe("v21.0");
    expect(env.WAYBILL_SENDER_MAX_RATE).toBe(80);
    expect(env.WAYBILL_SEND_MAX_ATTEMPTS).toBe(8);
    expect(env.WAYBILL_SEND_TIMEOUT_MS).toBe(10_000);
    // above ingestion's orphan grace, so a webhook known only by callback data can settle first
    expect(env.WAYBILL_SEND_IN_DOUBT_GRACE_SECONDS).toBeGreaterThan(env.WAYBILL_ORPHAN_MATCH_GRACE_SECONDS);
  });

  it("names a bad URL, version or rate", () => {
    expect(
      problems(ZWorkerEnvSchema, {
        ...worker,
        WHATSAPP_GRAPH_API_URL: "graph.facebook.com",
        WHATSAPP_GRAPH_API_VERSION: "21",
        WAYBILL_SENDER_MAX_RATE: "0",
      }),
    ).toEqual([
      "WHATSAPP_GRAPH_API_URL must be an http(s) URL such as https://graph.facebook.com",
      "WHATSAPP_GRAPH_API_VERSION must look like v21.0",
      "WAYBILL_SENDER_MAX_RATE Too small: expected number to be >0",
    ]);
  });
});

describe("simulator settings", () => {
  it("needs the app secret the web process verifies with, and signs with the first of a list", () => {
    expect(problems(ZSimulatorEnvSchema, {})).toEqual([
      "WHATSAPP_APP_SECRET is required (the same app secret Waybill's web process verifies with)",
    ]);
    const env = parseEnv(ZSimulatorEnvSchema, {
      WHATSAPP_APP_SECRET: `${"a".repeat(20)}, ${"b".repeat(20)}`,
    });
    expect(env.WHATSAPP_APP_SECRET).toBe("a".repeat(20));
    expect(env.WAYBILL_SIMULATOR_PORT).toBe(4010);
    expect(env.WAYBILL_SIMULATOR_WEBHOOK_URL).toBe("http://127.0.0.1:3000/api/webhooks/whatsapp");
  });

  it("refuses a plain http Graph API URL outside demo mode (tokens travel in those requests)", () => {
    expect(problems(ZWorkerEnvSchema, { ...worker, WHATSAPP_GRAPH_API_URL: "http://graph.example" })).toEqual(
      [
        "WHATSAPP_GRAPH_API_URL must be an https URL (plain http is allowed only with WAYBILL_DEMO=1, for the simulator)",
      ],
    );
    expect(
      parseEnv(ZWorkerEnvSchema, {
        ...worker,
        WHATSAPP_GRAPH_API_URL: "http://127.0.0.1:4010",
        WAYBILL_DEMO: "1",
      }).WHATSAPP_GRAPH_API_URL,
    ).toBe("http://127.0.0.1:4010");
  });
});
