// GET /admin/tenants/[tenantId]: one tenant's sender numbers and API keys (admin only).
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { TenantStatusBadge } from "@/app/(dashboard)/_components/sender-badges";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { ApiKeysSection } from "./_components/api-keys-section";
import { SenderNumbersSection } from "./_components/sender-numbers-section";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TParams = Promise<{ tenantId: string }>;

export async function generateMetadata({ params }: { params: TParams }): Promise<Metadata> {
  const { tenantId } = await params;
  if (!UUID.test(tenantId)) return { title: "Tenant" };
  try {
    // same request-scoped query client as the page, so this is one database read, not two
    const { tenant } = await getQueryClient().fetchQuery(
      trpc.tenants.overview.queryOptions({ tenantId }, { retry: false }),
    );
    return { title: `${tenant.name} · Tenants` };
  } catch {
    return { title: "Tenant" };
  }
}

export default async function AdminTenantPage({ params }: { params: TParams }) {
  await requireAdmin();
  const { tenantId } = await params;
  if (!UUID.test(tenantId)) notFound();
  const queryClient = getQueryClient();
  let overview;
  try {
    overview = await queryClient.fetchQuery(
      trpc.tenants.overview.queryOptions({ tenantId }, { retry: false }),
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") notFound();
    throw error;
  }
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  await queryClient.prefetchQuery(trpc.admin.listApiKeys.queryOptions({ tenantId }));
  const { tenant } = overview;
  return (
    <HydrateClient>
      <p className="mb-2 text-xs">
        <Link href="/admin/tenants" className="text-zinc-500 hover:text-zinc-900 hover:underline">
          ← All tenants
        </Link>
      </p>
      <PageHeader
        title={tenant.name}
        description="Sender numbers the tenant sends from, and the API keys its systems authenticate with."
        actions={
          <Link
            href={`/t/${encodeURIComponent(tenant.slug)}/messages`}
            className={buttonClasses("secondary", "sm")}
          >
            Open in console
          </Link>
        }
      >
        <p className="mt-2 flex flex-wrap items-center gap-2 text-xs text-zinc-500">
          <TenantStatusBadge status={tenant.status} />
          <span>
            Slug <span className="font-mono text-zinc-700">{tenant.slug}</span>
          </span>
          <span aria-hidden="true">·</span>
          <span>
            ID <span className="font-mono text-zinc-700">{tenant.id}</span>
          </span>
        </p>
      </PageHeader>
      <div className="flex flex-col gap-6">
        <SenderNumbersSection tenantId={tenant.id} />
        <ApiKeysSection tenantId={tenant.id} tenantName={tenant.name} />
      </div>
    </HydrateClient>
  );
}
