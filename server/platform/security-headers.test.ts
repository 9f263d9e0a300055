// The CSP allows only this response's scripts (nonce), and HSTS-related upgrades only over https.
import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "./security-headers";

describe("contentSecurityPolicy", () => {
  it("allows scripts by nonce only, forbids framing and plugins", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", isDev: false, isHttps: false });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("upgrade-insecure-requests");
    expect(contentSecurityPolicy({ nonce: "n", isDev: false, isHttps: true })).toContain(
      "upgrade-insecure-requests",
    );
  });

  it("uses a fresh nonce each time", () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
