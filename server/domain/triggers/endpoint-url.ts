// Which URLs an endpoint may have. HTTPS always; plain http only in demo mode or to a loopback
// address (tests and local receivers), so a production secret never travels in clear text.
// Private-network targets over https are allowed: tenants may run receivers on their own networks.
export type TUrlPolicy = { allowHttp: boolean };

export function checkEndpointUrl(
  raw: string,
  policy: TUrlPolicy,
): { ok: true; url: string } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials" };
  if (url.protocol === "https:") return { ok: true, url: url.toString() };
  if (url.protocol !== "http:") return { ok: false, reason: "must be an https:// URL" };
  if (policy.allowHttp || isLoopback(url.hostname)) return { ok: true, url: url.toString() };
  return { ok: false, reason: "must be an https:// URL (http only for loopback or in demo mode)" };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}
