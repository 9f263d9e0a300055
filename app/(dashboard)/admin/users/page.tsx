// GET /admin/users: console accounts, creating them, and disabling or re-enabling them (admin only).
import type { Metadata } from "next";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/app/(dashboard)/_lib/session";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";
import { NewUserForm } from "./_components/new-user-form";
import { UsersTable } from "./_components/users-table";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  await requireAdmin();
  const queryClient = getQueryClient();
  // awaited, not streamed: client components read these with useQuery, which would render
  // the loading state on the server and the data during hydration (a mismatch)
  await Promise.all([
    queryClient.prefetchQuery(trpc.admin.listUsers.queryOptions()),
    queryClient.prefetchQuery(trpc.tenants.list.queryOptions()),
  ]);
  return (
    <HydrateClient>
      <PageHeader
        title="Users"
        description="Who can sign in to the console and with which role. Disabling an account takes effect on its next request."
        actions={
          <a href="#new-user" className={buttonClasses("secondary", "sm")}>
            New user
          </a>
        }
      />
      {/* stacked, not side by side: the table needs the full width for its seven columns */}
      <div className="flex flex-col gap-6">
        <UsersTable />
        <NewUserForm />
      </div>
    </HydrateClient>
  );
}
