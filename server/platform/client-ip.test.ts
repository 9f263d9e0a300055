// X-Forwarded-For is believed only as far as our own proxies appended it.
import { describe, expect, it } from "vitest";
import { clientIpOf, parseTrustedProxies } from "./client-ip";

const none = parseTrustedProxies("");
const proxies = parseTrustedProxies("10.0.0.0/8, 192.0.2.7, ::1");

describe("clientIpOf", () => {
  it("ignores X-Forwarded-For without trusted proxies: the peer is the client", () => {
    expect(clientIpOf({ forwardedFor: "203.0.113.9", peerAddress: "198.51.100.4" }, none)).toBe(
      "198.51.100.4",
    );
    expect(clientIpOf({ forwardedFor: "203.0.113.9", peerAddress: "::ffff:198.51.100.4" }, none)).toBe(
      "198.51.100.4",
    );
  });

  it("ignores it from a peer that is not a trusted proxy", () => {
    expect(clientIpOf({ forwardedFor: "1.2.3.4", peerAddress: "198.51.100.4" }, proxies)).toBe(
      "198.51.100.4",
    );
  });

  it("takes the rightmost hop our proxies did not append", () => {
    // the client put 1.2.3.4 in front; our proxies appended 203.0.113.9 and 10.1.1.1
    expect(
      clientIpOf({ forwardedFor: "1.2.3.4, 203.0.113.9, 10.1.1.1", peerAddress: "192.0.2.7" }, proxies),
    ).toBe("203.0.113.9");
    expect(clientIpOf({ forwardedFor: "203.0.113.9", peerAddress: "::1" }, proxies)).toBe("203.0.113.9");
  });

  it("stops at garbage behind a trusted proxy, and knows nothing without a peer", () => {
    expect(clientIpOf({ forwardedFor: "not-an-ip, 10.2.2.2", peerAddress: "10.0.0.1" }, proxies)).toBe(
      "10.2.2.2",
    );
    expect(clientIpOf({ forwardedFor: "203.0.113.9", peerAddress: null }, proxies)).toBeNull();
    expect(clientIpOf({ forwardedFor: null, peerAddress: "10.0.0.1" }, proxies)).toBe("10.0.0.1");
  });

  it("refuses a malformed proxy list", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow(/CIDR/);
    expect(() => parseTrustedProxies("proxy.internal")).toThrow(/CIDR/);
  });
});
