// The scope input of the reads that serve one tenant or all of them (the ladder's
// tenantScopeProcedure): a page's tenant, or "all" on /t/all/... .
import type { TTenantScopeInput } from "@/server/api/trpc";

type TScopeLike =
  { kind: "all" } | { kind: "tenant"; tenantId: string } | { kind: "tenant"; tenant: { id: string } };

export function scopeInput(scope: TScopeLike): TTenantScopeInput {
  if (scope.kind === "all") return { scope: "all" };
  return { tenantId: "tenantId" in scope ? scope.tenantId : scope.tenant.id };
}
