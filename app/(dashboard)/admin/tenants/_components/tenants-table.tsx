"use client";
// All tenants: name, slug, status, created.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { TenantStatusBadge } from "@/app/(dashboard)/_components/sender-badges";
import { errorMessageOf } from "@/app/(dashboard)/_lib/trpc-errors";
import { useTRPC } from "@/trpc/client";

export function TenantsTable() {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());

  if (tenants.isPending) {
    return (
      <Card title="All tenants">
        <SkeletonRows rows={4} label="Loading tenants" />
      </Card>
    );
  }
  if (tenants.isError) {
    return (
      <ErrorState
        title="Could not load tenants"
        message={errorMessageOf(tenants.error)}
        onRetry={() => void tenants.refetch()}
        isRetrying={tenants.isRefetching}
      />
    );
  }
  if (tenants.data.length === 0) {
    return (
      <EmptyState
        title="No tenants yet"
        description="Create the first tenant with the form. Each tenant gets its own sender numbers, API keys and console scope."
      />
    );
  }
  return (
    <Card title="All tenants" description={`${tenants.data.length} in total`} bodyClassName="p-0">
      <Table label="Tenants">
        <THead>
          <tr>
            <TH>Name</TH>
            <TH>Slug</TH>
            <TH>Status</TH>
            <TH>Created</TH>
          </tr>
        </THead>
        <TBody>
          {tenants.data.map((t) => (
            <TR key={t.id}>
              <TD>
                <Link href={`/admin/tenants/${t.id}`} className="font-medium text-accent-700 hover:underline">
                  {t.name}
                </Link>
              </TD>
              <TD className="font-mono text-xs text-zinc-600">{t.slug}</TD>
              <TD>
                <TenantStatusBadge status={t.status} />
              </TD>
              <TD className="whitespace-nowrap text-zinc-600">
                <TimeStamp format="short" value={t.createdAt} />
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}
