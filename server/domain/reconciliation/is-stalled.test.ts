import { describe, expect, it } from "vitest";

import { acceptedPipeline, at, build } from "../ledger/build-test-events";
import type { TLedgerEvent } from "../ledger/ledger-event";
import { deriveState } from "./derive-state";
import { isStalled, STALL_THRESHOLDS_V1, stallDeadline } from "./is-stalled";
import { RULES_V1 } from "./rules";

const MINUTE = 60_000;
const derive = (events: TLedgerEvent[]) => deriveState(events, RULES_V1);

describe("isStalled", () => {
  it.each([
    ["queued", [build.requested()], STALL_THRESHOLDS_V1.queued],
    ["submitting (in doubt)", [build.requested(), build.started(1)], STALL_THRESHOLDS_V1.submitting],
    ["accepted", acceptedPipeline(), STALL_THRESHOLDS_V1.accepted],
    ["sent", [...acceptedPipeline(), build.status("sent", { at: 70 })], STALL_THRESHOLDS_V1.sent],
  ])(
    "%s stalls once its threshold has passed since the deciding fact was recorded",
    (_name, events, threshold) => {
      const derived = derive(events);
      const since = derived.since!;
      expect(stallDeadline(derived, STALL_THRESHOLDS_V1)).toBe(since + threshold);
      expect(isStalled(derived, since + threshold, STALL_THRESHOLDS_V1)).toBe(false);
      expect(isStalled(derived, since + threshold + 1, STALL_THRESHOLDS_V1)).toBe(true);
    },
  );

  it("measures a retry from when it is due, not from when it was scheduled", () => {
    const derived = derive([
      build.requested(),
      build.started(1),
      build.rejected(1),
      build.retry(2, { notBefore: at(3600) }),
    ]);
    expect(derived.state).toBe("retrying");
    expect(isStalled(derived, at(3600) + 10 * MINUTE, STALL_THRESHOLDS_V1)).toBe(false);
    expect(isStalled(derived, at(3600) + 10 * MINUTE + 1, STALL_THRESHOLDS_V1)).toBe(true);
  });

  it.each([
    ["delivered", [...acceptedPipeline(), build.status("delivered", { at: 1 })]],
    ["read", [...acceptedPipeline(), build.status("read", { at: 1 })]],
    ["failed", [...acceptedPipeline(), build.failed({ at: 1 })]],
    ["rejected", [build.requested(), build.started(1), build.rejected(1)]],
    ["dead_lettered", [build.requested(), build.started(1), build.rejected(1), build.deadLettered(1)]],
    ["cancelled", [build.requested(), build.cancelled()]],
  ])("%s never stalls", (state, events) => {
    const derived = derive(events);
    expect(derived.state).toBe(state);
    expect(stallDeadline(derived, STALL_THRESHOLDS_V1)).toBeNull();
    expect(isStalled(derived, Number.MAX_SAFE_INTEGER, STALL_THRESHOLDS_V1)).toBe(false);
  });

  it("a state without a threshold never stalls, and an empty ledger has no clock", () => {
    const accepted = derive(acceptedPipeline());
    expect(isStalled(accepted, Number.MAX_SAFE_INTEGER, { queued: 1 })).toBe(false);
    expect(isStalled(derive([]), Number.MAX_SAFE_INTEGER, STALL_THRESHOLDS_V1)).toBe(false);
  });

  it("an acceptance Meta holds under template pacing waits for the held threshold, and a sent webhook ends it", () => {
    const held = (pacing: "held_for_quality_assessment" | "paused") => {
      const [requested, started, accepted] = acceptedPipeline();
      return [requested!, started!, { ...accepted!, templatePacing: pacing }] as TLedgerEvent[];
    };
    for (const pacing of ["held_for_quality_assessment", "paused"] as const) {
      const derived = derive(held(pacing));
      expect(derived.state).toBe("accepted");
      expect(derived.pacing).toBe(pacing);
      expect(stallDeadline(derived, STALL_THRESHOLDS_V1)).toBe(derived.since! + STALL_THRESHOLDS_V1.held);
      expect(
        isStalled(derived, derived.since! + STALL_THRESHOLDS_V1.accepted + MINUTE, STALL_THRESHOLDS_V1),
      ).toBe(false);
      // without a held threshold a held message is never flagged
      const { held: _omitted, ...withoutHeld } = STALL_THRESHOLDS_V1;
      expect(isStalled(derived, Number.MAX_SAFE_INTEGER, withoutHeld)).toBe(false);
    }
    const released = derive([...held("held_for_quality_assessment"), build.status("sent", { at: 70 })]);
    expect(released.state).toBe("sent");
    expect(released.pacing).toBeNull();
  });
});
