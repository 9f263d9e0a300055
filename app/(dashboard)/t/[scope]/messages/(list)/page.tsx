// GET /t/[scope]/messages: search a tenant's messages (or every tenant's, for cross-tenant roles);
// the filters and the page live in the URL.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { scopeInput } from "@/app/(dashboard)/_lib/scope-input";
import { requireMe, resolveScope } from "@/app/(dashboard)/_lib/session";
import { describeSearchTerm, parseSearchTerm, searchHints } from "@/server/domain/search/search-term";
import { MessageSearch, type TSearchScope } from "../_components/message-search";
import {
  filtersToInput,
  readMessageFilters,
  type TSearchParamsRecord,
} from "@/components/messages/search-params";

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
  const searchOptions = trpc.messages.search.queryOptions({ ...scopeInput(searchScope), ...input });
  await Promise.all([
    queryClient.prefetchQuery(searchOptions),
    searchScope.kind === "tenant"
      ? queryClient.prefetchQuery(trpc.tenants.overview.queryOptions({ tenantId: searchScope.tenantId }))
      : null,
  ]);
  const page = queryClient.getQueryData(searchOptions.queryKey);
  // the search box's promise: a text that names exactly one message opens it
  const only = page?.items[0];
  if (filters.q && page?.items.length === 1 && only && !page.nextCursor && !page.prevCursor) {
    redirect(`/t/${encodeURIComponent(only.tenantSlug)}/messages/${only.id}`);
  }
  const me = await requireMe();
  const term = filters.q ? parseSearchTerm(filters.q) : null;
  const searchedFor = term ? { description: describeSearchTerm(term), hints: searchHints(term) } : null;
  return (
    <HydrateClient>
      <PageHeader
        title="Messages"
        description="Find a message by its ids, its recipient or what happened to it, then open its timeline: every ledger event, and why the state is what it is."
        scopeLabel={scope.label}
      />
      <MessageSearch
        scope={searchScope}
        filters={filters}
        ignored={ignored}
        searchedFor={searchedFor}
        canSearchAllTenants={me.isCrossTenant}
      />
    </HydrateClient>
  );
}
