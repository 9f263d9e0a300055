// The cohort alert's decision: a jump above the baseline opens it, judged against the baseline it
// opened from while open; few stalled messages never alert.
import { describe, expect, it } from "vitest";
import { baselineShare, decideStalledShare, stalledShare } from "./stalled-share";

const rules = { minStalled: 5, jump: 0.2 };

describe("stalled share", () => {
  it("is stalled / waiting, 0 with nothing waiting; the baseline averages samples that had messages", () => {
    expect(stalledShare({ waiting: 20, stalled: 5 })).toBe(0.25);
    expect(stalledShare({ waiting: 0, stalled: 0 })).toBe(0);
    expect(baselineShare([])).toBeNull();
    expect(baselineShare([{ waiting: 0, stalled: 0 }])).toBeNull();
    expect(
      baselineShare([
        { waiting: 10, stalled: 1 },
        { waiting: 10, stalled: 3 },
        { waiting: 0, stalled: 0 },
      ]),
    ).toBeCloseTo(0.2);
  });

  it("opens on a jump of at least `jump` with at least `minStalled` stalled", () => {
    expect(decideStalledShare({ waiting: 10, stalled: 5 }, 0.3, null, rules)).toEqual({
      action: "open",
      share: 0.5,
      baselineShare: 0.3,
    });
    expect(decideStalledShare({ waiting: 10, stalled: 4 }, 0, null, rules).action).toBe("none"); // too few
    expect(decideStalledShare({ waiting: 100, stalled: 45 }, 0.3, null, rules).action).toBe("none"); // +0.15 only
    expect(decideStalledShare({ waiting: 10, stalled: 9 }, null, null, rules).action).toBe("none"); // no history
  });

  it("stays open against the opening baseline and resolves within half a jump of it", () => {
    const open = { baselineShare: 0.1 };
    expect(decideStalledShare({ waiting: 10, stalled: 6 }, 0.6, open, rules).action).toBe("keep"); // moving baseline ignored
    expect(decideStalledShare({ waiting: 100, stalled: 20 }, 0.6, open, rules).action).toBe("resolve");
    expect(decideStalledShare({ waiting: 5, stalled: 4 }, 0.6, open, rules).action).toBe("resolve"); // too few left
  });
});
