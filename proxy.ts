// Runs before console pages (and /login) render:
//   - hands the requested path (with its query) to the server components as a request header,
//     because a layout cannot see the URL. `requireMe` uses it to send a signed-out visitor to
//     /login?callbackUrl=<that page>, so signing in lands where the link pointed;
//   - sets the Content-Security-Policy with a fresh nonce (Next.js puts it on its scripts) and,
//     when the console is served over https (AUTH_URL), Strict-Transport-Security.
// No auth decision is made here; /api (webhooks included) never passes through it.
import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, HSTS_VALUE, newNonce } from "@/server/platform/security-headers";

export const REQUEST_PATH_HEADER = "x-waybill-request-path";

export function proxy(request: NextRequest) {
  const isHttps = (process.env.AUTH_URL ?? "").startsWith("https://");
  const csp = contentSecurityPolicy({
    nonce: newNonce(),
    isDev: process.env.NODE_ENV === "development",
    isHttps,
  });
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  if (isHttps) response.headers.set("strict-transport-security", HSTS_VALUE);
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon\\.svg|favicon\\.ico).*)"],
};
