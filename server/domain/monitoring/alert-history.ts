// An alert's lifecycle as the console shows it (Sentry's issue activity is the bar): opened by the
// system, then every operator action with who, when and why (the audit trail), a snooze that ran
// out (the sweep reopens it without writing anything, so it is derived here from the snooze's
// end), and a resolution the system or a sender resume wrote on the alert row. Pure: rows in,
// entries out, oldest first; times are epoch milliseconds.

export type TAlertOperatorAction = {
  action: "acknowledge" | "snooze" | "resolve";
  actor: string;
  reason: string | null;
  at: number;
  /** snooze only: until when */
  until: number | null;
};

export type TAlertRow = {
  status: "open" | "acknowledged" | "snoozed" | "resolved";
  openedAt: number;
  lastSeenAt: number;
  occurrences: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: string | null;
};

export type TAlertHistoryEntry = {
  kind: "opened" | "acknowledged" | "snoozed" | "snooze_ended" | "resolved";
  at: number;
  actor: string;
  /** the operator's reason, or what the system saw */
  reason: string | null;
  /** snoozed: until when */
  until: number | null;
};

const ENTRY_KIND = {
  acknowledge: "acknowledged",
  snooze: "snoozed",
  resolve: "resolved",
} as const satisfies Record<TAlertOperatorAction["action"], TAlertHistoryEntry["kind"]>;

export function buildAlertHistory(
  alert: TAlertRow,
  actions: readonly TAlertOperatorAction[],
  nowMs: number,
): TAlertHistoryEntry[] {
  const ordered = [...actions].sort((a, b) => a.at - b.at);
  const entries: TAlertHistoryEntry[] = [
    {
      kind: "opened",
      at: alert.openedAt,
      actor: "system",
      reason:
        alert.occurrences > 1
          ? `condition seen ${alert.occurrences} times, last ${new Date(alert.lastSeenAt).toISOString()}`
          : null,
      until: null,
    },
  ];
  for (const [index, action] of ordered.entries()) {
    entries.push({
      kind: ENTRY_KIND[action.action],
      at: action.at,
      actor: action.actor,
      reason: action.reason,
      until: action.until,
    });
    if (action.action !== "snooze" || action.until === null) continue;
    // the snooze ran out unless something else happened to the alert before its end
    const next = ordered[index + 1]?.at ?? null;
    const endedBy = [next, alert.resolvedAt].filter((t): t is number => t !== null && t > action.at);
    const isInterrupted = endedBy.some((t) => t < action.until!);
    if (!isInterrupted && action.until <= nowMs) {
      entries.push({
        kind: "snooze_ended",
        at: action.until,
        actor: "system",
        reason: "the snooze ran out: the alert is open again",
        until: null,
      });
    }
  }
  const resolvedByOperator = ordered.some((a) => a.action === "resolve");
  if (alert.status === "resolved" && alert.resolvedAt !== null && !resolvedByOperator) {
    // resolved without an alerts.act call: the condition ended (system) or the sender was resumed
    entries.push({
      kind: "resolved",
      at: alert.resolvedAt,
      actor: alert.resolvedBy ?? "system",
      reason: alert.resolution,
      until: null,
    });
  }
  return entries.sort((a, b) => a.at - b.at);
}
