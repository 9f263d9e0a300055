// GET /t/[scope]/disputes: disputes of a tenant (or of every tenant, for cross-tenant roles),
// newest first, filtered by status and ticket; each links to its message's timeline.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { scopeInput } from "../../../_lib/scope-input";
import { resolveScope } from "../../../_lib/session";
import { DisputesList } from "./_components/disputes-list";
import { readDisputeFilters, toDisputeInput } from "./_components/dispute-filters";

export const metadata: Metadata = { title: "Disputes" };

const getNextPageParam = (last: { nextCursor: { openedAt: Date; id: string } | null }) => last.nextCursor;

export default async function DisputesPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const scope = await resolveScope((await params).scope);
  const filters = readDisputeFilters(await searchParams);
  const input = toDisputeInput(filters);
  const queryClient = getQueryClient();
  // awaited: the client renders the first page with data on the first paint
  await queryClient.prefetchInfiniteQuery(
    trpc.disputes.list.infiniteQueryOptions({ ...scopeInput(scope), ...input }, { getNextPageParam }),
  );
  return (
    <HydrateClient>
      <PageHeader
        title="Disputes"
        description="Messages whose delivery a tenant has challenged, with the ticket, the outcome the evidence supports, and who settled it."
        scopeLabel={scope.label}
      />
      <DisputesList
        scope={
          scope.kind === "tenant"
            ? { kind: "tenant", tenantId: scope.tenant.id, slug: scope.slug }
            : { kind: "all", slug: "all" }
        }
        filters={filters}
      />
    </HydrateClient>
  );
}
