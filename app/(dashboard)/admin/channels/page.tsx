// GET /admin/channels: operator channels for platform alerts (Slack-compatible webhook, email), admins only.
import type { Metadata } from "next";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { ChannelsTable } from "./_components/channels-table";
import { NewChannelForm } from "./_components/new-channel-form";

export const metadata: Metadata = { title: "Alert channels" };

export default async function AdminChannelsPage() {
  await requireAdmin();
  const queryClient = getQueryClient();
  await queryClient.prefetchQuery(trpc.channels.list.queryOptions());
  return (
    <HydrateClient>
      <PageHeader
        title="Alert channels"
        description="Where platform alerts go besides the console: a Slack-compatible incoming webhook or an email address. Each channel takes alerts from its minimum severity up; the worker sends them and retries for about a day."
        actions={
          <a href="#new-channel" className={buttonClasses("secondary", "sm")}>
            New channel
          </a>
        }
      />
      <div className="flex flex-col gap-6">
        <ChannelsTable />
        <NewChannelForm />
      </div>
    </HydrateClient>
  );
}
