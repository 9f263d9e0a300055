// Where to go after signing in. Only same-site paths are accepted, so a crafted
// /login?callbackUrl=https://evil.example link cannot turn the sign-in page into an open redirect.
export function safeCallbackUrl(raw: unknown): string {
  if (typeof raw !== "string") return "/";
  // "//host" and "/\host" are protocol-relative URLs to another site in browsers
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  // back to /login would only loop
  if (raw === "/login" || raw.startsWith("/login?") || raw.startsWith("/login/")) return "/";
  return raw;
}
