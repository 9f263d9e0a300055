// /t/[scope]/*: the tenant wall. Resolves the scope (a visible tenant's slug, or `all` for
// cross-tenant roles) before any tenant page renders; anything else is a 404.
import type { ReactNode } from "react";
import { resolveScope } from "../../_lib/session";

export default async function ScopeLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ scope: string }>;
}) {
  const { scope } = await params;
  await resolveScope(scope);
  return children;
}
