// X-Hub-Signature-256 verification: `sha256=<hex>` where hex = HMAC-SHA256(app secret, raw body
// bytes). Over the raw bytes, never re-serialised JSON (emoji and escapes would not survive).
// Several secrets are accepted at once so the app secret can be rotated without downtime.
import crypto from "node:crypto";

export type TSignatureCheck =
  { ok: true; keyIndex: number } | { ok: false; reason: "missing" | "malformed" | "mismatch" };

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * The header's form alone (no body, no secret): the route refuses a missing or malformed header
 * before reading a byte of the body, so a forged request costs it neither the read nor an HMAC.
 */
export function checkSignatureFormat(header: string | null): "ok" | "missing" | "malformed" {
  if (header === null || header.trim() === "") return "missing";
  return SIGNATURE_PATTERN.test(header.trim()) ? "ok" : "malformed";
}

/**
 * Checks `header` against every secret. The comparison is constant-time (crypto.timingSafeEqual
 * on equal-length digests: the header's length is checked by the pattern first), and every
 * secret is tried whatever the outcome, so timing reveals neither how much matched nor which key.
 */
export function verifySignature(
  body: Uint8Array,
  header: string | null,
  secrets: readonly string[],
): TSignatureCheck {
  if (header === null || header.trim() === "") return { ok: false, reason: "missing" };
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: "malformed" };
  const claimed = Buffer.from(match[1], "hex");
  let keyIndex = -1;
  for (const [index, secret] of secrets.entries()) {
    const expected = crypto.createHmac("sha256", secret).update(body).digest();
    if (crypto.timingSafeEqual(expected, claimed) && keyIndex === -1) keyIndex = index;
  }
  return keyIndex === -1 ? { ok: false, reason: "mismatch" } : { ok: true, keyIndex };
}

/** The header value Meta would send for `body` (tests, the simulator, load scripts). */
export function signBody(body: Uint8Array | string, secret: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time equality of two strings (verify token, metrics token). */
export function safeEqual(a: string, b: string): boolean {
  const left = crypto.createHash("sha256").update(a).digest();
  const right = crypto.createHash("sha256").update(b).digest();
  // hashing first gives equal lengths, so the length of the secret does not leak either
  return crypto.timingSafeEqual(left, right) && a.length === b.length;
}
