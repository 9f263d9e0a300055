import { describe, expect, it } from "vitest";
import { processingResultText, summariseProcessingResult } from "./processing-result";

describe("processing result", () => {
  it("counts new facts against duplicates", () => {
    const result = {
      statuses: { applied: 2, duplicate: 1, alreadyRecorded: 2, orphaned: 1, ignored: 0 },
      senderHealth: 1,
      templates: 0,
      ignored: {},
      quarantined: 0,
      isReplay: true,
    };
    expect(summariseProcessingResult(result)).toEqual({
      newFacts: 3,
      duplicates: 3,
      orphaned: 1,
      ignored: 0,
      quarantined: 0,
      isReplay: true,
    });
    expect(processingResultText(result)).toBe("3 new facts · 3 duplicates · 1 waiting for their message");
  });

  it("says a replay that found nothing new is all duplicates", () => {
    const result = { statuses: { applied: 0, duplicate: 1 }, quarantined: 0, isReplay: true };
    expect(processingResultText(result)).toBe("0 new facts · 1 duplicate");
  });

  it("says when there is no result instead of showing zeros", () => {
    expect(processingResultText(null)).toBe("not processed yet");
    expect(processingResultText("garbage")).toBe("not processed yet");
  });

  it("reads a partial result, counting what is missing as none", () => {
    expect(processingResultText({ quarantined: 2 })).toBe("0 new facts · 0 duplicates · 2 quarantined");
  });
});
