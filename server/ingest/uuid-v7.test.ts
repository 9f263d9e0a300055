// UUIDv7 ids order by time, so the inbox's primary key serves time-range scans.
import { describe, expect, it } from "vitest";
import { uuidV7, uuidV7Floor, uuidV7Time } from "./uuid-v7";

describe("uuidV7", () => {
  it("is a version 7, RFC 4122 variant UUID carrying its millisecond", () => {
    const t = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = uuidV7(t);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidV7Time(id)).toBe(t);
  });

  it("sorts by time as text (as PostgreSQL compares uuids), and the floor bounds a millisecond from below", () => {
    const t = Date.UTC(2026, 0, 1);
    const ids = [t + 2, t, t + 1, t + 86_400_000].map((ms) => uuidV7(ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
    for (let i = 0; i < 100; i += 1) {
      expect(uuidV7Floor(t) <= uuidV7(t)).toBe(true);
      expect(uuidV7(t - 1) < uuidV7Floor(t)).toBe(true);
    }
  });

  it("gives distinct ids within one millisecond, across refills of its random pool", () => {
    const t = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 1000 }, () => uuidV7(t));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(uuidV7Time(id)).toBe(t);
  });

  it("refuses times it cannot encode", () => {
    expect(() => uuidV7(-1)).toThrow(RangeError);
    expect(() => uuidV7(2 ** 48)).toThrow(RangeError);
  });
});
