// GET /t/[scope]/heatmaps: where failures cluster: a tenant's numbers, error codes and templates
// over time, or (engineers and admins, scope "all") every tenant over time. Served from the
// insights rollups; every cell opens the matching message search.
import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { requireMe, resolveScope } from "../../../_lib/session";
import { insightHref, readInsightParams, toWindowInput } from "../_components/insight-params";
import { MetricTabs, WindowTabs } from "../_components/window-tabs";
import { CrossTenantHeatmap } from "./_components/cross-tenant-heatmap";
import { TenantHeatmaps } from "./_components/tenant-heatmaps";

export const metadata: Metadata = { title: "Heatmaps" };

export default async function HeatmapsPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const scope = await resolveScope((await params).scope);
  // across tenants, rate is the default: a small tenant's outage shows beside a big one's noise
  const defaults = { metric: scope.kind === "all" ? ("rate" as const) : ("failures" as const) };
  const insight = readInsightParams(await searchParams, defaults);
  const path = `/t/${encodeURIComponent(scope.slug)}/heatmaps`;
  const queryClient = getQueryClient();
  const header = (description: string) => (
    <PageHeader
      title="Heatmaps"
      description={description}
      scopeLabel={scope.label}
      actions={
        <div className="flex flex-wrap items-center gap-2">
          <MetricTabs path={path} params={insight} defaults={defaults} />
          <WindowTabs path={path} params={insight} defaults={defaults} />
        </div>
      }
    />
  );

  if (scope.kind === "all") {
    const me = await requireMe();
    if (!me.permissions.includes("operations.read")) {
      // support agents: the cross-tenant heatmap is an operations view; each tenant's is theirs
      return (
        <>
          <PageHeader
            title="Heatmaps"
            description="Where failures cluster across sender numbers, error codes and templates over time."
            scopeLabel={scope.label}
          />
          <Card
            title="Choose a tenant"
            description="The all-tenants heatmap is for engineers and admins; every tenant's own heatmaps are open to you."
          >
            <ul className="flex flex-col gap-1 text-sm">
              {me.tenants.map((t) => (
                <li key={t.id}>
                  <Link
                    href={insightHref(`/t/${encodeURIComponent(t.slug)}/heatmaps`, {
                      ...insight,
                      metric: "failures",
                    })}
                    className="font-medium text-accent-700 hover:underline"
                  >
                    {t.name}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        </>
      );
    }
    await queryClient.prefetchQuery(trpc.insights.crossTenantHeatmap.queryOptions(toWindowInput(insight)));
    return (
      <HydrateClient>
        {header(
          "Every tenant's failures over time: one row lit is one tenant's problem, a column lit across rows is systemic. Quality and limit changes are marked.",
        )}
        <CrossTenantHeatmap params={insight} />
      </HydrateClient>
    );
  }

  await queryClient.prefetchQuery(
    trpc.insights.tenantHeatmap.queryOptions({ tenantId: scope.tenant.id, ...toWindowInput(insight) }),
  );
  return (
    <HydrateClient>
      {header(
        "Where this tenant's failures cluster: by sender number, error code and template over time, with Meta's quality and limit changes. Each cell opens its messages.",
      )}
      <TenantHeatmaps tenantId={scope.tenant.id} slug={scope.slug} params={insight} />
    </HydrateClient>
  );
}
