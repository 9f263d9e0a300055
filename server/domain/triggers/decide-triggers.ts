// Which business events a ledger append fires, decided from the derived state before and after
// it. Pure. The rules:
//   - an event fires when the derived state first reaches it (accepted, delivered, read, failed,
//     dead_lettered), or when the sweep's stalled_detected fact is appended (stalled);
//   - a read (or played) reached without delivered fires delivered first, marked inferred, unless
//     the same append recorded the delivered fact itself;
//   - a correction (a conflict that moved or re-confirmed the state against what was reported:
//     delivered after failed, a superseded attempt that also reached the recipient, a rejection or
//     dead letter the provider contradicted) fires state_corrected naming the previous state;
//   - every candidate carries a dedupe key (message, type; a correction also its conflict kind).
//     Firing is exactly-once because the outbox keeps one row per key: a late, duplicate or
//     replayed fact can only produce a candidate whose key was already fired (fireOnce below is
//     the same filter in memory, for tests and simulations).
import type { TMessageState } from "../reconciliation/message-state";
import type { TConflictKind } from "../reconciliation/rules";
import type { TTriggerEventType } from "./event-types";

export type TTriggerSnapshot = { state: TMessageState; conflictKinds: readonly TConflictKind[] };

/** A fact the append recorded for the first time (only what the decision reads). */
export type TAppendedFact = { type: string; providerTimestamp: number | null };

export type TTriggerCandidate = {
  type: Extract<TTriggerEventType, `message.${string}`>;
  dedupeKey: string;
  inferred: boolean;
  /** for state_corrected: the state reported before the correction */
  previousState: TMessageState | null;
  /** for state_corrected: the conflict that corrected it */
  correction: TConflictKind | null;
  /** the provider's time of the fact that fired it, when the provider told one */
  providerTimestamp: number | null;
};

const REACHED_BY: Readonly<
  Record<
    "message.accepted" | "message.delivered" | "message.read" | "message.failed" | "message.dead_lettered",
    readonly TMessageState[]
  >
> = {
  "message.accepted": ["accepted", "sent", "delivered", "read", "played", "failed"],
  "message.delivered": ["delivered", "read", "played"],
  "message.read": ["read", "played"],
  "message.failed": ["failed"],
  "message.dead_lettered": ["dead_lettered"],
};

/** Conflicts that correct a state the tenant may already have been told. */
export const CORRECTION_KINDS: readonly TConflictKind[] = [
  "delivered_after_failed",
  "read_after_failed",
  "superseded_attempt_delivered",
  "rejection_contradicted",
  "dead_letter_contradicted",
];

/** The fact types whose provider time is the time of each event. */
const FACT_OF: Readonly<Record<string, readonly string[]>> = {
  "message.accepted": ["provider_accepted", "status_sent"],
  "message.delivered": ["status_delivered"],
  "message.read": ["status_read", "status_played"],
  "message.failed": ["status_failed"],
  "message.dead_lettered": ["dead_lettered"],
  "message.stalled": ["stalled_detected"],
};

export const triggerKey = {
  message: (messageId: string, type: TTriggerEventType) => `${type}:${messageId}`,
  correction: (messageId: string, kind: TConflictKind) => `message.state_corrected:${messageId}:${kind}`,
} as const;

export function decideTriggers(input: {
  messageId: string;
  before: TTriggerSnapshot | null;
  after: TTriggerSnapshot;
  appended: readonly TAppendedFact[];
}): TTriggerCandidate[] {
  const { messageId, before, after, appended } = input;
  const reached = (type: keyof typeof REACHED_BY, snapshot: TTriggerSnapshot | null) =>
    snapshot !== null && REACHED_BY[type].includes(snapshot.state);
  const timeOf = (type: string): number | null => {
    const types = FACT_OF[type] ?? [];
    const times = appended
      .filter((fact) => types.includes(fact.type) && fact.providerTimestamp !== null)
      .map((fact) => fact.providerTimestamp as number);
    return times.length === 0 ? null : Math.min(...times);
  };
  const candidate = (
    type: TTriggerCandidate["type"],
    extra: Partial<TTriggerCandidate> = {},
  ): TTriggerCandidate => ({
    type,
    dedupeKey: triggerKey.message(messageId, type),
    inferred: false,
    previousState: null,
    correction: null,
    providerTimestamp: timeOf(type),
    ...extra,
  });

  const out: TTriggerCandidate[] = [];
  // corrections first: the receiver learns the earlier report was wrong before the new state
  const newConflicts = after.conflictKinds.filter(
    (kind) => CORRECTION_KINDS.includes(kind) && !(before?.conflictKinds ?? []).includes(kind),
  );
  for (const kind of newConflicts) {
    out.push(
      candidate("message.state_corrected", {
        dedupeKey: triggerKey.correction(messageId, kind),
        previousState: before?.state ?? null,
        correction: kind,
        providerTimestamp: null,
      }),
    );
  }
  for (const type of [
    "message.accepted",
    "message.delivered",
    "message.read",
    "message.failed",
    "message.dead_lettered",
  ] as const) {
    if (!reached(type, after) || reached(type, before)) continue;
    if (type === "message.delivered") {
      const isInferred = !appended.some((fact) => fact.type === "status_delivered");
      out.push(
        candidate(type, {
          inferred: isInferred,
          providerTimestamp: isInferred ? timeOf("message.read") : timeOf(type),
        }),
      );
      continue;
    }
    out.push(candidate(type));
  }
  if (appended.some((fact) => fact.type === "stalled_detected")) out.push(candidate("message.stalled"));
  return out;
}

/** The outbox's filter in memory: candidates whose key was not fired yet, recording them. */
export function fireOnce(fired: Set<string>, candidates: readonly TTriggerCandidate[]): TTriggerCandidate[] {
  const out: TTriggerCandidate[] = [];
  for (const c of candidates) {
    if (fired.has(c.dedupeKey)) continue;
    fired.add(c.dedupeKey);
    out.push(c);
  }
  return out;
}
