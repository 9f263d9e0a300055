// GET /t/[scope]/health/[senderNumberId]: one number's health as Meta's model has it (quality,
// flag, restrictions, limit, throughput, override), the sending decision now, and its history.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { requireMe, resolveScope } from "../../../../_lib/session";
import { NumberHealthDetail } from "./_components/number-health-detail";

export const metadata: Metadata = { title: "Number health" };

export default async function NumberHealthDetailPage({
  params,
}: {
  params: Promise<{ scope: string; senderNumberId: string }>;
}) {
  const { scope: slug, senderNumberId } = await params;
  const scope = await resolveScope(slug);
  // a number belongs to one tenant: the all-tenants scope has no such page
  if (scope.kind === "all" || !z.uuid().safeParse(senderNumberId).success) notFound();
  const me = await requireMe();
  const input = { tenantId: scope.tenant.id, senderNumberId };
  try {
    await getQueryClient().fetchQuery(trpc.numberHealth.get.queryOptions(input));
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") notFound();
    throw error;
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Number health"
        description="What Meta reports about this number, what it means for sending, and where each fact came from."
        scopeLabel={scope.label}
      />
      <NumberHealthDetail
        tenantId={scope.tenant.id}
        senderNumberId={senderNumberId}
        slug={scope.slug}
        canOverride={me.permissions.includes("sender.override")}
      />
    </HydrateClient>
  );
}
