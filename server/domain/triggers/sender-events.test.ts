import { describe, expect, it } from "vitest";
import { decideSenderEvents, type TSenderSnapshot } from "./sender-events";

const clear: TSenderSnapshot = { hold: null, quality: "GREEN", flag: null };
const held: TSenderSnapshot = {
  hold: { code: "banned", reason: "number banned by Meta" },
  quality: "GREEN",
  flag: null,
};

describe("decideSenderEvents", () => {
  it("fires paused when a hold starts and resumed when it ends, naming the cause", () => {
    expect(decideSenderEvents("health", clear, held)).toEqual([
      { type: "sender.paused", data: { cause: "health", code: "banned", reason: "number banned by Meta" } },
    ]);
    expect(decideSenderEvents("dispatch", held, clear)).toEqual([
      {
        type: "sender.resumed",
        data: { cause: "dispatch", previousCode: "banned", previousReason: "number banned by Meta" },
      },
    ]);
  });

  it("fires nothing when nothing changed, when only a hold's reason changed, or for a first view", () => {
    expect(decideSenderEvents("health", clear, clear)).toEqual([]);
    expect(
      decideSenderEvents("health", held, { ...held, hold: { code: "disabled", reason: "other" } }),
    ).toEqual([]);
    expect(decideSenderEvents("health", null, held)).toEqual([]);
  });

  it("fires quality_changed on a new rating or a raised or lifted flag, never on an unreported one", () => {
    expect(decideSenderEvents("health", clear, { ...clear, quality: "YELLOW" })).toEqual([
      {
        type: "sender.quality_changed",
        data: { previousQuality: "GREEN", quality: "YELLOW", isFlagged: false, wasFlagged: false },
      },
    ]);
    expect(
      decideSenderEvents("health", { ...clear, flag: "FLAGGED" }, { ...clear, flag: "UNFLAGGED" }).map(
        (e) => e.data,
      ),
    ).toEqual([{ previousQuality: "GREEN", quality: "GREEN", isFlagged: false, wasFlagged: true }]);
    // a first UNFLAGGED says nothing new; a rating no longer reported is not a change
    expect(decideSenderEvents("health", clear, { ...clear, flag: "UNFLAGGED" })).toEqual([]);
    expect(decideSenderEvents("health", clear, { ...clear, quality: null })).toEqual([]);
  });

  it("a pause and a quality change at once fire both", () => {
    expect(
      decideSenderEvents("health", clear, { ...held, quality: "RED", flag: "FLAGGED" }).map((e) => e.type),
    ).toEqual(["sender.paused", "sender.quality_changed"]);
  });
});
