"use client";
// The support view across tenants: every number that is not healthy (flagged, restricted, held,
// low quality), the messages its health keeps waiting first, each linking to its health page.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { useTRPC } from "@/trpc/client";
import { QueryState } from "@/components/query/query-state";

export function UnhealthyNumbers() {
  const trpc = useTRPC();
  const query = useQuery(trpc.numberHealth.listUnhealthy.queryOptions({ scope: "all" }));
  return (
    <Card
      title="Numbers that are not healthy"
      description="Every tenant's numbers Meta flagged, restricted or rated low, or whose health holds messages; most held messages first"
      bodyClassName="p-0"
    >
      <QueryState
        query={query}
        what="numbers that are not healthy"
        errorTitle="Could not load the numbers"
        rows={3}
        className="p-4"
        isEmpty={(d) => d.length === 0}
        empty={{ note: "Every number is healthy." }}
      >
        {(numbers) => (
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
              {numbers.map((n) => (
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
      </QueryState>
    </Card>
  );
}
