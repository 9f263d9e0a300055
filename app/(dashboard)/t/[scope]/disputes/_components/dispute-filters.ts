// The disputes list's filters as URL parameters, and the procedure input they make. Pure: shared
// by the server page (prefetch) and the client list (which must build the identical input).
import type { TDisputeStatus } from "@/components/disputes/dispute-labels";

export type TDisputeFilters = { status: TDisputeStatus | ""; ticket: string };

export const DISPUTE_PAGE_SIZE = 50;

export function readDisputeFilters(params: Record<string, string | string[] | undefined>): TDisputeFilters {
  const status = typeof params.status === "string" ? params.status : "";
  const ticket = typeof params.ticket === "string" ? params.ticket.trim().slice(0, 120) : "";
  return { status: status === "open" || status === "resolved" ? status : "", ticket };
}

export function disputeFiltersToQueryString(filters: TDisputeFilters): string {
  const query = new URLSearchParams();
  if (filters.status) query.set("status", filters.status);
  if (filters.ticket) query.set("ticket", filters.ticket);
  const text = query.toString();
  return text ? `?${text}` : "";
}

export function toDisputeInput(filters: TDisputeFilters) {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.ticket ? { ticketRef: filters.ticket } : {}),
    limit: DISPUTE_PAGE_SIZE,
  };
}
