// GET /api/v1/tenant's handler: the API key's own tenant and its sender numbers. A key only ever
// sees its own tenant: the tenant id comes from the authenticated key, never from the request.
// Dependencies come as an argument (get-tenant.ts binds the web runtime's), so tests call it
// with a real database and real Requests.
import { inTenantScope } from "@/server/db/tenant-scope";
import { listSenderNumbers } from "@/server/db/queries/tenants";
import { authenticateRequest, problem } from "./authenticate";
import { verifierOf, type TRestDeps } from "./messages";

export async function handleGetTenant(deps: TRestDeps, request: Request): Promise<Response> {
  const auth = await authenticateRequest(verifierOf(deps), request, deps.now());
  if (!auth.ok) return auth.response;
  const { tenantId } = auth.principal;
  const { tenant, senders } = await inTenantScope(deps.db, [tenantId], async (tx) => ({
    tenant: await tx.tenant.findUnique({
      where: { id: tenantId },
      select: { id: true, slug: true, name: true, status: true },
    }),
    senders: await listSenderNumbers(tx, tenantId),
  }));
  if (!tenant) return problem(404, "not_found", "tenant not found");
  return Response.json({
    tenant,
    senderNumbers: senders.map((s) => ({
      id: s.id,
      phoneNumberId: s.phoneNumberId,
      displayNumber: s.displayNumber,
      label: s.label,
      qualityRating: s.qualityRating,
      messagingLimitTier: s.messagingLimitTier,
      status: s.status,
    })),
  });
}
