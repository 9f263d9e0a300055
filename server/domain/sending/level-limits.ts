// Limits above the message: some errors say nothing about the message and everything about the
// level that sent it, so backing off message by message only keeps hitting the same wall.
// - 131048 (spam rate limit) and 131064 (limits lowered for template misclassification) restrict
//   the NUMBER for a while: a timed cool-down, after which it sends again by itself (a pause
//   would wait for an engineer although nothing needs fixing but time).
// - 4 (the app's Graph call rate, shared by every tenant) and 80007 (a WhatsApp Business
//   Account's rate) are limits of the APP and of the WABA: a circuit breaker at that level stops
//   every send in its scope until it closes, and opens longer on each repeat.
// Pure: codes and times in, decisions out.

export type TLevelLimit =
  | { kind: "cooldown"; durationMs: number; reason: string }
  | { kind: "circuit"; scope: "app" | "waba"; baseMs: number; maxMs: number; reason: string };

const MINUTE = 60_000;

const LIMITS: Readonly<Record<string, TLevelLimit>> = {
  "131048": {
    kind: "cooldown",
    // Meta lifts the restriction once the number's recent messages stop being blocked or
    // reported; an hour of silence, then the queue tries again (and cools down again if not)
    durationMs: 60 * MINUTE,
    reason: "spam rate limit hit (131048): too many recent messages were blocked or reported",
  },
  "131064": {
    kind: "cooldown",
    // limits lowered for template misclassification last longer than a spam flag
    durationMs: 6 * 60 * MINUTE,
    reason: "messaging limit lowered for template classification violations (131064)",
  },
  "4": {
    kind: "circuit",
    scope: "app",
    baseMs: 5 * MINUTE,
    maxMs: 60 * MINUTE,
    reason: "the app hit Graph's call rate limit (4)",
  },
  "80007": {
    kind: "circuit",
    scope: "waba",
    baseMs: 5 * MINUTE,
    maxMs: 60 * MINUTE,
    reason: "the WhatsApp Business Account hit its rate limit (80007)",
  },
};

/** The level an error code limits, or null for a code about the message alone. */
export function levelLimitFor(code: string): TLevelLimit | null {
  return LIMITS[code] ?? null;
}

export type TCircuitState = { openedAt: number; openUntil: number; trips: number };

/**
 * Opens (or keeps open) a circuit. A trip while open, or soon after it closed (within its last
 * open period), counts as a repeat: the next opening is twice as long, up to maxMs. A trip after
 * a quiet spell starts again from baseMs. A circuit never closes earlier than it already would.
 */
export function tripCircuit(
  existing: TCircuitState | null,
  limit: { baseMs: number; maxMs: number },
  nowMs: number,
): TCircuitState {
  if (existing === null) return { openedAt: nowMs, openUntil: nowMs + limit.baseMs, trips: 1 };
  const lastDuration = existing.openUntil - existing.openedAt;
  if (nowMs < existing.openUntil) return existing; // one wall, many messages: one trip
  const isRepeat = nowMs - existing.openUntil <= lastDuration;
  const trips = isRepeat ? existing.trips + 1 : 1;
  const duration = Math.min(limit.baseMs * 2 ** (trips - 1), limit.maxMs);
  return { openedAt: nowMs, openUntil: nowMs + duration, trips };
}
