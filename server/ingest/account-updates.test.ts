// What number-health, account and template webhooks change, and which alerts they open or close.
import { describe, expect, it } from "vitest";
import { senderChangesFor, templateChangesFor, toMessagingLimitTier } from "./account-updates";

describe("senderChangesFor", () => {
  it("maps quality updates: tier always, FLAGGED/UNFLAGGED status and rating, with alerts", () => {
    expect(
      senderChangesFor("phone_number_quality_update", "UPGRADE", {
        current_limit: "TIER_10K",
        max_daily_conversations_per_business: "TIER_100K",
      }),
    ).toEqual({
      changes: { messagingLimitTier: "TIER_100K" },
      alert: null,
    });
    expect(senderChangesFor("phone_number_quality_update", "FLAGGED", { current_limit: "TIER_1K" })).toEqual({
      changes: { messagingLimitTier: "TIER_1K", status: "FLAGGED", qualityRating: "RED" },
      alert: { action: "open", severity: "warning", title: "Sender number flagged for low quality" },
    });
    expect(senderChangesFor("phone_number_quality_update", "UNFLAGGED", {})).toEqual({
      changes: { status: "CONNECTED", qualityRating: "UNKNOWN" },
      alert: { action: "resolve", reason: "number unflagged" },
    });
  });

  it("maps account events to a status and an alert; unknown events change nothing", () => {
    expect(senderChangesFor("account_update", "ACCOUNT_RESTRICTION", {}).changes).toEqual({
      status: "RESTRICTED",
    });
    expect(
      senderChangesFor("account_update", "DISABLED_UPDATE", { ban_info: { waba_ban_state: "DISABLE" } })
        .changes,
    ).toEqual({ status: "DISCONNECTED" });
    expect(
      senderChangesFor("account_update", "DISABLED_UPDATE", { ban_info: { waba_ban_state: "REINSTATE" } }),
    ).toEqual({
      changes: { status: "CONNECTED" },
      alert: { action: "resolve", reason: "account reinstated" },
    });
    expect(
      senderChangesFor("account_update", "DISABLED_UPDATE", {
        ban_info: { waba_ban_state: "SCHEDULE_FOR_DISABLE" },
      }),
    ).toMatchObject({
      changes: {},
      alert: { action: "open", severity: "critical" },
    });
    expect(senderChangesFor("account_update", "ACCOUNT_VIOLATION", {})).toMatchObject({
      changes: {},
      alert: { action: "open" },
    });
    expect(senderChangesFor("account_update", "PARTNER_ADDED", {})).toEqual({ changes: {}, alert: null });
    expect(senderChangesFor("messages.errors", null, { errors: [] })).toEqual({ changes: {}, alert: null });
  });

  it("never guesses a tier our enum cannot hold", () => {
    expect(toMessagingLimitTier("TIER_2K")).toBe("TIER_2K");
    expect(toMessagingLimitTier("TIER_5K")).toBe("UNKNOWN");
    expect(toMessagingLimitTier("TIER_NOT_SET")).toBe("UNKNOWN");
    expect(toMessagingLimitTier(undefined)).toBeNull();
    expect(toMessagingLimitTier("TIER_UNLIMITED")).toBe("TIER_UNLIMITED");
  });
});

describe("templateChangesFor", () => {
  const identity = {
    message_template_id: 1,
    message_template_name: "order_update",
    message_template_language: "en_US",
  };
  it("takes status from the event, except FLAGGED which leaves the status", () => {
    expect(
      templateChangesFor("message_template_status_update", "PAUSED", {
        ...identity,
        message_template_category: "UTILITY",
      }),
    ).toEqual({
      name: "order_update",
      language: "en_US",
      category: "UTILITY",
      status: "PAUSED",
    });
    expect(templateChangesFor("message_template_status_update", "FLAGGED", identity)).toEqual({
      name: "order_update",
      language: "en_US",
    });
  });

  it("takes quality and category from their updates", () => {
    expect(
      templateChangesFor("message_template_quality_update", null, { ...identity, new_quality_score: "RED" }),
    ).toMatchObject({ qualityScore: "RED" });
    expect(
      templateChangesFor("template_category_update", null, { ...identity, new_category: "MARKETING" }),
    ).toMatchObject({ category: "MARKETING" });
  });
});
