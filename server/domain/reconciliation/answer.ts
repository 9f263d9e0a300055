// The answer a support agent pastes into a ticket: what happened to the message, when, and, for a
// failure, the plain-language cause and the next step. Built from the derived state and the
// ledger's facts; the times stay instants so the console can name them in the viewer's time zone.
import { errorCodeInfo } from "../insights/error-hints";
import type { TLedgerEventType } from "../ledger/ledger-event";
import type { TMessageState } from "./message-state";

export type TAnswerTone = "ok" | "progress" | "bad" | "neutral";

export type TAnswerMilestone = {
  /** "Delivered to the handset", "read": the first milestone is capitalised, the rest follow */
  label: string;
  at: Date;
};

export type TAnswerFailure = {
  /** "131026" or null when the failure carried no code */
  code: string | null;
  /** "the number is not a WhatsApp user or cannot receive this message" */
  cause: string;
  /** "try another channel" */
  nextStep: string;
};

export type TMessageAnswer = {
  state: TMessageState;
  tone: TAnswerTone;
  /** the headline's verb phrase for the state ("Delivered to the handset", "Failed") */
  headline: string;
  /** the moments in order; the first one carries the date */
  milestones: TAnswerMilestone[];
  /** what is still outstanding, for states that are not final ("not yet delivered") */
  pending: string | null;
  failure: TAnswerFailure | null;
  /** whether the pipeline can still change this message's state by itself */
  isFinal: boolean;
};

export type TAnswerEvent = {
  type: TLedgerEventType;
  providerTimestamp: Date | null;
  recordedAt: Date;
  error: { code: string; title: string } | null;
};

const FINAL_STATES: readonly TMessageState[] = [
  "read",
  "played",
  "failed",
  "rejected",
  "dead_lettered",
  "cancelled",
];

/** States the pipeline will not move on its own (delivered can still become read). */
export function isFinalState(state: TMessageState): boolean {
  return FINAL_STATES.includes(state);
}

/** The provider's time of a fact when it gave one, else when Waybill recorded it. */
function momentOf(event: TAnswerEvent): Date {
  return event.providerTimestamp ?? event.recordedAt;
}

function firstOf(events: readonly TAnswerEvent[], type: TLedgerEventType): TAnswerEvent | undefined {
  return events.find((e) => e.type === type);
}

function lastOf(
  events: readonly TAnswerEvent[],
  types: readonly TLedgerEventType[],
): TAnswerEvent | undefined {
  return events.findLast((e) => types.includes(e.type));
}

/**
 * Plain words for a failure's cause and the next step, from the error catalogue. The catalogue's
 * hints read "<what it means>; <what to do>"; the part after the last "; " is the next step.
 */
export function describeFailure(
  code: string | null,
  fallbackTitle: string | null,
  state: TMessageState,
): TAnswerFailure {
  const info = code ? errorCodeInfo(code) : null;
  const hint = info?.hint ?? null;
  const split = hint ? hint.lastIndexOf("; ") : -1;
  const defaultStep =
    state === "dead_lettered"
      ? "an engineer can retry it from Dead letters once the cause is fixed"
      : "check the cause, then send again if it still matters";
  if (hint && split > 0) {
    return {
      code,
      cause: lowerFirst(hint.slice(0, split)),
      nextStep: stripStop(hint.slice(split + 2)),
    };
  }
  const cause = hint
    ? stripStop(lowerFirst(hint))
    : lowerFirst(
        info && info.title !== `Error ${code}` ? info.title : (fallbackTitle ?? "no reason was given"),
      );
  return { code, cause, nextStep: defaultStep };
}

function lowerFirst(text: string): string {
  // keep acronyms ("WhatsApp", "API") as written
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function stripStop(text: string): string {
  return text.replace(/\.\s*$/, "");
}

/** The ticket answer for a message in `state`, from its ledger events in order. */
export function answerFor(input: {
  state: TMessageState;
  since: Date | null;
  events: readonly TAnswerEvent[];
  lastErrorCode: string | null;
}): TMessageAnswer {
  const { state, events } = input;
  const at = (event: TAnswerEvent | undefined): Date | null => (event ? momentOf(event) : null);
  const milestones: TAnswerMilestone[] = [];
  const push = (label: string, when: Date | null) => {
    if (when) milestones.push({ label, at: when });
  };
  const failureEvent = lastOf(events, ["status_failed", "provider_rejected", "dead_lettered"]);
  const failureOf = () =>
    describeFailure(
      failureEvent?.error?.code ?? input.lastErrorCode,
      failureEvent?.error?.title ?? null,
      state,
    );
  const base = { state, isFinal: isFinalState(state) };
  switch (state) {
    case "read":
    case "played": {
      push("Delivered to the handset", at(firstOf(events, "status_delivered")));
      push("read", at(firstOf(events, "status_read")));
      if (state === "played") push("played", at(firstOf(events, "status_played")));
      if (milestones.length === 0) push(state === "read" ? "Read" : "Played", input.since);
      return {
        ...base,
        tone: "ok",
        headline: state === "read" ? "Read" : "Played",
        milestones,
        pending: null,
        failure: null,
      };
    }
    case "delivered":
      push("Delivered to the handset", at(firstOf(events, "status_delivered")) ?? input.since);
      return {
        ...base,
        tone: "ok",
        headline: "Delivered to the handset",
        milestones,
        pending: "not read yet (or the recipient turned read receipts off)",
        failure: null,
      };
    case "sent":
      push("Sent by WhatsApp", at(firstOf(events, "status_sent")) ?? input.since);
      return {
        ...base,
        tone: "progress",
        headline: "Sent by WhatsApp",
        milestones,
        pending: "not delivered to the handset yet",
        failure: null,
      };
    case "accepted":
      push("Accepted by WhatsApp", at(firstOf(events, "provider_accepted")) ?? input.since);
      return {
        ...base,
        tone: "progress",
        headline: "Accepted by WhatsApp",
        milestones,
        pending: "no delivery report yet",
        failure: null,
      };
    case "submitting":
      push("Being handed to WhatsApp", at(lastOf(events, ["attempt_started"])) ?? input.since);
      return {
        ...base,
        tone: "progress",
        headline: "Being handed to WhatsApp",
        milestones,
        pending: "WhatsApp has not answered yet",
        failure: null,
      };
    case "queued":
      push("Queued", at(firstOf(events, "requested")) ?? input.since);
      return {
        ...base,
        tone: "progress",
        headline: "Queued",
        milestones,
        pending: "not sent yet",
        failure: null,
      };
    case "retrying": {
      push("Retrying", input.since);
      const failure = failureEvent ? failureOf() : null;
      return {
        ...base,
        tone: "bad",
        headline: "Retrying",
        milestones,
        pending: "another attempt is scheduled",
        failure,
      };
    }
    case "failed":
    case "rejected":
    case "dead_lettered": {
      const headline =
        state === "failed" ? "Failed" : state === "rejected" ? "Rejected by WhatsApp" : "Dead-lettered";
      push(headline, at(failureEvent) ?? input.since);
      return { ...base, tone: "bad", headline, milestones, pending: null, failure: failureOf() };
    }
    case "cancelled":
      push("Cancelled", at(lastOf(events, ["cancelled"])) ?? input.since);
      return { ...base, tone: "neutral", headline: "Cancelled", milestones, pending: null, failure: null };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}
