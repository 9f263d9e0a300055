// Turns receipt groups (one per fact) into resolved facts: role, attempt (R3) and phase rank (R4).
// Everything here is a function of the SET of facts, which is what makes derivation independent of
// arrival order and duplicates.

import { compareStrings, type TReceiptGroup } from "../ledger/group-receipts";
import type { TLedgerEvent, TLedgerEventType } from "../ledger/ledger-event";
import type { TPositionalEventType, TReconciliationRules } from "./rules";

/** positional: takes part in R4; cancel: R9; inert: never changes state (R2). */
export type TFactRole = "positional" | "cancel" | "inert";

export type TResolvedFact = {
  dedupeKey: string;
  /** The fact's canonical content (R1). */
  event: TLedgerEvent;
  role: TFactRole;
  /** Set exactly when role is "positional". */
  positionalType: TPositionalEventType | null;
  /** Resolved attempt (R3); null for cancels and inert facts, which belong to no attempt. */
  attempt: number | null;
  /** Phase rank within the attempt (R4); -1 when not positional. */
  rank: number;
  /** When the first receipt was recorded; used only for `since`, never for a decision. */
  firstRecordedAt: number;
  isDivergent: boolean;
};

export type TFactSet = {
  facts: readonly TResolvedFact[];
  /** The highest attempt number any fact names (0 when none): "the current attempt". */
  latestAttempt: number;
};

/** A stable, content-based reference to a fact, identical for every receipt of it. */
export type TFactRef = {
  dedupeKey: string;
  type: TLedgerEventType;
  attempt: number | null;
  providerTimestamp: number | null;
};

type TAttemptClaim = { kind: "fixed"; attempt: number } | { kind: "unattributed" } | { kind: "none" };

type TClassification = { role: TFactRole; positionalType: TPositionalEventType | null; claim: TAttemptClaim };

function classify(event: TLedgerEvent): TClassification {
  const positional = (type: TPositionalEventType, claim: TAttemptClaim): TClassification => ({
    role: "positional",
    positionalType: type,
    claim,
  });
  switch (event.type) {
    case "requested":
      return positional(event.type, { kind: "fixed", attempt: 0 });
    case "retry_scheduled":
    case "attempt_started":
    case "provider_rejected":
    case "dead_lettered":
    case "provider_accepted":
      return positional(event.type, { kind: "fixed", attempt: event.attempt });
    case "status_sent":
    case "status_failed":
    case "status_delivered":
    case "status_read":
    case "status_played":
      return positional(
        event.type,
        event.attempt === null ? { kind: "unattributed" } : { kind: "fixed", attempt: event.attempt },
      );
    case "cancelled":
      return { role: "cancel", positionalType: null, claim: { kind: "none" } };
    case "stalled_detected":
    case "manual_action":
    case "annotation":
    case "state_recomputed":
      return { role: "inert", positionalType: null, claim: { kind: "none" } };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** Whether a fact shows that an attempt was really made (so an unattributed webhook can be one of its). */
function provesStartedAttempt(type: TPositionalEventType): boolean {
  switch (type) {
    case "attempt_started":
    case "provider_rejected":
    case "provider_accepted":
    case "status_sent":
    case "status_failed":
    case "status_delivered":
    case "status_read":
    case "status_played":
      return true;
    case "requested":
    case "retry_scheduled": // announces an attempt that may not have started yet
    case "dead_lettered":
      return false;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

export function resolveFacts(groups: readonly TReceiptGroup[], rules: TReconciliationRules): TFactSet {
  const classified = groups.map((group) => ({ group, ...classify(group.fact) }));

  // R3: an unattributed webhook is about the latest attempt that was actually made. Not the latest
  // scheduled one: a retry that has not started cannot have produced a webhook.
  let latestStarted = 0;
  for (const { positionalType, claim } of classified) {
    if (positionalType !== null && claim.kind === "fixed" && provesStartedAttempt(positionalType)) {
      latestStarted = Math.max(latestStarted, claim.attempt);
    }
  }

  const attributeUnattributed =
    rules.version >= 2 ? attributeByWamid(classified, latestStarted) : () => latestStarted;

  let latestAttempt = 0;
  const facts = classified.map(({ group, role, positionalType, claim }): TResolvedFact => {
    const attempt =
      claim.kind === "fixed"
        ? claim.attempt
        : claim.kind === "unattributed"
          ? attributeUnattributed(group.fact)
          : null;
    if (attempt !== null) latestAttempt = Math.max(latestAttempt, attempt);
    return {
      dedupeKey: group.dedupeKey,
      event: group.fact,
      role,
      positionalType,
      attempt,
      rank: positionalType === null ? -1 : rules.phaseRank[positionalType],
      firstRecordedAt: group.firstReceivedAt,
      isDivergent: group.isDivergent,
    };
  });
  return { facts, latestAttempt };
}

/**
 * R3 from rules v2: an unattributed webhook belongs to the attempt that produced its wamid.
 * - the attempt whose acceptance (or an attributed webhook) names the same wamid;
 * - else the latest started attempt whose wamid is unknown (its answer was lost: a timeout, a
 *   dropped connection), never an attempt known by another wamid: a wamid that differs from the
 *   latest attempt's belongs to an earlier attempt, never to the latest one;
 * - else (every started attempt is known by another wamid) attempt 0: no attempt produced it.
 */
function attributeByWamid(
  classified: readonly {
    group: TReceiptGroup;
    positionalType: TPositionalEventType | null;
    claim: TAttemptClaim;
  }[],
  latestStarted: number,
): (event: TLedgerEvent) => number {
  const byWamid = new Map<string, number>();
  const started = new Set<number>();
  for (const { group, positionalType, claim } of classified) {
    if (positionalType === null || claim.kind !== "fixed") continue;
    if (provesStartedAttempt(positionalType)) started.add(claim.attempt);
    const event = group.fact;
    const wamid =
      event.type === "provider_accepted" || isStatusType(positionalType)
        ? (event as { providerMessageId?: string }).providerMessageId
        : undefined;
    // the lowest attempt naming a wamid (one wamid is one attempt's; a tie cannot happen in practice)
    if (wamid !== undefined) byWamid.set(wamid, Math.min(byWamid.get(wamid) ?? claim.attempt, claim.attempt));
  }
  const known = new Set(byWamid.values());
  let latestUnknown = 0;
  for (let attempt = latestStarted; attempt >= 1; attempt -= 1) {
    if (started.has(attempt) && !known.has(attempt)) {
      latestUnknown = attempt;
      break;
    }
  }
  return (event) => {
    const wamid = "providerMessageId" in event ? event.providerMessageId : undefined;
    if (typeof wamid === "string") {
      const named = byWamid.get(wamid);
      if (named !== undefined) return named;
    }
    return latestUnknown;
  };
}

export function toFactRef(fact: TResolvedFact): TFactRef {
  return {
    dedupeKey: fact.dedupeKey,
    type: fact.event.type,
    attempt: fact.attempt,
    providerTimestamp: fact.event.providerTimestamp,
  };
}

/** A provider status webhook (as opposed to our own pipeline facts). */
export function isStatusType(type: TPositionalEventType): boolean {
  return type.startsWith("status_");
}

export function isDeliveryEvidence(fact: TResolvedFact): boolean {
  return (
    fact.positionalType === "status_delivered" ||
    fact.positionalType === "status_read" ||
    fact.positionalType === "status_played"
  );
}

/** Acceptance evidence for an attempt: the provider said yes, synchronously or by any webhook. */
export function isAcceptanceEvidence(fact: TResolvedFact): boolean {
  switch (fact.positionalType) {
    case "provider_accepted":
    case "status_sent":
    case "status_failed":
    case "status_delivered":
    case "status_read":
    case "status_played":
      return true;
    case "requested":
    case "retry_scheduled":
    case "attempt_started":
    case "provider_rejected":
    case "dead_lettered":
    case null:
      return false;
    default: {
      const unreachable: never = fact.positionalType;
      return unreachable;
    }
  }
}

/** R12: earlier provider timestamp first, a missing one last, then dedupeKey. Total on facts. */
export function compareTieBreak(a: TResolvedFact, b: TResolvedFact): number {
  const ta = a.event.providerTimestamp;
  const tb = b.event.providerTimestamp;
  if (ta !== tb) {
    if (ta === null) return 1;
    if (tb === null) return -1;
    return ta - tb;
  }
  return compareStrings(a.dedupeKey, b.dedupeKey);
}

/** R4 order, the winner first: latest attempt, then highest phase rank, then R12. */
export function comparePosition(a: TResolvedFact, b: TResolvedFact): number {
  return (b.attempt ?? -1) - (a.attempt ?? -1) || b.rank - a.rank || compareTieBreak(a, b);
}

/** R5 order for delivery evidence, the winner first: highest status, then latest attempt, then R12. */
export function compareDelivery(a: TResolvedFact, b: TResolvedFact): number {
  return b.rank - a.rank || (b.attempt ?? -1) - (a.attempt ?? -1) || compareTieBreak(a, b);
}

/** The first element by `compare`, without sorting (derivation runs once per timeline prefix). */
export function pickFirst<T>(items: Iterable<T>, compare: (a: T, b: T) => number): T | null {
  let best: T | null = null;
  for (const item of items) if (best === null || compare(item, best) < 0) best = item;
  return best;
}
