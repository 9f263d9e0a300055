// GET /t/[scope]/messages: search a tenant's messages (or every tenant's, for cross-tenant roles);
// the filters and the page live in the URL.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { resolveScope } from "@/app/(dashboard)/_lib/session";
import { MessageSearch, type TSearchScope } from "../_components/message-search";
import { filtersToInput, readMessageFilters, type TSearchParamsRecord } from "../_components/search-params";

export const metadata: Metadata = { title: "Messages" };

export default async function MessagesPage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<TSearchParamsRecord>;
}) {
  const scope = await resolveScope((await params).scope);
  const { filters, ignored } = readMessageFilters(await searchParams);
  const input = filtersToInput(filters);
  const queryClient = getQueryClient();
  // awaited together, not streamed: the client reads them with useQuery, which would otherwise
  // render its loading state on the server and the data during hydration
  const searchScope: TSearchScope =
    scope.kind === "tenant"
      ? { kind: "tenant", tenantId: scope.tenant.id, slug: scope.slug, name: scope.label }
      : { kind: "all", slug: "all", name: scope.label };
  if (searchScope.kind === "tenant") {
    await Promise.all([
      queryClient.prefetchQuery(
        trpc.messages.search.queryOptions({ tenantId: searchScope.tenantId, ...input }),
      ),
      queryClient.prefetchQuery(trpc.tenants.overview.queryOptions({ tenantId: searchScope.tenantId })),
    ]);
  } else {
    await queryClient.prefetchQuery(trpc.messages.searchAllTenants.queryOptions(input));
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Messages"
        description="Find a message by its ids, its recipient or what happened to it, then open its timeline: every ledger event, and why the state is what it is."
        scopeLabel={scope.label}
      />
      <MessageSearch scope={searchScope} filters={filters} ignored={ignored} />
    </HydrateClient>
  );
}
