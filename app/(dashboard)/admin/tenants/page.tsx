// GET /admin/tenants: every tenant, and the form that creates one (admin only).
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { NewTenantForm } from "./_components/new-tenant-form";
import { TenantsTable } from "./_components/tenants-table";

export const metadata: Metadata = { title: "Tenants" };

export default async function AdminTenantsPage() {
  await requireAdmin();
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  await getQueryClient().prefetchQuery(trpc.tenants.list.queryOptions());
  return (
    <HydrateClient>
      <PageHeader
        title="Tenants"
        description="The businesses that send WhatsApp messages through Waybill. Open a tenant to manage its sender numbers and API keys."
      />
      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <TenantsTable />
        </div>
        <NewTenantForm />
      </div>
    </HydrateClient>
  );
}
