// Where to go after signing in. Only same-origin paths are accepted, so a crafted
// /login?callbackUrl=... link cannot turn the sign-in page into an open redirect. The value is
// parsed the way a browser resolves a Location header (new URL against our origin) and only its
// path, query and fragment are kept: "//evil", "/\evil" and "/\t/evil" (browsers drop tabs and
// newlines, leaving "//evil") all resolve off-site and are refused. Control characters are
// refused outright: one in a Location header is an invalid response (a 500), not a redirect.
const ORIGIN = "http://waybill.invalid";

export function safeCallbackUrl(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return "/";
  // C0 controls, DEL and C1 controls (tab, newline, NUL ...)
  if (/[\u0000-\u001f\u007f-\u009f]/.test(raw)) return "/";
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  let url: URL;
  try {
    url = new URL(raw, ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== ORIGIN) return "/";
  const target = `${url.pathname}${url.search}${url.hash}`;
  // resolved again, the kept part must stay here too (e.g. a path normalised to "//host")
  if (target.startsWith("//") || target.startsWith("/\\")) return "/";
  // back to /login would only loop
  if (url.pathname === "/login" || url.pathname.startsWith("/login/")) return "/";
  return target;
}
