// GET /operations (engineers and admins, operations.read): what needs attention now; a test send
// in a drawer; in-doubt sends with their resolution; webhook ingestion (rate, lag, depth,
// attention) with a link to the stored requests, quarantine and orphans with replay and discard,
// send and job queues per tenant, paused numbers with resume, provider error rates. Refreshed live.
import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { requirePermission } from "@/app/(dashboard)/_lib/session";
import { hasPermission } from "@/server/domain/access/permissions";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { OperationsDashboard } from "./_components/operations-dashboard";
import {
  IN_DOUBT_INPUT,
  ORPHANS_INPUT,
  orphanCursor,
  PAUSED_SENDERS_INPUT,
  QUARANTINE_INPUT,
  quarantineCursor,
} from "./_components/operations-inputs";
import { TestSendDrawer } from "./_components/test-send-drawer";

export const metadata: Metadata = { title: "Operations" };

export default async function OperationsPage() {
  const me = await requirePermission("operations.read");
  const canSendTest = hasPermission(me.user.role, "message.send_test");
  const canAct = hasPermission(me.user.role, "operations.act");
  const queryClient = getQueryClient();
  // every card's data at once, awaited: the page renders with data on the first paint
  await Promise.all([
    queryClient.prefetchQuery(trpc.operations.ingestion.queryOptions()),
    queryClient.prefetchQuery(trpc.operations.queues.queryOptions()),
    queryClient.prefetchQuery(trpc.operations.providerErrors.queryOptions()),
    queryClient.prefetchQuery(trpc.sending.listPausedSenders.queryOptions(PAUSED_SENDERS_INPUT)),
    queryClient.prefetchQuery(trpc.sending.listInDoubt.queryOptions(IN_DOUBT_INPUT)),
    queryClient.prefetchQuery(trpc.alerts.counts.queryOptions({ scope: "all" })),
    queryClient.prefetchInfiniteQuery(
      trpc.ingest.listQuarantine.infiniteQueryOptions(QUARANTINE_INPUT, {
        getNextPageParam: quarantineCursor,
      }),
    ),
    queryClient.prefetchInfiniteQuery(
      trpc.operations.orphans.infiniteQueryOptions(ORPHANS_INPUT, { getNextPageParam: orphanCursor }),
    ),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Operations"
        description="How the platform's machinery is doing across every tenant: webhook ingestion, quarantined and orphan events, send and job queues, paused numbers and provider errors."
        scopeLabel="Platform"
        actions={canSendTest ? <TestSendDrawer tenants={me.tenants} /> : null}
      />
      <OperationsDashboard canAct={canAct} />
    </HydrateClient>
  );
}
