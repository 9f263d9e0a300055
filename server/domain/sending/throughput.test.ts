import { describe, expect, it } from "vitest";
import {
  availableSends,
  DEFAULT_THROUGHPUT,
  effectiveRate,
  INITIAL_SENDER_RATE,
  nextSendAt,
  onThrottled,
  take,
  type TSenderRate,
} from "./throughput";

const T0 = 1_000_000;
const config = DEFAULT_THROUGHPUT;

/** Simulates a sender taking everything it may, every `stepMs`, for `ms`; returns the sends. */
function drain(
  state: TSenderRate,
  fromMs: number,
  ms: number,
  stepMs = 10,
): { sent: number; state: TSenderRate } {
  let s = state;
  let sent = 0;
  for (let t = fromMs; t <= fromMs + ms; t += stepMs) {
    const n = availableSends(s, t, config);
    if (n > 0) {
      s = take(s, n, t, config);
      sent += n;
    }
  }
  return { sent, state: s };
}

describe("the sender's token bucket", () => {
  it("holds the default 80 messages/s, in short bursts", () => {
    // a fresh sender may start with a burst of a quarter second's worth
    expect(availableSends(INITIAL_SENDER_RATE, T0, config)).toBe(20);
    const { sent } = drain(INITIAL_SENDER_RATE, T0, 10_000);
    // 10 s at 80/s plus the initial burst
    expect(sent).toBeGreaterThanOrEqual(800);
    expect(sent).toBeLessThanOrEqual(821);
  });

  it("never lets more than rate + burst through in any 1 s window (Meta's level is never overrun by much)", () => {
    let s = INITIAL_SENDER_RATE;
    const times: number[] = [];
    for (let t = T0; t <= T0 + 5_000; t += 7) {
      const n = availableSends(s, t, config);
      if (n > 0) {
        s = take(s, n, t, config);
        for (let i = 0; i < n; i += 1) times.push(t);
      }
    }
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i += 1) {
      while (times[i]! - times[j]! >= 1_000) j += 1;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(80 + 20);
  });

  it("honours a per-number maximum (e.g. after Meta's 1,000 mps upgrade)", () => {
    const upgraded = { ...INITIAL_SENDER_RATE, maxRate: 1_000 };
    expect(effectiveRate(upgraded, T0, config)).toBe(1_000);
    expect(drain(upgraded, T0, 1_000).sent).toBeGreaterThanOrEqual(1_000);
  });

  it("tells when the next send is possible", () => {
    const empty = take(INITIAL_SENDER_RATE, 20, T0, config);
    expect(availableSends(empty, T0, config)).toBe(0);
    expect(nextSendAt(empty, T0, config)).toBe(T0 + 13); // 1/80 s
  });
});

describe("adaptive lowering on 130429 (AIMD)", () => {
  it("halves the rate and imposes a second of silence", () => {
    const throttled = onThrottled(INITIAL_SENDER_RATE, T0, config);
    expect(effectiveRate(throttled, T0, config)).toBe(40);
    expect(availableSends(throttled, T0 + 900, config)).toBe(0);
    expect(availableSends(throttled, T0 + 1_100, config)).toBeGreaterThan(0);
  });

  it("counts a burst of rejections as one signal (one decrease per cooldown)", () => {
    let s = onThrottled(INITIAL_SENDER_RATE, T0, config);
    for (let i = 1; i <= 15; i += 1) s = onThrottled(s, T0 + i * 20, config);
    expect(effectiveRate(s, T0 + 300, config)).toBeCloseTo(40 + 80 * 0.05 * 0.3, 5);
    // after the cooldown a new signal halves again
    s = onThrottled(s, T0 + 1_500, config);
    expect(effectiveRate(s, T0 + 1_500, config)).toBeLessThan(25);
  });

  it("climbs back linearly to the maximum without throttling", () => {
    const throttled = onThrottled(INITIAL_SENDER_RATE, T0, config);
    expect(effectiveRate(throttled, T0 + 5_000, config)).toBeCloseTo(60, 5);
    expect(effectiveRate(throttled, T0 + 10_000, config)).toBe(80);
    expect(effectiveRate(throttled, T0 + 60_000, config)).toBe(80);
  });

  it("settles near a provider limit below the configured rate (the sawtooth stays around it)", () => {
    // the provider allows 20/s; every second the sender sends more than that it is told so
    let s = INITIAL_SENDER_RATE;
    let sentLastSecond: number[] = [];
    const perSecond: number[] = [];
    for (let t = T0; t < T0 + 60_000; t += 10) {
      sentLastSecond = sentLastSecond.filter((x) => x > t - 1_000);
      const n = availableSends(s, t, config);
      if (n > 0) {
        s = take(s, n, t, config);
        for (let i = 0; i < n; i += 1) sentLastSecond.push(t);
        if (sentLastSecond.length > 20) s = onThrottled(s, t, config);
      }
      if ((t - T0) % 1_000 === 0) perSecond.push(sentLastSecond.length);
    }
    const steady = perSecond.slice(20);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(mean).toBeGreaterThan(8);
    expect(mean).toBeLessThan(26);
  });

  it("never goes below the minimum rate", () => {
    let s = INITIAL_SENDER_RATE;
    for (let i = 0; i < 50; i += 1) s = onThrottled(s, T0 + i * 2_000, config);
    expect(effectiveRate(s, T0 + 100_000, config)).toBeGreaterThanOrEqual(config.minRate);
  });
});
