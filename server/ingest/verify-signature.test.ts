// X-Hub-Signature-256: HMAC-SHA256 of the raw bytes, any of several secrets, constant-time.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { safeEqual, signBody, verifySignature } from "./verify-signature";

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[{"note":"café ☕ \\u00e9"}]}');
const current = "current-app-secret-0001";
const previous = "previous-app-secret-001";

describe("verifySignature", () => {
  it("accepts Meta's header for the exact bytes, and says which secret matched", () => {
    expect(verifySignature(body, signBody(body, current), [current, previous])).toEqual({
      ok: true,
      keyIndex: 0,
    });
    expect(verifySignature(body, signBody(body, previous), [current, previous])).toEqual({
      ok: true,
      keyIndex: 1,
    });
    // hex case and surrounding spaces do not matter
    expect(
      verifySignature(body, ` ${signBody(body, current).toUpperCase().replace("SHA256", "sha256")} `, [
        current,
      ]),
    ).toEqual({
      ok: true,
      keyIndex: 0,
    });
  });

  it("equals the HMAC of the raw bytes, not of re-serialised JSON", () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString("utf8"))));
    expect(reserialised.equals(body)).toBe(false);
    expect(verifySignature(reserialised, signBody(body, current), [current])).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("names why a header is refused: missing, malformed (prefix, length, alphabet) or mismatch", () => {
    const good = signBody(body, current);
    expect(verifySignature(body, null, [current])).toEqual({ ok: false, reason: "missing" });
    expect(verifySignature(body, "  ", [current])).toEqual({ ok: false, reason: "missing" });
    for (const header of [
      good.slice(7),
      `sha1=${good.slice(7)}`,
      good.slice(0, -1),
      `${good}0`,
      good.replace(/[0-9a-f]$/, "g"),
    ]) {
      expect(verifySignature(body, header, [current]), header).toEqual({ ok: false, reason: "malformed" });
    }
    expect(verifySignature(body, signBody(body, "another-secret-000000"), [current, previous])).toEqual({
      ok: false,
      reason: "mismatch",
    });
    expect(verifySignature(body, `sha256=${"0".repeat(64)}`, [current])).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("compares with crypto.timingSafeEqual for every secret, whatever matched first", () => {
    const calls: number[] = [];
    const original = crypto.timingSafeEqual;
    const spy = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push(a.byteLength);
      return original(a, b);
    };
    (crypto as { timingSafeEqual: typeof spy }).timingSafeEqual = spy;
    try {
      verifySignature(body, signBody(body, current), [current, previous, "third-secret-00000000"]);
    } finally {
      (crypto as { timingSafeEqual: typeof original }).timingSafeEqual = original;
    }
    expect(calls).toEqual([32, 32, 32]);
  });
});

describe("safeEqual", () => {
  it("is equality, for strings of any length", () => {
    expect(safeEqual("verify-token", "verify-token")).toBe(true);
    expect(safeEqual("verify-token", "verify-tokem")).toBe(false);
    expect(safeEqual("short", "a much longer token")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });
});
