// GET /operations/requests (engineers and admins, operations.read): the stored webhook requests,
// newest first, by status and tenant, each with what processing made of it (new facts against
// duplicates) and a link to the request, its body and its replays.
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { readRequestFilters, requestCursor, toListRequestsInput } from "./_components/request-inputs";
import { RequestsList } from "./_components/requests-list";

export const metadata: Metadata = { title: "Webhook requests" };

export default async function RequestsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const me = await requirePermission("operations.read");
  const filters = readRequestFilters(await searchParams);
  const input = toListRequestsInput(filters, (slug) => me.tenants.find((t) => t.slug === slug)?.id);
  await getQueryClient().prefetchInfiniteQuery(
    trpc.ingest.listRequests.infiniteQueryOptions(input, { getNextPageParam: requestCursor }),
  );
  return (
    <HydrateClient>
      <PageHeader
        title="Webhook requests"
        description="Every verified request Meta posted to us, as stored: what processing made of it, and its replays."
        scopeLabel="Platform"
        actions={
          <Link href="/operations" className="text-sm text-accent-700 underline underline-offset-2">
            Back to Operations
          </Link>
        }
      />
      <RequestsList
        input={input}
        filters={filters}
        tenants={me.tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name }))}
      />
    </HydrateClient>
  );
}
