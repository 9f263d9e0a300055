// GET /operations/requests/[requestId] (operations.read and message.view_raw: the body holds
// recipients' numbers): one stored webhook request with its headers, body, what processing made
// of it, its quarantine items and every replay with its outcome; engineers replay it again.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { RequestDetail } from "../_components/request-detail";

export const metadata: Metadata = { title: "Webhook request" };

export default async function RequestPage({ params }: { params: Promise<{ requestId: string }> }) {
  const me = await requirePermission("operations.read");
  if (!me.permissions.includes("message.view_raw")) notFound();
  const { requestId } = await params;
  if (!z.uuid().safeParse(requestId).success) notFound();
  const queryClient = getQueryClient();
  try {
    await queryClient.fetchQuery(trpc.ingest.getRequest.queryOptions({ rawWebhookId: requestId }));
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") notFound();
    throw error;
  }
  return (
    <HydrateClient>
      <PageHeader
        title="Webhook request"
        description="One request as Meta posted it, and every time it was processed."
        scopeLabel="Platform"
      />
      <RequestDetail
        requestId={requestId}
        tenants={me.tenants.map((t) => ({ id: t.id, slug: t.slug, name: t.name }))}
        canAct={me.permissions.includes("operations.act")}
      />
    </HydrateClient>
  );
}
