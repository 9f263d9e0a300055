// A parsed status as a ledger draft: the ledger's dedupe key, the provider time, the attempt the
// wamid was given, and a payload that a stored orphan round-trips unchanged.
import { describe, expect, it } from "vitest";
import { ZLedgerEventSchema } from "@/server/domain/ledger/ledger-event-schema";
import { readStatusDraft, statusDraft } from "./status-draft";
import type { TParsedStatus } from "./parse-webhook";

const base: TParsedStatus = {
  providerMessageId: "wamid.X",
  status: "delivered",
  providerTimestamp: 1_750_857_384_000,
  bizOpaqueCallbackData: null,
  error: null,
  fields: { recipient_id: "1555", pricing: { billable: true, category: "utility" } },
};

describe("statusDraft", () => {
  it("builds a webhook event draft keyed by wamid and status", () => {
    expect(statusDraft(base, 2)).toEqual({
      type: "status_delivered",
      source: "webhook",
      providerTimestamp: 1_750_857_384_000,
      dedupeKey: "status:wamid.X:delivered",
      payload: base.fields,
      attempt: 2,
      providerMessageId: "wamid.X",
    });
  });

  it("carries the error of a failed status", () => {
    const error = {
      code: "131026",
      title: "Message undeliverable",
      message: "Message undeliverable",
      details: null,
    };
    expect(statusDraft({ ...base, status: "failed", error }, null)).toMatchObject({
      type: "status_failed",
      attempt: null,
      error,
    });
  });

  it("makes drafts the ledger's schema accepts, for every status, and that round-trip through JSON", () => {
    for (const status of ["sent", "delivered", "read", "played", "failed"] as const) {
      const draft = statusDraft(
        {
          ...base,
          status,
          error: status === "failed" ? { code: "1", title: "t", message: "m", details: "d" } : null,
        },
        1,
      );
      expect(ZLedgerEventSchema.safeParse({ ...draft, id: "e", messageId: "m", recordedAt: 0 }).success).toBe(
        true,
      );
      expect(readStatusDraft(JSON.parse(JSON.stringify(draft)))).toEqual(draft);
    }
    expect(() => readStatusDraft({ type: "provider_accepted" })).toThrow();
  });
});
