// Configuration errors name the variable and say what is wrong, without a stack trace.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { EnvError, parseEnv, ZWebEnvSchema, ZWorkerEnvSchema } from "./env";

const valid = {
  DATABASE_URL: "postgres://u:p@localhost:5432/waybill",
  WAYBILL_ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
  AUTH_SECRET: "x".repeat(40),
  WHATSAPP_APP_SECRET: "a".repeat(32),
  WHATSAPP_VERIFY_TOKEN: "verify-token",
};

function problemsOf(source: Record<string, string | undefined>, schema: z.ZodType = ZWebEnvSchema): string[] {
  try {
    parseEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseEnv", () => {
  it("accepts a complete environment and applies defaults", () => {
    const env = parseEnv(ZWebEnvSchema, valid);
    expect(env.WAYBILL_LOGIN_MAX_ATTEMPTS).toBe(5);
    expect(env.WAYBILL_ENCRYPTION_KEYS_PREVIOUS).toEqual([]);
    expect(env.WAYBILL_DEMO).toBe(false);
  });

  it("names each missing secret", () => {
    expect(problemsOf({ DATABASE_URL: valid.DATABASE_URL })).toEqual([
      "WAYBILL_ENCRYPTION_KEY is required",
      "AUTH_SECRET is required (32+ random characters; `openssl rand -base64 32`)",
      "WHATSAPP_APP_SECRET is required (the Meta app secret; comma-separated during a rotation)",
      "WHATSAPP_VERIFY_TOKEN is required (any secret string, also entered in Meta's App Dashboard)",
    ]);
  });

  it("treats an empty value as missing", () => {
    expect(problemsOf({ ...valid, AUTH_SECRET: "" })).toEqual([
      "AUTH_SECRET is required (32+ random characters; `openssl rand -base64 32`)",
    ]);
  });

  it("explains a bad URL, a short key and a bad number", () => {
    expect(
      problemsOf({ ...valid, DATABASE_URL: "mysql://x", WAYBILL_ENCRYPTION_KEY: "abc" }, ZWorkerEnvSchema),
    ).toEqual([
      "DATABASE_URL must be a postgres:// or postgresql:// URL",
      "WAYBILL_ENCRYPTION_KEY must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)",
    ]);
    expect(problemsOf({ ...valid, WAYBILL_JOB_EXPIRE_SECONDS: "soon" }, ZWorkerEnvSchema)[0]).toMatch(
      /^WAYBILL_JOB_EXPIRE_SECONDS /,
    );
  });

  it("checks every previous encryption key", () => {
    expect(
      problemsOf({ ...valid, WAYBILL_ENCRYPTION_KEYS_PREVIOUS: `${valid.WAYBILL_ENCRYPTION_KEY},short` }),
    ).toEqual([
      "WAYBILL_ENCRYPTION_KEYS_PREVIOUS.1 must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)",
    ]);
  });

  it("the error message lists the problems and points at the README, with no stack", () => {
    const error = (() => {
      try {
        parseEnv(ZWebEnvSchema, {});
      } catch (e) {
        return e as EnvError;
      }
      throw new Error("expected an error");
    })();
    expect(error.message).toMatch(/^Invalid configuration:\n {2}- DATABASE_URL is required/);
    expect(error.message).toContain("See README.md#configuration");
  });
});
