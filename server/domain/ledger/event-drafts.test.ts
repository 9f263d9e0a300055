import { describe, expect, it } from "vitest";
import { dedupeKey } from "./dedupe-key";
import { eventDrafts, type TEventDraft } from "./event-drafts";
import { ZLedgerEventSchema } from "./ledger-event-schema";

const error = {
  code: "131026",
  title: "Message undeliverable",
  message: "Message undeliverable",
  details: null,
};

const every: [string, TEventDraft, string][] = [
  ["requested", eventDrafts.requested(), dedupeKey.requested()],
  ["attempt started", eventDrafts.attemptStarted(2), dedupeKey.attempt(2, "started")],
  ["accepted", eventDrafts.accepted(2, "wamid.X"), dedupeKey.attempt(2, "accepted")],
  ["rejected", eventDrafts.rejected(1, error), dedupeKey.attempt(1, "rejected")],
  [
    "delivered",
    eventDrafts.status("delivered", "wamid.X", 1_700_000_000_000, 2),
    dedupeKey.status("wamid.X", "delivered"),
  ],
  [
    "failed",
    eventDrafts.failed("wamid.X", 1_700_000_000_000, error, null),
    dedupeKey.status("wamid.X", "failed"),
  ],
  [
    "retry scheduled",
    eventDrafts.retryScheduled(3, 1_700_000_060_000, error),
    dedupeKey.attempt(3, "scheduled"),
  ],
  ["dead lettered", eventDrafts.deadLettered(1, "permanent error", error), dedupeKey.deadLettered(1)],
];

describe("event drafts", () => {
  it.each(every)(
    "%s: a valid ledger event once the ledger gives it id, message and time, with its documented key",
    (_, draft, key) => {
      expect(draft.dedupeKey).toBe(key);
      const event = {
        ...draft,
        id: "00000000-0000-4000-8000-000000000001",
        messageId: "m1",
        recordedAt: 1_700_000_000_000,
      };
      expect(ZLedgerEventSchema.safeParse(event).success).toBe(true);
    },
  );

  it("keeps what Meta sent about a status as its payload (the content a re-delivery is compared by)", () => {
    const draft = eventDrafts.status("read", "wamid.Y", 1_700_000_000_000, 1, { conversation: { id: "c1" } });
    expect(draft).toMatchObject({
      type: "status_read",
      source: "webhook",
      payload: { conversation: { id: "c1" } },
    });
  });
});
