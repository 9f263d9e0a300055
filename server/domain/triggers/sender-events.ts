// sender.paused / sender.resumed / sender.quality_changed from a number's state before and after a
// change. A number is paused while something holds all its messages: the dispatcher's pause (a
// blocking error, or an engineer) or its health (banned, disabled, disconnected, an invalid
// token, an operator's hold). The two causes are separate facts and fire separately, each naming
// itself. Quality changes fire on Meta's rating (GREEN, YELLOW, RED, UNKNOWN) and on its low-quality
// flag being raised or lifted (Meta lifts a flag without saying the new rating).
// Pure: the caller reads the states and the clock.

export type TSenderHoldCause = "dispatch" | "health";

export type TSenderSnapshot = {
  /** what holds all of the number's messages for this cause, or null */
  hold: { code: string; reason: string } | null;
  /** Meta's quality rating; null when never reported */
  quality: string | null;
  /** FLAGGED / UNFLAGGED; null when never reported */
  flag: string | null;
};

export type TSenderEvent = {
  type: "sender.paused" | "sender.resumed" | "sender.quality_changed";
  data: Record<string, unknown>;
};

/**
 * The events a change fires. `before` null: the first view of the number (nothing was reported
 * before, so nothing changed). A hold that only changes its reason fires nothing.
 */
export function decideSenderEvents(
  cause: TSenderHoldCause,
  before: TSenderSnapshot | null,
  after: TSenderSnapshot,
): TSenderEvent[] {
  if (before === null) return [];
  const events: TSenderEvent[] = [];
  if (!before.hold && after.hold) {
    events.push({
      type: "sender.paused",
      data: { cause, code: after.hold.code, reason: after.hold.reason },
    });
  } else if (before.hold && !after.hold) {
    events.push({
      type: "sender.resumed",
      data: { cause, previousCode: before.hold.code, previousReason: before.hold.reason },
    });
  }
  const isRatingChange = after.quality !== null && before.quality !== after.quality;
  const isFlagChange = after.flag !== null && (before.flag ?? "UNFLAGGED") !== after.flag;
  if (isRatingChange || isFlagChange) {
    events.push({
      type: "sender.quality_changed",
      data: {
        previousQuality: before.quality,
        quality: after.quality,
        isFlagged: after.flag === "FLAGGED",
        wasFlagged: before.flag === "FLAGGED",
      },
    });
  }
  return events;
}
