// Per-sender-number throughput: a token bucket whose rate adapts to the provider (AIMD). Meta
// allows a number 80 messages/s by default and answers 130429 above its level; on a 130429 the
// rate is halved (at most once per cooldown, so a burst of rejections counts as one signal) and
// the bucket is emptied below zero (a short silence); the rate then climbs back linearly.
// Pure: state in, state out; the clock is an argument.

export type TThroughputConfig = {
  /** Messages per second allowed when nothing says otherwise (Meta's default level: 80). */
  defaultMaxRate: number;
  /** The lowest the adaptive rate goes. */
  minRate: number;
  /** Seconds of sending the bucket may hold: bursts stay short so a 1 s window is never overrun. */
  burstSeconds: number;
  /** Multiplicative decrease on a throttle signal. */
  decreaseFactor: number;
  /** Further throttle signals within this many ms of a decrease do not decrease again. */
  decreaseCooldownMs: number;
  /** Additive increase: the share of the maximum rate regained per second without throttling. */
  recoveryPerSecond: number;
  /** Silence imposed by a throttle signal, in seconds of the new rate (negative tokens). */
  penaltySeconds: number;
};

export const DEFAULT_THROUGHPUT: TThroughputConfig = {
  defaultMaxRate: 80,
  minRate: 1,
  burstSeconds: 0.25,
  decreaseFactor: 0.5,
  decreaseCooldownMs: 1_000,
  recoveryPerSecond: 0.05,
  penaltySeconds: 1,
};

export type TSenderRate = {
  /** Per-number override of the default maximum (e.g. after Meta's 1,000 mps upgrade). */
  maxRate: number | null;
  /** The adapted rate at `rateChangedAt`; null means "at the maximum". */
  rate: number | null;
  rateChangedAt: number | null;
  tokens: number;
  tokensAt: number | null;
};

export const INITIAL_SENDER_RATE: TSenderRate = {
  maxRate: null,
  rate: null,
  rateChangedAt: null,
  tokens: 0,
  tokensAt: null,
};

export function maxRateOf(state: TSenderRate, config: TThroughputConfig): number {
  return state.maxRate ?? config.defaultMaxRate;
}

/** The rate in force at `nowMs`: the adapted rate plus what it has regained since. */
export function effectiveRate(state: TSenderRate, nowMs: number, config: TThroughputConfig): number {
  const max = maxRateOf(state, config);
  if (state.rate === null || state.rateChangedAt === null) return max;
  const seconds = Math.max(0, nowMs - state.rateChangedAt) / 1000;
  return Math.min(max, Math.max(config.minRate, state.rate + max * config.recoveryPerSecond * seconds));
}

export function burstOf(rate: number, config: TThroughputConfig): number {
  return Math.max(1, rate * config.burstSeconds);
}

/** The bucket refilled up to `nowMs`. A fresh sender starts with a full bucket. */
export function refill(state: TSenderRate, nowMs: number, config: TThroughputConfig): TSenderRate {
  const rate = effectiveRate(state, nowMs, config);
  const burst = burstOf(rate, config);
  if (state.tokensAt === null) return { ...state, tokens: burst, tokensAt: nowMs };
  const elapsed = Math.max(0, nowMs - state.tokensAt) / 1000;
  return { ...state, tokens: Math.min(burst, state.tokens + elapsed * rate), tokensAt: nowMs };
}

/** Whole messages the sender may start now. */
export function availableSends(state: TSenderRate, nowMs: number, config: TThroughputConfig): number {
  return Math.max(0, Math.floor(refill(state, nowMs, config).tokens + 1e-9));
}

/** Takes `count` sends out of the bucket (refilled to `nowMs` first). */
export function take(
  state: TSenderRate,
  count: number,
  nowMs: number,
  config: TThroughputConfig,
): TSenderRate {
  const filled = refill(state, nowMs, config);
  return { ...filled, tokens: filled.tokens - count };
}

/** When the next whole send becomes available (epoch ms), for sleeping until then. */
export function nextSendAt(state: TSenderRate, nowMs: number, config: TThroughputConfig): number {
  const filled = refill(state, nowMs, config);
  if (filled.tokens >= 1) return nowMs;
  const rate = effectiveRate(state, nowMs, config);
  return nowMs + Math.ceil(((1 - filled.tokens) / rate) * 1000);
}

/** A 130429 for this sender: halve the rate (once per cooldown) and impose a short silence. */
export function onThrottled(state: TSenderRate, nowMs: number, config: TThroughputConfig): TSenderRate {
  const current = effectiveRate(state, nowMs, config);
  const isCoolingDown =
    state.rateChangedAt !== null &&
    state.rate !== null &&
    nowMs - state.rateChangedAt < config.decreaseCooldownMs;
  if (isCoolingDown) {
    // the same burst of rejections: one decrease is enough, but the silence still applies
    return { ...state, tokens: -current * config.penaltySeconds, tokensAt: nowMs };
  }
  const rate = Math.max(config.minRate, current * config.decreaseFactor);
  return { ...state, rate, rateChangedAt: nowMs, tokens: -rate * config.penaltySeconds, tokensAt: nowMs };
}
