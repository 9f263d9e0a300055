// GET /admin/audit: the platform audit trail, newest first, filterable by tenant and action (admin only).
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { AuditLog } from "./_components/audit-log";

export const metadata: Metadata = { title: "Audit log" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TSearchParams = Promise<{ tenant?: string | string[]; action?: string | string[] }>;

export default async function AdminAuditPage({ searchParams }: { searchParams: TSearchParams }) {
  await requireAdmin();
  const params = await searchParams;
  // malformed filters are dropped rather than sent to the API to fail validation
  const tenantId = typeof params.tenant === "string" && UUID.test(params.tenant) ? params.tenant : null;
  const action = typeof params.action === "string" ? params.action.trim().slice(0, 100) : "";
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.tenants.list.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.listAuditActions.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Audit log"
        description="Who did what to tenants, users, sender numbers and API keys, and why: the append-only trail, newest first."
      />
      <AuditLog key={`${tenantId ?? ""}|${action}`} tenantId={tenantId} action={action} />
    </HydrateClient>
  );
}
