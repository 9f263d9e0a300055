// Windows end with the bucket holding "now", align to the epoch, and name the grain they read.
import { describe, expect, it } from "vitest";
import { columnOf, windowRange } from "./windows";

const NOW = Date.UTC(2026, 2, 10, 14, 47, 12);

describe("windowRange", () => {
  it("24 h: 48 half-hour columns ending with the current half hour, read from the 30-minute grain", () => {
    const r = windowRange("24h", NOW);
    expect(r.columns).toHaveLength(48);
    expect(r.toMs).toBe(Date.UTC(2026, 2, 10, 15, 0));
    expect(r.fromMs).toBe(Date.UTC(2026, 2, 9, 15, 0));
    expect(r.grain).toBe(30);
    expect(r.columns[1]! - r.columns[0]!).toBe(30 * 60_000);
  });

  it("7 d: 42 four-hour columns; 30 d: 30 UTC days from the daily grain", () => {
    const week = windowRange("7d", NOW);
    expect(week.columns).toHaveLength(42);
    expect(week.toMs).toBe(Date.UTC(2026, 2, 10, 16, 0));
    expect(week.grain).toBe(240);
    const month = windowRange("30d", NOW);
    expect(month.columns).toHaveLength(30);
    expect(month.toMs).toBe(Date.UTC(2026, 2, 11));
    expect(month.fromMs).toBe(Date.UTC(2026, 1, 9));
    expect(month.grain).toBe(1440);
  });

  it("finds a time's column, -1 outside", () => {
    const r = windowRange("24h", NOW);
    expect(columnOf(r, r.fromMs)).toBe(0);
    expect(columnOf(r, NOW)).toBe(47);
    expect(columnOf(r, r.toMs)).toBe(-1);
    expect(columnOf(r, r.fromMs - 1)).toBe(-1);
  });
});
