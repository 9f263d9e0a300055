// next-auth (v5) configuration: email + password credentials, JWT sessions in an HttpOnly,
// SameSite=Lax cookie (Secure whenever the console is served over HTTPS).
import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cache } from "react";
import { z } from "zod";
import { ROLES } from "@/server/domain/access/permissions";
import { attemptLogin } from "@/server/services/login";
import { isSessionLive, revokeSession } from "@/server/services/users";
import { webRuntime } from "@/server/web/runtime";
import { isWithinAbsoluteLifetime, type TSessionUser } from "./session";

class ThrottledSignin extends CredentialsSignin {
  override code = "throttled";
}

const ZCredentialsSchema = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});
const ZTokenUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  tenantId: z.string().nullable(),
  // required: a cookie from before session versions existed is not accepted
  sessionVersion: z.number().int(),
  sessionId: z.uuid(),
});

const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const { env, db, clientIp } = webRuntime();
  const isHttps = (process.env.AUTH_URL ?? "").startsWith("https://");
  return {
    secret: env.AUTH_SECRET,
    trustHost: true,
    useSecureCookies: isHttps,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
        async authorize(raw, request) {
          const parsed = ZCredentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const result = await attemptLogin(
            db,
            { ...parsed.data, ip: clientIp(request.headers) },
            {
              maxAttempts: env.WAYBILL_LOGIN_MAX_ATTEMPTS,
              windowSeconds: env.WAYBILL_LOGIN_WINDOW_SECONDS,
              accountMaxFailures: env.WAYBILL_LOGIN_ACCOUNT_MAX_FAILURES,
            },
            new Date(),
          );
          if (result.ok) return result.user;
          if (result.reason === "throttled") throw new ThrottledSignin();
          return null;
        },
      }),
    ],
    callbacks: {
      // Runs on sign-in and whenever a session is read or refreshed (/api/auth/session re-issues
      // the cookie with a fresh maxAge). Returning null ends the session: past its absolute
      // lifetime, or when the user's session version moved on (signed out, disabled, password
      // changed), so a copied cookie stops working instead of being refreshed forever.
      async jwt({ token, user }) {
        const nowSeconds = Math.floor(Date.now() / 1000);
        if (user) {
          token.user = ZTokenUserSchema.parse({ ...user, sessionId: crypto.randomUUID() });
          token.authAt = nowSeconds;
          return token;
        }
        const current = ZTokenUserSchema.safeParse(token.user);
        const authAt = typeof token.authAt === "number" ? token.authAt : 0;
        if (
          !current.success ||
          !isWithinAbsoluteLifetime(authAt, nowSeconds, env.WAYBILL_SESSION_ABSOLUTE_HOURS)
        )
          return null;
        const isLive = await isSessionLive(db, {
          userId: current.data.id,
          sessionVersion: current.data.sessionVersion,
          sessionId: current.data.sessionId,
        });
        return isLive ? token : null;
      },
      session({ session, token }) {
        const user = ZTokenUserSchema.safeParse(token.user);
        return { ...session, user: user.success ? user.data : undefined };
      },
    },
  };
});

/**
 * The signed-in user of the current request, or null. Read once per server render: each read
 * decrypts the session cookie and checks that the session is live (two statements), and a page's
 * layout, its access check and its tRPC context all ask.
 */
export const currentUser = cache(async (): Promise<TSessionUser | null> => {
  const session = await auth();
  const parsed = ZTokenUserSchema.safeParse((session as { user?: unknown } | null)?.user);
  return parsed.success ? parsed.data : null;
});

/** Signs out: this session's id is refused from now on (a copy of the cookie dies with it). */
export async function signOutSession(requestHeaders: Headers): Promise<void> {
  const session = await auth();
  const parsed = ZTokenUserSchema.safeParse((session as { user?: unknown } | null)?.user);
  if (parsed.success) {
    const { db, clientIp, env } = webRuntime();
    const user = parsed.data;
    await revokeSession(
      db,
      { kind: "user", id: user.id, email: user.email, role: user.role, tenantId: user.tenantId },
      {
        userId: user.id,
        sessionId: user.sessionId,
        // no later than the absolute lifetime from now: past it the session is refused anyway
        expiresAt: new Date(Date.now() + env.WAYBILL_SESSION_ABSOLUTE_HOURS * 3_600_000),
        ip: clientIp(requestHeaders),
      },
    );
  }
  await signOut({ redirectTo: "/login" });
}
