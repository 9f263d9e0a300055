// The console's Content-Security-Policy (nonce-based, as Next.js documents it) and HSTS. The nonce
// is new for every request; Next.js reads it from the request's CSP header and puts it on its own
// scripts, so only scripts this response rendered can run ('strict-dynamic' lets them load their
// chunks). Styles keep 'unsafe-inline': charts and components set style attributes, and a style
// cannot run code.

export function contentSecurityPolicy(input: { nonce: string; isDev: boolean; isHttps: boolean }): string {
  const directives = [
    "default-src 'self'",
    // dev mode's React Refresh evaluates code
    `script-src 'self' 'nonce-${input.nonce}' 'strict-dynamic'${input.isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(input.isHttps ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Two years, subdomains included; only ever sent when the console is served over https. */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
