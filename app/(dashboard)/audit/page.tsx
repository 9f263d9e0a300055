// GET /audit (audit.read: engineers and admins): the append-only audit trail, newest first,
// filtered by tenant, action and actor (kept in the URL), with a CSV export of the same filter.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { AuditLog } from "./_components/audit-log";
import { AUDIT_PAGE_SIZE, readAuditFilters, toAuditInput } from "./_lib/audit-filters";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePermission("audit.read");
  const params = await searchParams;
  const filters = readAuditFilters({ get: (name) => params[name] });
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.tenants.list.queryOptions()),
    queryClient.prefetchQuery(trpc.admin.listAuditActions.queryOptions()),
    queryClient.prefetchInfiniteQuery(
      trpc.admin.listAuditEvents.infiniteQueryOptions(
        { ...toAuditInput(filters), limit: AUDIT_PAGE_SIZE },
        { getNextPageParam: (last) => last.nextCursor ?? undefined },
      ),
    ),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Audit log"
        description="Who did what to tenants, users, sender numbers, messages and API keys, and why: the append-only trail, newest first."
        scopeLabel="Platform"
      />
      <AuditLog key={`${filters.tenantId ?? ""}|${filters.action}|${filters.actor}`} filters={filters} />
    </HydrateClient>
  );
}
