// GET /t/[scope]/usage: messages WhatsApp priced, per day, sender number, category and pricing type
// (docs/usage.md), with a chart and a CSV export. Tenant admins see their tenant; admins every tenant.
import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { scopeInput } from "../../../_lib/scope-input";
import { requireMe, resolveScope } from "../../../_lib/session";
import { UsageView } from "./_components/usage-view";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ scope: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [scope, me, search] = await Promise.all([
    params.then((p) => resolveScope(p.scope)),
    requireMe(),
    searchParams,
  ]);
  const description =
    "Messages WhatsApp priced (per-message pricing), counted once each from the pricing object of its status webhooks, never from send requests.";
  if (!me.permissions.includes("usage.read")) {
    return (
      <>
        <PageHeader title="Usage" description={description} scopeLabel={scope.label} />
        <EmptyState title="Not available to your role" description="Usage is for tenant admins and admins." />
      </>
    );
  }
  const days = search.days === "7" ? 7 : search.days === "90" ? 90 : 30;
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.usage.get.queryOptions({ ...scopeInput(scope), days }));
  return (
    <HydrateClient>
      <PageHeader title="Usage" description={description} scopeLabel={scope.label} />
      <UsageView
        scope={
          scope.kind === "tenant"
            ? { kind: "tenant", tenantId: scope.tenant.id, slug: scope.slug }
            : { kind: "all" }
        }
        days={days}
      />
    </HydrateClient>
  );
}
