// Runs before console pages render: hands the requested path (with its query) to the server
// components as a request header, because a layout cannot see the URL. `requireMe` uses it to
// send a signed-out visitor to /login?callbackUrl=<that page>, so signing in lands where the link
// pointed. No auth decision is made here; /api (webhooks included) never passes through it.
import { NextResponse, type NextRequest } from "next/server";

export const REQUEST_PATH_HEADER = "x-waybill-request-path";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: ["/((?!api/|_next/|login|icon\\.svg|favicon\\.ico).*)"],
};
