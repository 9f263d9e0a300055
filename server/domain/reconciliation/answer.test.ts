import { describe, expect, it } from "vitest";
import { answerFor, describeFailure, type TAnswerEvent } from "./answer";

const ev = (type: TAnswerEvent["type"], iso: string, error: TAnswerEvent["error"] = null): TAnswerEvent => ({
  type,
  providerTimestamp: new Date(iso),
  recordedAt: new Date(new Date(iso).getTime() + 1000),
  error,
});

describe("answerFor", () => {
  it("a read message: delivered then read, final, no failure", () => {
    const answer = answerFor({
      state: "read",
      since: null,
      lastErrorCode: null,
      events: [
        ev("requested", "2026-12-02T18:32:00Z"),
        ev("status_sent", "2026-12-02T18:32:20Z"),
        ev("status_delivered", "2026-12-02T18:32:28Z"),
        ev("status_read", "2026-12-02T18:32:33Z"),
      ],
    });
    expect(answer.tone).toBe("ok");
    expect(answer.isFinal).toBe(true);
    expect(answer.milestones.map((m) => [m.label, m.at.toISOString()])).toEqual([
      ["Delivered to the handset", "2026-12-02T18:32:28.000Z"],
      ["read", "2026-12-02T18:32:33.000Z"],
    ]);
  });

  it("a failed message carries the catalogue's cause and next step", () => {
    const answer = answerFor({
      state: "failed",
      since: null,
      lastErrorCode: "131026",
      events: [
        ev("status_failed", "2026-12-02T18:32:28Z", { code: "131026", title: "Message undeliverable" }),
      ],
    });
    expect(answer.tone).toBe("bad");
    expect(answer.failure?.code).toBe("131026");
    expect(answer.failure?.cause).toMatch(/WhatsApp user/);
    expect(answer.failure?.nextStep).toBe("reach the person another way");
  });

  it("a sent message is not final and says what is outstanding", () => {
    const answer = answerFor({
      state: "sent",
      since: new Date("2026-12-02T18:32:20Z"),
      lastErrorCode: null,
      events: [ev("status_sent", "2026-12-02T18:32:20Z")],
    });
    expect(answer.isFinal).toBe(false);
    expect(answer.pending).toMatch(/not delivered/);
  });

  it("an unknown code still gives a cause and a next step", () => {
    const failure = describeFailure("999999", "Something odd", "dead_lettered");
    expect(failure.cause.length).toBeGreaterThan(0);
    expect(failure.nextStep).toMatch(/retry/);
  });
});
