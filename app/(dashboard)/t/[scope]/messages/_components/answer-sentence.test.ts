import { describe, expect, it } from "vitest";
import { answerSentence } from "./answer-sentence";

const at = (iso: string) => new Date(iso);

describe("answerSentence", () => {
  it("names the zone and gives UTC beside the first moment", () => {
    const text = answerSentence(
      {
        headline: "Read",
        milestones: [
          { label: "Delivered to the handset", at: at("2026-12-02T18:32:28Z") },
          { label: "read", at: at("2026-12-02T18:32:33Z") },
        ],
        pending: null,
        failure: null,
      },
      "Europe/Berlin",
    );
    expect(text).toBe("Delivered to the handset 2 Dec 19:32:28 CET (18:32:28 UTC), read 19:32:33");
  });

  it("prints UTC once when the zone is UTC", () => {
    const text = answerSentence(
      {
        headline: "Sent by WhatsApp",
        milestones: [{ label: "Sent by WhatsApp", at: at("2026-12-02T18:32:28Z") }],
        pending: "not delivered to the handset yet",
        failure: null,
      },
      "UTC",
    );
    expect(text).toBe("Sent by WhatsApp 2 Dec 18:32:28 UTC; not delivered to the handset yet");
  });

  it("gives the date again when a later moment falls on another day", () => {
    const text = answerSentence(
      {
        headline: "Read",
        milestones: [
          { label: "Delivered to the handset", at: at("2026-12-02T22:59:00Z") },
          { label: "read", at: at("2026-12-03T07:00:00Z") },
        ],
        pending: null,
        failure: null,
      },
      "Europe/Berlin",
    );
    expect(text).toBe("Delivered to the handset 2 Dec 23:59:00 CET (22:59:00 UTC), read 3 Dec 08:00:00");
  });

  it("states a failure's code, cause and next step", () => {
    const text = answerSentence(
      {
        headline: "Failed",
        milestones: [{ label: "Failed", at: at("2026-12-02T18:32:28Z") }],
        pending: null,
        failure: { code: "131026", cause: "not a WhatsApp user", nextStep: "reach the person another way" },
      },
      "America/New_York",
    );
    expect(text).toBe(
      "Failed 2 Dec 13:32:28 GMT-5 (18:32:28 UTC): 131026, not a WhatsApp user; reach the person another way",
    );
  });
});
