// next-auth (v5) configuration: email + password credentials, JWT sessions in an HttpOnly,
// SameSite=Lax cookie (Secure whenever the console is served over HTTPS).
import "server-only";
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { ROLES } from "@/server/domain/access/permissions";
import { attemptLogin } from "@/server/services/login";
import { webRuntime } from "@/server/web/runtime";
import type { TSessionUser } from "./session";

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
});

function clientIp(request: Request): string | null {
  // the first hop of X-Forwarded-For is the client when a trusted proxy sets it
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || null;
}

const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const { env, db } = webRuntime();
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
            { ...parsed.data, ip: clientIp(request) },
            { maxAttempts: env.WAYBILL_LOGIN_MAX_ATTEMPTS, windowSeconds: env.WAYBILL_LOGIN_WINDOW_SECONDS },
            new Date(),
          );
          if (result.ok) return result.user;
          if (result.reason === "throttled") throw new ThrottledSignin();
          return null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.user = ZTokenUserSchema.parse(user);
        return token;
      },
      session({ session, token }) {
        const user = ZTokenUserSchema.safeParse(token.user);
        return { ...session, user: user.success ? user.data : undefined };
      },
    },
  };
});

/** The signed-in user of the current request, or null. */
export async function currentUser(): Promise<TSessionUser | null> {
  const session = await auth();
  const parsed = ZTokenUserSchema.safeParse((session as { user?: unknown } | null)?.user);
  return parsed.success ? parsed.data : null;
}
