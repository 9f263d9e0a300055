// GET /t/[scope]/webhooks: a tenant's outbound webhook endpoints, what they subscribe to, recent
// deliveries with every attempt, test-send and redelivery (tenant admins and admins manage).
import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { resolveScope } from "../../../_lib/session";
import { WebhooksView } from "./_components/webhooks-view";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ scope: string }> }) {
  const scope = await params.then((p) => resolveScope(p.scope));
  const description =
    "Business events (delivered, read, failed, alerts...) posted to your endpoints, signed with Standard Webhooks, retried for about a day.";
  if (scope.kind !== "tenant") {
    return (
      <>
        <PageHeader title="Webhooks" description={description} scopeLabel={scope.label} />
        <EmptyState
          title="Pick a tenant"
          description="Endpoints belong to one tenant: choose it in the tenant switcher."
        />
      </>
    );
  }
  const tenantId = scope.tenant.id;
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.webhooks.list.queryOptions({ tenantId })),
    queryClient.prefetchQuery(trpc.webhooks.deliveries.queryOptions({ tenantId, limit: 30 })),
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Webhooks" description={description} scopeLabel={scope.label} />
      <WebhooksView tenantId={tenantId} />
    </HydrateClient>
  );
}
