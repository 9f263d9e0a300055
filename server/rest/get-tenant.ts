// GET /api/v1/tenant: the API key's own tenant and its sender numbers. A key only ever sees
// its own tenant: the tenant id comes from the authenticated key, never from the request.
import "server-only";
import { listSenderNumbers } from "@/server/db/queries/tenants";
import { authenticateRequest, problem } from "./authenticate";
import { restDeps } from "./web-deps";

export async function getTenant(request: Request): Promise<Response> {
  const { db, apiKeys } = restDeps();
  const auth = await authenticateRequest(apiKeys, request, new Date());
  if (!auth.ok) return auth.response;
  const { tenantId } = auth.principal;
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: { id: true, slug: true, name: true, status: true },
  });
  if (!tenant) return problem(404, "not_found", "tenant not found");
  const senders = await listSenderNumbers(db, tenantId);
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
