"use client";
// All tenants: name, slug, status, created.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { TenantStatusBadge } from "@/app/(dashboard)/_components/sender-badges";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

export function TenantsTable() {
  const trpc = useTRPC();
  const tenants = useQuery(trpc.tenants.list.queryOptions());

  return (
    <QueryState
      query={tenants}
      what="tenants"
      isEmpty={(d) => d.length === 0}
      empty={{
        title: "No tenants yet",
        description:
          "Create the first tenant with the form. Each tenant gets its own sender numbers, API keys and console scope.",
        headingLevel: 2,
      }}
    >
      {(list) => {
        return (
          <Card title="All tenants" description={`${list.length} in total`} bodyClassName="p-0">
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
                {list.map((t) => (
                  <TR key={t.id}>
                    <TD>
                      <Link
                        href={`/admin/tenants/${t.id}`}
                        className="font-medium text-accent-700 hover:underline"
                      >
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
      }}
    </QueryState>
  );
}
