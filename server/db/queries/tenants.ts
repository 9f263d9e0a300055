// Tenant-scoped reads for the console. Every function that reads tenant-owned rows takes the
// tenant id and puts it in `where` (CONVENTIONS habit 3).
import type { TDb, TDbTx } from "@/server/db/client";
import { isCrossTenantRole, type TPrincipal } from "@/server/domain/access/permissions";

/** The tenants a principal may see: all for cross-tenant roles, its own for a tenant admin. */
export function listVisibleTenants(db: TDb, principal: TPrincipal) {
  return db.tenant.findMany({
    where: isCrossTenantRole(principal.role)
      ? {}
      : { id: principal.tenantId ?? "00000000-0000-0000-0000-000000000000" },
    select: { id: true, slug: true, name: true, status: true, createdAt: true },
    orderBy: { name: "asc" },
  });
}

export function listSenderNumbers(db: TDbTx, tenantId: string) {
  return db.senderNumber.findMany({
    where: { tenantId },
    select: {
      id: true,
      tenantId: true,
      wabaId: true,
      phoneNumberId: true,
      displayNumber: true,
      label: true,
      qualityRating: true,
      messagingLimitTier: true,
      status: true,
      createdAt: true,
    },
    orderBy: { displayNumber: "asc" },
  });
}

export function listApiKeys(db: TDb, tenantId: string) {
  return db.apiKey.findMany({
    where: { tenantId },
    select: {
      id: true,
      tenantId: true,
      name: true,
      hint: true,
      createdByLabel: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      revokedByLabel: true,
    },
    orderBy: { createdAt: "desc" },
  });
}
