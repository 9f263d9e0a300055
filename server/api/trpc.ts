// The tRPC procedure ladder, in one place (CONVENTIONS habit 2):
//   publicProcedure -> authedProcedure -> tenantProcedure -> permission-gated variants.
// Each rung narrows ctx. The inner context takes any session user, so tests build it directly.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type PgBoss from "pg-boss";
import type { TDb } from "@/server/db/client";
import {
  canAccessTenant,
  hasPermission,
  type TPermission,
  type TRole,
} from "@/server/domain/access/permissions";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TSessionUser } from "@/server/auth/session";
import type { TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";

export type TInnerContext = {
  db: TDb;
  secretBox: TSecretBox;
  queue: () => Promise<PgBoss>;
  /** the session's user as the cookie claims it; re-read from the database by authedProcedure */
  sessionUser: TSessionUser | null;
  ip: string | null;
  /** bulk actions on dead letters above this many messages need a second engineer (default 20) */
  bulkApprovalThreshold?: number;
  /** webhook endpoints may use plain http (demo mode); loopback is always allowed */
  allowHttpEndpoints?: boolean;
  /**
   * Set by the web request's context only: the procedures of one request (a page's prefetches,
   * a tRPC batch) share one re-read of the account instead of one each. Without it (tests,
   * scripts holding a context across many calls) every call re-reads.
   */
  sessionCheck?: TSessionCheckMemo;
};

type TSessionCheck = { user: TAuthedUser; actor: TActor };
/** One request's pending or settled session check, shared by every procedure of the request. */
export type TSessionCheckMemo = { current: Promise<TSessionCheck> | null };

export function createSessionCheckMemo(): TSessionCheckMemo {
  return { current: null };
}

export function createInnerContext(input: TInnerContext): TInnerContext {
  return input;
}

const t = initTRPC.context<TInnerContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        // field errors for forms; never stack traces
        fieldErrors: error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : null,
        stack: undefined,
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps expected service failures to tRPC codes; everything else stays a 500. */
const serviceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ServiceError) {
    throw new TRPCError({ code: result.error.cause.code, message: result.error.cause.message });
  }
  return result;
});

export const publicProcedure = t.procedure.use(serviceErrors);

export type TAuthedUser = { id: string; email: string; name: string; role: TRole; tenantId: string | null };

/** The account behind the session, re-read: it still exists, is enabled and the session is live. */
async function checkSession(ctx: TInnerContext, sessionUser: TSessionUser): Promise<TSessionCheck> {
  const user = await ctx.db.user.findUnique({
    where: { id: sessionUser.id },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      tenantId: true,
      disabledAt: true,
      sessionVersion: true,
    },
  });
  if (!user || user.disabledAt) throw new TRPCError({ code: "UNAUTHORIZED", message: "account disabled" });
  // disabled or password changed since this session was issued, or this session signed out
  const claimed = sessionUser.sessionVersion;
  const isRevoked =
    (claimed !== undefined && claimed !== user.sessionVersion) ||
    (sessionUser.sessionId !== undefined &&
      (await ctx.db.revokedSession.findUnique({
        where: { sessionId: sessionUser.sessionId },
        select: { sessionId: true },
      })) !== null);
  if (isRevoked) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "this session has been revoked; sign in again" });
  }
  const actor: TActor = {
    kind: "user",
    id: user.id,
    email: user.email,
    role: user.role,
    tenantId: user.tenantId,
  };
  const { disabledAt: _, sessionVersion: _version, ...authedUser } = user;
  return { user: authedUser satisfies TAuthedUser, actor };
}

/**
 * Signed in, and the account still exists and is enabled: checked against the database on every
 * call, or once per web request when its context carries a memo (a page prefetching eight
 * procedures read the account eight times, two statements each, before it was shared).
 */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const sessionUser = ctx.sessionUser;
  if (!sessionUser) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  const memo = ctx.sessionCheck;
  let check: Promise<TSessionCheck>;
  if (memo) {
    memo.current ??= checkSession(ctx, sessionUser);
    check = memo.current;
  } else {
    check = checkSession(ctx, sessionUser);
  }
  const { user, actor } = await check;
  return next({ ctx: { user, actor } });
});

export function requirePermission(user: TAuthedUser, permission: TPermission): void {
  if (!hasPermission(user.role, permission)) {
    throw new TRPCError({ code: "FORBIDDEN", message: `your role (${user.role}) cannot ${permission}` });
  }
}

/** Authenticated and holding `permission`; for platform-level actions. */
export function permissionProcedure(permission: TPermission) {
  return authedProcedure.use(({ ctx, next }) => {
    requirePermission(ctx.user, permission);
    return next();
  });
}

export const ZTenantInputSchema = z.object({ tenantId: z.uuid() });

/**
 * Scoped to one tenant named by the input's `tenantId`. A tenant admin may only name its own
 * tenant (FORBIDDEN otherwise, whether or not the other tenant exists, so ids cannot be probed);
 * cross-tenant roles may name any existing tenant. Downstream code reads `ctx.tenant.id`.
 * Runs as the connecting role: see the comment in the middleware and ADR 013.
 */
export const tenantProcedure = authedProcedure.input(ZTenantInputSchema).use(async ({ ctx, input, next }) => {
  if (!canAccessTenant(ctx.user, input.tenantId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "this tenant is outside your access" });
  }
  const tenant = await ctx.db.tenant.findUnique({
    where: { id: input.tenantId },
    select: { id: true, slug: true, name: true, status: true },
  });
  if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "no such tenant" });
  // Console reads stay on the connecting role, not in the row-level-security scope: under a
  // policy PostgreSQL may not use an index on an expression whose function is not leakproof
  // (reverse(recipient), the search by number), so it filters every row of the tenant instead
  // (measured at 10,000,000 events: 1 ms became 200-260 ms, growing with the tenant). The REST
  // API's reads, all by key, run in the scope (ADR 013).
  return next({ ctx: { tenant } });
});

/** Tenant-scoped and holding `permission`. */
export function tenantPermissionProcedure(permission: TPermission) {
  return tenantProcedure.use(({ ctx, next }) => {
    requirePermission(ctx.user, permission);
    return next();
  });
}
