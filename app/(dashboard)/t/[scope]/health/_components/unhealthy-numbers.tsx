"use client";
// The support view across tenants: every number that is not healthy (flagged, restricted, held,
// low quality), the messages its health keeps waiting first, each linking to its health page.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useTRPC } from "@/trpc/client";
import { errorMessageOf } from "../../../../_lib/trpc-errors";

export function UnhealthyNumbers() {
  const trpc = useTRPC();
  const query = useQuery(trpc.numberHealth.listUnhealthy.queryOptions({ scope: "all" }));
  return (
    <Card
      title="Numbers that are not healthy"
      description="Every tenant's numbers Meta flagged, restricted or rated low, or whose health holds messages; most held messages first"
      bodyClassName="p-0"
    >
      {query.isPending ? (
        <div className="p-4">
          <SkeletonRows rows={3} label="Loading numbers that are not healthy" />
        </div>
      ) : query.isError ? (
        <div className="p-4">
          <ErrorState
            title="Could not load the numbers"
            message={errorMessageOf(query.error)}
            onRetry={() => void query.refetch()}
            isRetrying={query.isRefetching}
          />
        </div>
      ) : query.data.length === 0 ? (
        <p className="px-4 py-3 text-sm text-zinc-600">Every number is healthy.</p>
      ) : (
        <Table label="Numbers that are not healthy">
          <THead>
            <tr>
              <TH>Number</TH>
              <TH>Tenant</TH>
              <TH>Problems</TH>
              <TH>Hold</TH>
              <TH className="text-right">Held</TH>
              <TH className="text-right">Queued</TH>
            </tr>
          </THead>
          <TBody>
            {query.data.map((n) => (
              <TR key={n.senderNumberId}>
                <TD className="font-mono text-xs">
                  <Link
                    href={`/t/${encodeURIComponent(n.tenantSlug)}/health/${n.senderNumberId}`}
                    className="font-medium text-accent-700 hover:underline"
                  >
                    {n.displayNumber}
                  </Link>
                </TD>
                <TD className="text-sm">{n.tenantSlug}</TD>
                <TD>
                  <span className="flex flex-wrap gap-1">
                    {n.problems.length === 0 ? (
                      <span className="text-xs text-zinc-500">—</span>
                    ) : (
                      n.problems.map((p) => (
                        <Badge key={p} tone={p.startsWith("restricted") ? "bad" : "warn"}>
                          {p.charAt(0).toUpperCase() + p.slice(1)}
                        </Badge>
                      ))
                    )}
                  </span>
                </TD>
                <TD className="text-xs text-zinc-700">
                  {/* the reason is worded to follow "held: " in explanations; here it starts the cell */}
                  {n.holdReason ? n.holdReason.charAt(0).toUpperCase() + n.holdReason.slice(1) : "—"}
                </TD>
                <TD
                  className={
                    n.held > 0
                      ? "text-right font-semibold text-bad-700 tabular-nums"
                      : "text-right tabular-nums"
                  }
                >
                  {n.held.toLocaleString("en")}
                </TD>
                <TD className="text-right tabular-nums">{n.queued.toLocaleString("en")}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}
