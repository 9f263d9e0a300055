// GET /t/[scope]/health: sender-number health (quality, messaging limit, status) for a tenant.
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { TenantStatusBadge } from "../../../_components/sender-badges";
import { requireMe, resolveScope } from "../../../_lib/session";
import { SenderHealthTable } from "./_components/sender-health-table";

export const metadata: Metadata = { title: "Number health" };

const DESCRIPTION =
  "Whether each WhatsApp sender number can keep sending: Meta's quality rating, its messaging-limit tier and its connection status. For tenant admins and engineers watching for throttling before it bites.";

export default async function NumberHealthPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await resolveScope((await params).scope);

  if (scope.kind === "all") {
    // one overview per tenant would be N requests; the cross-tenant view picks a tenant first
    const me = await requireMe();
    return (
      <>
        <PageHeader title="Number health" description={DESCRIPTION} scopeLabel={scope.label} />
        {me.tenants.length === 0 ? (
          <EmptyState
            title="No tenants yet"
            description="Sender numbers belong to tenants; none exist yet."
          />
        ) : (
          <Card
            title="Choose a tenant"
            description="Sender numbers are listed per tenant. A cross-tenant health overview comes with the Heatmaps release."
            bodyClassName="p-0"
          >
            <Table label="Tenants">
              <THead>
                <tr>
                  <TH>Tenant</TH>
                  <TH>Slug</TH>
                  <TH>Status</TH>
                </tr>
              </THead>
              <TBody>
                {me.tenants.map((t) => (
                  <TR key={t.id}>
                    <TD>
                      <Link
                        href={`/t/${encodeURIComponent(t.slug)}/health`}
                        className="font-medium text-accent-700 hover:underline"
                      >
                        {t.name}
                      </Link>
                    </TD>
                    <TD className="font-mono text-xs text-zinc-600">{t.slug}</TD>
                    <TD>
                      <TenantStatusBadge status={t.status} />
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </Card>
        )}
      </>
    );
  }

  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  await getQueryClient().prefetchQuery(trpc.tenants.overview.queryOptions({ tenantId: scope.tenant.id }));
  return (
    <HydrateClient>
      <PageHeader title="Number health" description={DESCRIPTION} scopeLabel={scope.label} />
      <SenderHealthTable tenantId={scope.tenant.id} tenantName={scope.tenant.name} />
    </HydrateClient>
  );
}
