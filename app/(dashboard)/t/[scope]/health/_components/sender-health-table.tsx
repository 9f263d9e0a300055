"use client";
// A tenant's sender numbers with their Meta-reported quality, messaging limit and status.
import { useQuery } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { SkeletonRows } from "@/components/ui/skeleton";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { TimeStamp } from "@/components/ui/time-stamp";
import { useTRPC } from "@/trpc/client";
import { QualityBadge, SenderStatusBadge, TierBadge } from "../../../../_components/sender-badges";
import { errorMessageOf } from "../../../../_lib/trpc-errors";

export function SenderHealthTable({ tenantId, tenantName }: { tenantId: string; tenantName: string }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.tenants.overview.queryOptions({ tenantId }));

  if (overview.isPending) {
    return (
      <Card title="Sender numbers">
        <SkeletonRows rows={3} label="Loading sender numbers" />
      </Card>
    );
  }
  if (overview.isError) {
    return (
      <ErrorState
        title="Could not load sender numbers"
        message={errorMessageOf(overview.error)}
        onRetry={() => void overview.refetch()}
        isRetrying={overview.isRefetching}
      />
    );
  }
  const numbers = overview.data.senderNumbers;
  if (numbers.length === 0) {
    return (
      <EmptyState
        title="No sender numbers yet"
        description={`${tenantName} has no WhatsApp sender numbers registered. An administrator adds them under Admin › Tenants.`}
      />
    );
  }
  return (
    <Card
      title="Sender numbers"
      description={`${numbers.length} ${numbers.length === 1 ? "number" : "numbers"} · as last reported by Meta`}
      bodyClassName="p-0"
    >
      <Table label={`Sender numbers of ${tenantName}`}>
        <THead>
          <tr>
            <TH>Number</TH>
            <TH>Label</TH>
            <TH>Quality</TH>
            <TH>Messaging limit</TH>
            <TH>Status</TH>
            <TH>Added</TH>
          </tr>
        </THead>
        <TBody>
          {numbers.map((n) => (
            <TR key={n.id}>
              <TD className="font-mono text-xs whitespace-nowrap">{n.displayNumber}</TD>
              <TD className="text-zinc-600">{n.label ?? "—"}</TD>
              <TD>
                <QualityBadge rating={n.qualityRating} />
              </TD>
              <TD>
                <TierBadge tier={n.messagingLimitTier} />
              </TD>
              <TD>
                <SenderStatusBadge status={n.status} />
              </TD>
              <TD className="whitespace-nowrap text-zinc-600">
                <TimeStamp format="short" value={n.createdAt} />
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}
