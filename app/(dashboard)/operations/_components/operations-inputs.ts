// The Operations page's query inputs and refresh periods, shared by the server page (prefetch)
// and the client cards, which must use the identical inputs to find the prefetched data.

/** Gauges and counts: every 10 s. */
export const OPERATIONS_POLL_MS = 10_000;
/** Paged lists refetch every loaded page: less often. */
export const OPERATIONS_LIST_POLL_MS = 30_000;

export const QUARANTINE_INPUT = { includeResolved: false, limit: 20 } as const;
export const ORPHANS_INPUT = { limit: 20 } as const;
export const PAUSED_SENDERS_INPUT = {} as const;
export const IN_DOUBT_INPUT = {} as const;

export const quarantineCursor = (last: { nextCursor: string | null }) => last.nextCursor;
export const orphanCursor = (last: { nextCursor: { receivedAt: Date; id: string } | null }) =>
  last.nextCursor;
