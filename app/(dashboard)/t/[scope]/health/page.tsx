// GET /t/[scope]/health: number health over a window: per sender number of a tenant (or every
// tenant side by side, for cross-tenant roles), served from the insights rollups.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { resolveScope } from "../../../_lib/session";
import { readInsightParams, toWindowInput } from "../_components/insight-params";
import { WindowTabs } from "../_components/window-tabs";
import { NumberHealth } from "./_components/number-health";
import { TenantsHealth } from "./_components/tenants-health";
import { UnhealthyNumbers } from "./_components/unhealthy-numbers";

export const metadata: Metadata = { title: "Number health" };

const DESCRIPTION =
  "Whether each WhatsApp sender number can keep sending: how its messages fared, why they failed, how fast they arrive, and Meta's quality rating and messaging limit over time.";

export default async function NumberHealthPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const scope = await resolveScope((await params).scope);
  const insight = readInsightParams(await searchParams);
  const path = `/t/${encodeURIComponent(scope.slug)}/health`;
  const queryClient = getQueryClient();
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  if (scope.kind === "all") {
    await Promise.all([
      queryClient.prefetchQuery(
        trpc.insights.tenantsOverview.queryOptions({ scope: "all", ...toWindowInput(insight) }),
      ),
      queryClient.prefetchQuery(trpc.numberHealth.listUnhealthy.queryOptions({ scope: "all" })),
    ]);
  } else {
    await queryClient.prefetchQuery(
      trpc.insights.senderHealth.queryOptions({ tenantId: scope.tenant.id, ...toWindowInput(insight) }),
    );
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Number health"
        description={DESCRIPTION}
        scopeLabel={scope.label}
        actions={<WindowTabs path={path} params={insight} />}
      />
      {scope.kind === "all" ? (
        <div className="flex flex-col gap-6">
          <UnhealthyNumbers />
          <TenantsHealth params={insight} />
        </div>
      ) : (
        <NumberHealth
          tenantId={scope.tenant.id}
          slug={scope.slug}
          tenantName={scope.label}
          params={insight}
        />
      )}
    </HydrateClient>
  );
}
