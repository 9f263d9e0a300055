import { describe, expect, it } from "vitest";
import { decideProviderErrorRate, describeErrorJump, errorRate } from "./provider-error-rate";

const rules = { minRejected: 10, jump: 0.2 };
const sample = (requested: number, rejected: number, throttled = 0) => ({ requested, rejected, throttled });

describe("provider error rate", () => {
  it("counts rejections per attempt, never above 1 when retries are refused again", () => {
    expect(errorRate(sample(100, 25))).toBe(0.25);
    expect(errorRate(sample(10, 30))).toBe(1);
    expect(errorRate(sample(0, 0))).toBe(0);
  });

  it("opens on a jump above the baseline with enough rejections; a steady bad rate does not", () => {
    expect(decideProviderErrorRate(sample(100, 30), sample(600, 12), null, rules)).toEqual({
      action: "open",
      rate: 0.3,
      baselineRate: 0.02,
    });
    // the same rate as before: no jump
    expect(decideProviderErrorRate(sample(100, 30), sample(600, 180), null, rules).action).toBe("none");
    // too few, however high the rate
    expect(decideProviderErrorRate(sample(9, 9), sample(600, 0), null, rules).action).toBe("none");
    // a number with no history at all still alerts on its first bad window
    expect(decideProviderErrorRate(sample(20, 20, 20), sample(0, 0), null, rules)).toEqual({
      action: "open",
      rate: 1,
      baselineRate: 0,
    });
    // exactly one jump opens (floating point)
    expect(decideProviderErrorRate(sample(100, 50), sample(100, 30), null, rules).action).toBe("open");
  });

  it("keeps an open alert until the rate is back within half a jump of its own baseline", () => {
    const open = { baselineRate: 0.02 };
    expect(decideProviderErrorRate(sample(100, 20), sample(100, 20), open, rules).action).toBe("keep");
    expect(decideProviderErrorRate(sample(200, 20), sample(100, 20), open, rules).action).toBe("resolve");
    expect(decideProviderErrorRate(sample(10, 5), sample(100, 20), open, rules).action).toBe("resolve");
  });

  it("says what jumped, with the throttled share", () => {
    expect(describeErrorJump("+15550001111", sample(100, 30, 12), 0.02, 10)).toBe(
      "Provider errors jumped for +15550001111: 30 send requests refused (12 throttled, 130429) in 10 min, 30% of attempts (baseline 2%)",
    );
  });
});
