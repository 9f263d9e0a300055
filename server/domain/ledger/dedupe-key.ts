// Dedupe keys name facts, not receipts: every writer that can record the same fact twice (a Meta
// re-delivery, a worker retry after a crash, a double-clicked console button) must build the same
// key, and two different facts must never share one (they would be merged into one fact, which
// reconciliation flags as `divergent_duplicates`). Keys are per message: the ledger is per message.

/** Statuses as Meta names them in `statuses[].status`. */
export type TProviderStatus = "sent" | "delivered" | "read" | "played" | "failed";

/** Pipeline phases our own writers record per attempt. */
export type TAttemptPhase = "started" | "accepted" | "rejected" | "scheduled";

export const dedupeKey = {
  requested: (): string => "requested",
  /** One fact per attempt and phase; `scheduled` is the retry_scheduled that announces `attempt`. */
  attempt: (attempt: number, phase: TAttemptPhase): string => `attempt:${attempt}:${phase}`,
  /** Meta sends no event id; wamid + status is the documented identity of a status update. */
  status: (providerMessageId: string, status: TProviderStatus): string =>
    `status:${providerMessageId}:${status}`,
  deadLettered: (attempt: number): string => `dead_lettered:${attempt}`,
  /** `requestId`: the idempotency key of the cancel request (API call or console action). */
  cancelled: (requestId: string): string => `cancelled:${requestId}`,
  /** Operator audit rows (manual_action, annotation): one key per operation. */
  operator: (operationId: string): string => `operator:${operationId}`,
  /** Worker bookkeeping rows (stalled_detected, state_recomputed): one key per run. */
  worker: (runId: string): string => `worker:${runId}`,
} as const;
