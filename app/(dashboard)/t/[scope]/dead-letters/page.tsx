// GET /t/[scope]/dead-letters: the messages the pipeline gave up on, for a tenant (grouped into
// issues by default, or ?view=messages) or every tenant (cross-tenant roles): why (in words, the error code and its class), where each stands, filters
// in the URL, and for engineers selection, dry runs, bulk retry or discard (with a second
// engineer's approval above the threshold) and the recent bulk operations.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { scopeInput } from "../../../_lib/scope-input";
import { requireMe, resolveScope } from "../../../_lib/session";
import { DeadLetterConsole } from "./_components/dead-letter-console";
import type { TDeadLetterScope } from "./_components/dead-letter-filters";
import {
  readDeadLetterFilters,
  readDeadLetterView,
  toDeadLetterGroupsInput,
  toDeadLetterListInput,
} from "./_components/dead-letter-filters";

export const metadata: Metadata = { title: "Dead letters" };

const getNextPageParam = (last: { nextCursor: { deadLetteredAt: Date; messageId: string } | null }) =>
  last.nextCursor;

export default async function DeadLettersPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const scope = await resolveScope((await params).scope);
  const me = await requireMe();
  const query = await searchParams;
  const filters = readDeadLetterFilters(query);
  const input = toDeadLetterListInput(filters);
  const queryClient = getQueryClient();
  const canReadOperations = me.permissions.includes("operations.read");
  const pageScope: TDeadLetterScope =
    scope.kind === "tenant"
      ? { kind: "tenant", tenantId: scope.tenant.id, slug: scope.slug, name: scope.label }
      : { kind: "all", slug: "all", name: scope.label };
  const tenantId = pageScope.kind === "tenant" ? pageScope.tenantId : undefined;
  const view = readDeadLetterView(query, pageScope.kind);
  // awaited together: the client renders the first page (and the operations) on the first paint
  await Promise.all([
    view === "grouped" && tenantId
      ? queryClient.prefetchQuery(
          trpc.deadLetters.listGroups.queryOptions({ tenantId, ...toDeadLetterGroupsInput(filters) }),
        )
      : queryClient.prefetchInfiniteQuery(
          trpc.deadLetters.list.infiniteQueryOptions(
            { ...scopeInput(pageScope), ...input },
            { getNextPageParam },
          ),
        ),
    pageScope.kind === "tenant"
      ? queryClient.prefetchQuery(trpc.tenants.overview.queryOptions({ tenantId: pageScope.tenantId }))
      : null,
    canReadOperations
      ? queryClient.prefetchQuery(trpc.deadLetters.listBulk.queryOptions(tenantId ? { tenantId } : {}))
      : null,
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Dead letters"
        description="Messages the pipeline gave up on: why, whether a retry is safe under WhatsApp's rules, and what engineers did about them. A retry counts as done only when the provider acknowledges the new attempt."
        scopeLabel={scope.label}
      />
      <DeadLetterConsole scope={pageScope} filters={filters} view={view} />
    </HydrateClient>
  );
}
