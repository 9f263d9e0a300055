// The stored-requests page's filters, read from the URL (so a filtered list can be shared) and
// turned into ingest.listRequests' input. The page (prefetch) and the list use the same input.
import type { TRouterInputs } from "@/trpc/router-types";

export const INBOX_STATUSES = ["pending", "processed", "quarantined", "failed"] as const;
export type TInboxStatus = (typeof INBOX_STATUSES)[number];

export const STATUS_LABELS: Record<TInboxStatus, string> = {
  pending: "Waiting",
  processed: "Processed",
  quarantined: "Quarantined",
  failed: "Failed",
};

export type TRequestFilters = { status: TInboxStatus | null; tenant: string | null };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;

export function readRequestFilters(params: Record<string, string | string[] | undefined>): TRequestFilters {
  const status = one(params.status);
  return {
    status: (INBOX_STATUSES as readonly string[]).includes(status ?? "") ? (status as TInboxStatus) : null,
    tenant: one(params.tenant),
  };
}

export function toListRequestsInput(
  filters: TRequestFilters,
  tenantIdOf: (slug: string) => string | undefined,
): Omit<TRouterInputs["ingest"]["listRequests"], "cursor"> {
  const tenantId = filters.tenant ? tenantIdOf(filters.tenant) : undefined;
  return {
    limit: 50,
    ...(filters.status ? { status: filters.status } : {}),
    ...(tenantId ? { tenantId } : {}),
  };
}

export const requestCursor = (last: { nextCursor: string | null }) => last.nextCursor ?? undefined;

export const REQUESTS_POLL_MS = 30_000;
