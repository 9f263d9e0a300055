// Server-side access checks for the console's layouts and pages. The tRPC procedures enforce
// the same rules on every call; these exist so a page the user may not open is never rendered.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import type { TPermission } from "@/server/domain/access/permissions";
import { currentUser } from "@/server/auth/config";
import { REQUEST_PATH_HEADER } from "@/proxy";
import { getQueryClient, trpc } from "@/trpc/server";

/**
 * me.get for this request, fetched through the request's query client so the shell's
 * <HydrateClient> hands the same result to the browser. Redirects to /login when the cookie is
 * missing, or when the API no longer accepts it (account disabled or deleted).
 */
export const requireMe = cache(async () => {
  if (!(await currentUser())) redirect(await loginUrl(null));
  try {
    return await getQueryClient().fetchQuery(trpc.me.get.queryOptions(undefined, { retry: false }));
  } catch (error) {
    if ((error as { code?: unknown }).code === "UNAUTHORIZED") redirect(await loginUrl("session"));
    throw error;
  }
});

/** /login, returning to the page that was asked for (the path proxy.ts recorded) after sign-in. */
async function loginUrl(reason: "session" | null): Promise<string> {
  const query = new URLSearchParams();
  if (reason) query.set("reason", reason);
  const requested = (await headers()).get(REQUEST_PATH_HEADER);
  if (requested && requested !== "/") query.set("callbackUrl", requested);
  const qs = query.toString();
  return qs ? `/login?${qs}` : "/login";
}

export type TMe = Awaited<ReturnType<typeof requireMe>>;

/** 404 unless the signed-in user's role is admin (the console's platform administration). */
export async function requireAdmin(): Promise<TMe> {
  const me = await requireMe();
  if (me.user.role !== "admin") notFound();
  return me;
}

/** 404 unless the signed-in user holds `permission`. */
export async function requirePermission(permission: TPermission): Promise<TMe> {
  const me = await requireMe();
  if (!me.permissions.includes(permission)) notFound();
  return me;
}

/** Where "/" sends a user: their own tenant for a tenant admin, all tenants otherwise. */
export function defaultScope(me: TMe): string | null {
  if (me.isCrossTenant) return "all";
  return me.tenants[0]?.slug ?? null;
}

export type TScope =
  | { kind: "all"; slug: "all"; label: string }
  | { kind: "tenant"; slug: string; label: string; tenant: TMe["tenants"][number] };

/**
 * The tenant wall for /t/[scope]/...: `all` for cross-tenant roles only, otherwise a slug among
 * the tenants me.get returns for this user. Anything else is a 404, whether the tenant does
 * not exist or belongs to someone else, so slugs cannot be probed.
 */
export const resolveScope = cache(async (scope: string): Promise<TScope> => {
  const me = await requireMe();
  if (scope === "all") {
    if (!me.isCrossTenant) notFound();
    return { kind: "all", slug: "all", label: "All tenants" };
  }
  const tenant = me.tenants.find((t) => t.slug === scope);
  if (!tenant) notFound();
  return { kind: "tenant", slug: tenant.slug, label: tenant.name, tenant };
});
