import { describe, expect, it } from "vitest";
import { levelLimitFor, tripCircuit } from "./level-limits";

const M = 60_000;
const limit = { baseMs: 5 * M, maxMs: 60 * M };

describe("levelLimitFor", () => {
  it("131048 and 131064 cool the number down; 4 and 80007 trip the app's and the WABA's circuit", () => {
    expect(levelLimitFor("131048")).toMatchObject({ kind: "cooldown", durationMs: 60 * M });
    expect(levelLimitFor("131064")).toMatchObject({ kind: "cooldown", durationMs: 6 * 60 * M });
    expect(levelLimitFor("4")).toMatchObject({ kind: "circuit", scope: "app" });
    expect(levelLimitFor("80007")).toMatchObject({ kind: "circuit", scope: "waba" });
    expect(levelLimitFor("131026")).toBeNull();
    expect(levelLimitFor("130429")).toBeNull();
  });
});

describe("tripCircuit", () => {
  it("opens for the base time, counts trips while open as one, doubles on a repeat and starts over after a quiet spell", () => {
    const first = tripCircuit(null, limit, 0);
    expect(first).toEqual({ openedAt: 0, openUntil: 5 * M, trips: 1 });
    // more messages hit the same wall while it is open: nothing changes
    expect(tripCircuit(first, limit, 2 * M)).toBe(first);
    // tripped again right after it closed: twice as long
    const second = tripCircuit(first, limit, 6 * M);
    expect(second).toEqual({ openedAt: 6 * M, openUntil: 16 * M, trips: 2 });
    // capped at maxMs
    let state = second;
    for (let i = 0; i < 6; i += 1) state = tripCircuit(state, limit, state.openUntil + 1);
    expect(state.openUntil - state.openedAt).toBe(60 * M);
    // a trip long after the last one closed starts from the base again
    expect(tripCircuit(second, limit, 16 * M + 11 * M)).toEqual({
      openedAt: 27 * M,
      openUntil: 32 * M,
      trips: 1,
    });
  });
});
