// GET /t/[scope]/messages/[messageId]: one message's timeline, derived state, custody check,
// interventions and disputes. Under /t/all/ it redirects to the message's own tenant.
import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { resolveScope } from "../../../../_lib/session";
import { MessageDetail } from "./_components/message-detail";
import { shortId } from "@/components/ui/short-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TParams = Promise<{ scope: string; messageId: string }>;

export async function generateMetadata({ params }: { params: TParams }): Promise<Metadata> {
  const { messageId } = await params;
  return { title: UUID.test(messageId) ? `Message ${shortId(messageId)}` : "Message" };
}

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

export default async function MessagePage({ params }: { params: TParams }) {
  const { scope: scopeParam, messageId } = await params;
  const scope = await resolveScope(scopeParam);
  if (!UUID.test(messageId)) notFound();
  const queryClient = getQueryClient();

  if (scope.kind === "all") {
    const found = await queryClient.fetchQuery(
      trpc.messages.search.queryOptions({ scope: "all", messageId, limit: 1 }, { retry: false }),
    );
    const item = found.items[0];
    if (!item) notFound();
    redirect(`/t/${encodeURIComponent(item.tenantSlug)}/messages/${messageId}`);
  }

  const tenantId = scope.tenant.id;
  try {
    // both at once (no waterfall), awaited so the client renders with data on the first paint
    await Promise.all([
      queryClient.fetchQuery(trpc.messages.timeline.queryOptions({ tenantId, messageId }, { retry: false })),
      queryClient.prefetchQuery(trpc.disputes.forMessage.queryOptions({ tenantId, messageId })),
      queryClient.prefetchQuery(trpc.webhooks.forMessage.queryOptions({ tenantId, messageId })),
    ]);
  } catch (error) {
    // another tenant's message is "not found", exactly like one that does not exist
    if (codeOf(error) === "NOT_FOUND") notFound();
    throw error;
  }
  return (
    <HydrateClient>
      <MessageDetail tenantId={tenantId} messageId={messageId} scopeSlug={scope.slug} />
    </HydrateClient>
  );
}
