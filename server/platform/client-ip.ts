// The client's IP address for throttling and the audit trail. `X-Forwarded-For` is written by
// whoever sends the request, so it is believed only as far as it was appended by proxies we run
// (WAYBILL_TRUSTED_PROXIES: addresses and CIDR ranges): walk the chain from the right (the TCP
// peer, then each hop a proxy appended) and take the first address that is not a trusted proxy.
// Without trusted proxies, or when the peer itself is not one, the peer's address is the answer
// and the header is ignored. Used by the Next.js routes (peer address from PEER_ADDRESS_HEADER,
// set by the web server for every request) and by plain node:http listeners (the socket's).
import net from "node:net";

/** Set by scripts/web-server.mjs on every request from the socket; a client's copy is overwritten. */
export const PEER_ADDRESS_HEADER = "x-waybill-peer-address";

export type TTrustedProxies = { readonly list: net.BlockList; readonly isEmpty: boolean };

/** Plain addresses, IPv4-mapped IPv6 as IPv4; null when not an IP address. */
export function normalizeAddress(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"));
  if (value.toLowerCase().startsWith("::ffff:") && net.isIPv4(value.slice(7))) value = value.slice(7);
  return net.isIP(value) ? value : null;
}

/**
 * Parses WAYBILL_TRUSTED_PROXIES: comma-separated addresses and CIDR ranges ("10.0.0.0/8",
 * "::1"). Throws on an entry that is neither, so a typo stops the process at start-up.
 */
export function parseTrustedProxies(raw: string | readonly string[] | undefined): TTrustedProxies {
  const entries = (typeof raw === "string" ? raw.split(",") : (raw ?? []))
    .map((e) => e.trim())
    .filter(Boolean);
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    const family = net.isIPv4(address ?? "") ? "ipv4" : net.isIPv6(address ?? "") ? "ipv6" : null;
    if (!address || !family) throw new Error(`not an IP address or CIDR range: ${entry}`);
    if (prefix === undefined) {
      list.addAddress(address, family);
      continue;
    }
    const bits = Number(prefix);
    if (!/^[0-9]+$/.test(prefix) || bits > (family === "ipv4" ? 32 : 128))
      throw new Error(`not an IP address or CIDR range: ${entry}`);
    list.addSubnet(address, bits, family);
  }
  return { list, isEmpty: entries.length === 0 };
}

function isTrusted(address: string, trusted: TTrustedProxies): boolean {
  return !trusted.isEmpty && trusted.list.check(address, net.isIPv4(address) ? "ipv4" : "ipv6");
}

/**
 * The client's address: the peer unless the peer is a trusted proxy, then the rightmost hop of
 * `X-Forwarded-For` that is not one. Null when the peer is unknown (nothing is believed then).
 */
export function clientIpOf(
  request: { forwardedFor: string | null | undefined; peerAddress: string | null | undefined },
  trusted: TTrustedProxies,
): string | null {
  const peer = normalizeAddress(request.peerAddress);
  if (peer === null) return null;
  if (!isTrusted(peer, trusted)) return peer;
  const hops = (request.forwardedFor ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  let nearest = peer;
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    const hop = normalizeAddress(hops[i]);
    // garbage appended behind a trusted proxy: the nearest address we can vouch for
    if (hop === null) return nearest;
    if (!isTrusted(hop, trusted)) return hop;
    nearest = hop;
  }
  return nearest;
}

/** For web `Headers` (Next.js routes): the peer address comes from PEER_ADDRESS_HEADER. */
export function clientIpOfHeaders(headers: Headers, trusted: TTrustedProxies): string | null {
  return clientIpOf(
    { forwardedFor: headers.get("x-forwarded-for"), peerAddress: headers.get(PEER_ADDRESS_HEADER) },
    trusted,
  );
}
