import { describe, expect, it } from "vitest";
import { possibleDuplicate } from "./possible-duplicate";

describe("possibleDuplicate", () => {
  it("says in words that the recipient may have the message twice", () => {
    expect(possibleDuplicate(["superseded_attempt_delivered"])).toEqual({
      certainty: "delivered",
      warning:
        "Possible duplicate: an earlier attempt reached the recipient and a later one was sent too, so the recipient may have this message twice.",
    });
    expect(possibleDuplicate(["superseded_attempt_accepted", "delivered_after_failed"])?.certainty).toBe(
      "accepted",
    );
  });

  it("is null without a superseded attempt", () => {
    expect(possibleDuplicate([])).toBeNull();
    expect(possibleDuplicate(["delivered_after_failed", "cancel_not_honoured"])).toBeNull();
  });
});
