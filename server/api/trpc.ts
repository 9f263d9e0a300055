// The tRPC procedure ladder, in one place (CONVENTIONS habit 2):
//   publicProcedure -> authedProcedure -> tenantProcedure | tenantScopeProcedure
//   -> permission-gated variants.
// Each rung narrows ctx. The inner context takes any session user, so tests build it directly.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type PgBoss from "pg-boss";
import type { TDb } from "@/server/db/client";
import { listVisibleTenants } from "@/server/db/queries/tenants";
import { inTenantScope, type TScopeIsolation } from "@/server/db/tenant-scope";
import {
  canAccessTenant,
  hasPermission,
  isCrossTenantRole,
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

/**
 * What the tenant wall test reads off each procedure (whether it takes the scope input), and the
 * isolation a procedure's tenant scope opens with when its service needs a consistent snapshot
 * across statements (default: read committed).
 */
export type TProcedureMeta = { isTenantScoped?: boolean; scopeIsolation?: TScopeIsolation };

const t = initTRPC
  .context<TInnerContext>()
  .meta<TProcedureMeta>()
  .create({
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

export type TScopedTenant = Pick<
  Awaited<ReturnType<typeof listVisibleTenants>>[number],
  "id" | "slug" | "name" | "status"
>;

/**
 * The tenants a caller may read at once: one named tenant, or "all" (every tenant, for
 * cross-tenant roles only). A tenant admin naming another tenant, or asking for "all", is
 * FORBIDDEN whether or not the tenant exists, so ids cannot be probed; a cross-tenant role naming
 * a tenant that does not exist gets NOT_FOUND. The one place this wall is decided.
 */
export async function resolveTenantScope(
  db: TDb,
  user: TAuthedUser,
  scope: { tenantId: string } | "all",
): Promise<TScopedTenant[]> {
  if (scope === "all") {
    if (!isCrossTenantRole(user.role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "all tenants at once is for cross-tenant roles" });
    }
    const tenants = await listVisibleTenants(db, user);
    return tenants.map(({ id, slug, name, status }) => ({ id, slug, name, status }));
  }
  if (!canAccessTenant(user, scope.tenantId)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "this tenant is outside your access" });
  }
  const tenant = await db.tenant.findUnique({
    where: { id: scope.tenantId },
    select: { id: true, slug: true, name: true, status: true },
  });
  if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "no such tenant" });
  return [tenant];
}

/**
 * Scoped to one tenant named by the input's `tenantId`, under the wall of resolveTenantScope.
 * Downstream code reads `ctx.tenant.id`. Queries and mutations run in the tenant scope
 * (tenantProcedure, below).
 */
const tenantCheckedProcedure = authedProcedure.input(ZTenantInputSchema).use(async ({ ctx, input, next }) => {
  const [tenant] = await resolveTenantScope(ctx.db, ctx.user, { tenantId: input.tenantId });
  if (!tenant) throw new TRPCError({ code: "NOT_FOUND", message: "no such tenant" });
  return next({ ctx: { tenant } });
});

/**
 * The tenant rung: a procedure, query or mutation, runs in the row-level-security scope of its
 * tenant, as waybill_app, the policies showing and accepting only that tenant's rows whatever a
 * query function's own filter says (ADR 013). `ctx.db` is the scope's transaction, and a service
 * that opens its own (`db.$transaction`) runs its body in it (scopedClient): a mutation is one
 * transaction, committed when the procedure returns. No tenant-rung mutation calls out (HTTP,
 * email, pg-boss) inside it: what reaches a tenant's endpoint or channel is an outbox row the
 * worker sends after the commit. The console's reads keep their indexes in the scope: their
 * conditions compare plain columns with LEAKPROOF operators, or name a partial index's predicate
 * (the search by number reads a stored reversed column, the stalled list a per-state index).
 */
export const tenantProcedure = tenantCheckedProcedure.use(({ ctx, meta, next }) =>
  inTenantScope(ctx.db, [ctx.tenant.id], (tx) => next({ ctx: { db: tx } }), {
    isolation: meta?.scopeIsolation,
  }),
);

/** Tenant-scoped and holding `permission`. */
export function tenantPermissionProcedure(permission: TPermission) {
  return tenantProcedure.use(({ ctx, next }) => {
    requirePermission(ctx.user, permission);
    return next();
  });
}

/**
 * The scope of a read that works on one tenant or on all of them: `{ tenantId }` or
 * `{ scope: "all" }`, never both (an input naming both is refused rather than guessed at).
 */
export const ZTenantScopeInputSchema = z.union([
  z.object({ tenantId: z.uuid(), scope: z.undefined().optional() }),
  z.object({ scope: z.literal("all"), tenantId: z.undefined().optional() }),
]);
export type TTenantScopeInput = z.input<typeof ZTenantScopeInputSchema>;

/**
 * Reads over one tenant or every tenant, by the input's scope (ZTenantScopeInputSchema), under
 * the wall of resolveTenantScope. Downstream code reads `ctx.tenantIds` (and `ctx.tenants` for
 * names) and passes the ids into the query, which filters `tenant_id = ANY(ids)` or runs once per
 * tenant: "all" is resolved here to explicit ids rather than passed down as a marker, so no
 * query has a path without a tenant filter and each keeps using its (tenant_id, ...) index
 * (ADR 014).
 */
export const tenantScopeProcedure = authedProcedure
  .meta({ isTenantScoped: true })
  .input(ZTenantScopeInputSchema)
  .use(async ({ ctx, input, meta, next }) => {
    const tenants = await resolveTenantScope(
      ctx.db,
      ctx.user,
      input.scope === "all" ? "all" : { tenantId: input.tenantId },
    );
    const tenantIds = tenants.map((tenant) => tenant.id);
    // One named tenant: the procedure runs in its row-level-security scope, as tenantProcedure's
    // do. "all" is for cross-tenant roles, which may read every tenant: a scope listing every
    // tenant would hold nothing back, so those run as the connecting role.
    return input.scope !== "all"
      ? inTenantScope(ctx.db, tenantIds, (tx) => next({ ctx: { db: tx, tenants, tenantIds } }), {
          isolation: meta?.scopeIsolation,
        })
      : next({ ctx: { tenants, tenantIds } });
  });

/** One tenant or all of them, and holding `permission`. */
export function tenantScopePermissionProcedure(permission: TPermission) {
  return tenantScopeProcedure.use(({ ctx, next }) => {
    requirePermission(ctx.user, permission);
    return next();
  });
}
