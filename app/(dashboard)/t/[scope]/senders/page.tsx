// GET /t/[scope]/senders: a tenant's sender numbers as the dispatcher sees them (queue, rate,
// throttling, pause, health hold), with pause, resume and the maximum rate for engineers, and the
// tenant's sending policy (changed by its admins). Across
// tenants it lists the tenants to pick from: each number's controls belong to its tenant.
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/server/domain/access/permissions";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { requireMe, resolveScope } from "../../../_lib/session";
import { SENDERS_INPUT } from "./_components/senders-input";
import { SendPolicyCard } from "./_components/send-policy-card";
import { SendersView } from "./_components/senders-view";

export const metadata: Metadata = { title: "Sender numbers" };

const DESCRIPTION =
  "Each WhatsApp number's sending: what waits in its queue, how fast it may send, whether Meta throttled it, and whether it is paused and by whom.";

export default async function SendersPage({ params }: { params: Promise<{ scope: string }> }) {
  const [scope, me] = await Promise.all([params.then((p) => resolveScope(p.scope)), requireMe()]);
  if (scope.kind === "all") {
    return (
      <>
        <PageHeader title="Sender numbers" description={DESCRIPTION} scopeLabel={scope.label} />
        <EmptyState
          title="Pick a tenant"
          description="A number's queue and controls belong to its tenant. Paused numbers across every tenant are on Operations."
        >
          <ul className="flex flex-wrap justify-center gap-3 text-sm">
            {me.tenants.map((t) => (
              <li key={t.id}>
                <Link
                  href={`/t/${encodeURIComponent(t.slug)}/senders`}
                  className="text-accent-700 underline underline-offset-2"
                >
                  {t.name}
                </Link>
              </li>
            ))}
          </ul>
        </EmptyState>
      </>
    );
  }
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(
      trpc.sending.listSenders.queryOptions({ tenantId: scope.tenant.id, ...SENDERS_INPUT }),
    ),
    queryClient.prefetchQuery(trpc.sending.sendPolicy.queryOptions({ tenantId: scope.tenant.id })),
  ]);
  return (
    <HydrateClient>
      <PageHeader title="Sender numbers" description={DESCRIPTION} scopeLabel={scope.label} />
      <SendersView
        tenantId={scope.tenant.id}
        slug={scope.slug}
        canAct={hasPermission(me.user.role, "operations.act")}
      />
      <div className="mt-4">
        <SendPolicyCard
          tenantId={scope.tenant.id}
          canEdit={hasPermission(me.user.role, "tenant.send_policy")}
        />
      </div>
    </HydrateClient>
  );
}
