// The states a message can be derived into. Each state is reached through exactly one event type
// (see stateForEventType); "stalled" is deliberately not a state but a time-based flag (isStalled),
// because how long a fact has gone unanswered is not a fact in the ledger.

export const MESSAGE_STATES = [
  "queued", // requested, no attempt started
  "submitting", // an attempt started, the provider's response is not recorded (in flight or in doubt)
  "accepted", // the provider accepted the attempt synchronously, no status webhook yet
  "sent", // the provider reports the message left for the recipient's device
  "delivered",
  "read",
  "played", // first play of a voice message; implies read
  "failed", // the provider reports the accepted message could not be delivered (an outcome)
  "rejected", // the provider refused the attempt synchronously
  "retrying", // another attempt is scheduled
  "dead_lettered", // the pipeline stopped trying; needs a human
  "cancelled", // cancelled before the provider accepted it
] as const;
export type TMessageState = (typeof MESSAGE_STATES)[number];

/** States that prove the recipient's device has the message (rule R5: they win globally). */
export const DELIVERY_STATES = ["delivered", "read", "played"] as const satisfies readonly TMessageState[];
