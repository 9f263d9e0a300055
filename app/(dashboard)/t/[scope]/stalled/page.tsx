// GET /t/[scope]/stalled: unresolved alerts by tenant and number, the alerts with their lifecycle
// history (acknowledge / snooze / resolve for engineers), and the stalled messages oldest first.
// One tenant, or every tenant under /t/all for cross-tenant roles.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { requireMe, resolveScope } from "../../../_lib/session";
import { readAlertFilters, toAlertFeedInput, toStalledInput } from "./_components/alert-filters";
import { StalledAlertsView } from "./_components/stalled-alerts-view";

export const metadata: Metadata = { title: "Stalled & alerts" };

const alertCursor = (last: { nextCursor: { openedAt: Date; id: string } | null }) => last.nextCursor;
const stalledCursor = (last: { nextCursor: { since: Date; id: string } | null }) => last.nextCursor;

export default async function StalledPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [scope, me] = await Promise.all([params.then((p) => resolveScope(p.scope)), requireMe()]);
  const filters = readAlertFilters(await searchParams);
  const feedInput = toAlertFeedInput(filters);
  const stalledInput = toStalledInput(filters);
  const queryClient = getQueryClient();
  // every query at once, awaited: the page renders with its data on the first paint
  if (scope.kind === "tenant") {
    const tenantId = scope.tenant.id;
    await Promise.all([
      queryClient.prefetchQuery(trpc.alerts.counts.queryOptions({ tenantId })),
      queryClient.prefetchQuery(trpc.tenants.overview.queryOptions({ tenantId })),
      queryClient.prefetchInfiniteQuery(
        trpc.alerts.feed.infiniteQueryOptions({ tenantId, ...feedInput }, { getNextPageParam: alertCursor }),
      ),
      queryClient.prefetchInfiniteQuery(
        trpc.alerts.stalled.infiniteQueryOptions(
          { tenantId, ...stalledInput },
          { getNextPageParam: stalledCursor },
        ),
      ),
    ]);
  } else {
    await Promise.all([
      queryClient.prefetchQuery(trpc.alerts.counts.queryOptions({ scope: "all" })),
      queryClient.prefetchInfiniteQuery(
        trpc.alerts.feed.infiniteQueryOptions(
          { scope: "all", ...feedInput },
          { getNextPageParam: alertCursor },
        ),
      ),
      queryClient.prefetchInfiniteQuery(
        trpc.alerts.stalled.infiniteQueryOptions(
          { scope: "all", ...stalledInput },
          { getNextPageParam: stalledCursor },
        ),
      ),
    ]);
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Stalled & alerts"
        description="Messages that have waited in one state longer than expected, and the alerts they and the platform raised: who is on them, and why they were snoozed or resolved."
        scopeLabel={scope.label}
      />
      <StalledAlertsView
        scope={
          scope.kind === "tenant"
            ? { kind: "tenant", tenantId: scope.tenant.id, slug: scope.slug }
            : { kind: "all", slug: "all" }
        }
        filters={filters}
        canAct={me.permissions.includes("operations.act")}
      />
    </HydrateClient>
  );
}
