// "The recipient may have it twice", said in words on every surface (API view, timeline, evidence,
// the console's filter) from one place: the conflicts that say two attempts may both have reached
// the recipient (R4, R5).

import type { TConflictKind } from "./rules";

/** Conflicts meaning an earlier attempt reached the provider or the recipient before a later one. */
export const DUPLICATE_CONFLICT_KINDS = [
  "superseded_attempt_delivered",
  "superseded_attempt_accepted",
] as const satisfies readonly TConflictKind[];
export type TDuplicateConflictKind = (typeof DUPLICATE_CONFLICT_KINDS)[number];

export type TPossibleDuplicate = {
  /** delivered: an earlier attempt reached the recipient; accepted: the provider had it. */
  certainty: "delivered" | "accepted";
  warning: string;
};

/** The duplicate warning of a message, or null when no two attempts may have reached the recipient. */
export function possibleDuplicate(conflictKinds: readonly string[]): TPossibleDuplicate | null {
  if (conflictKinds.includes("superseded_attempt_delivered")) {
    return {
      certainty: "delivered",
      warning:
        "Possible duplicate: an earlier attempt reached the recipient and a later one was sent too, so the recipient may have this message twice.",
    };
  }
  if (conflictKinds.includes("superseded_attempt_accepted")) {
    return {
      certainty: "accepted",
      warning:
        "Possible duplicate: the provider accepted an earlier attempt and a later one was sent too, so the recipient may get this message twice.",
    };
  }
  return null;
}
