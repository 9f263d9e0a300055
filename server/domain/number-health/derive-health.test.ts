import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeFact, deriveHealth, limitLabel, toEpochMs } from "./derive-health";
import type { THealthFact } from "./health-model";
import { decideSending, holdFor, holdStateOf, isHealthy } from "./sending-hold";

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const MIN = 60_000;
const DAY = 86_400_000;
let seq = 0;

/** A stored webhook fact: `value` is the change's value exactly as Meta posts it. */
function webhook(field: string, value: Record<string, unknown>, atMs: number): THealthFact {
  seq += 1;
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    source: "webhook",
    field,
    event: typeof value.event === "string" ? value.event : null,
    providerTimestampMs: atMs,
    recordedAtMs: atMs + 1_000,
    value,
  };
}

function fact(source: THealthFact["source"], field: string, value: unknown, atMs: number): THealthFact {
  seq += 1;
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    source,
    field,
    event: null,
    providerTimestampMs: null,
    recordedAtMs: atMs,
    value,
  };
}

const flagged = (atMs: number) =>
  webhook(
    "phone_number_quality_update",
    {
      display_phone_number: "15550101002",
      event: "FLAGGED",
      current_limit: "TIER_1K",
      max_daily_conversations_per_business: "TIER_1K",
    },
    atMs,
  );
const unflagged = (atMs: number) =>
  webhook(
    "phone_number_quality_update",
    {
      display_phone_number: "15550101002",
      event: "UNFLAGGED",
      current_limit: "TIER_1K",
      max_daily_conversations_per_business: "TIER_1K",
    },
    atMs,
  );
const restricted = (atMs: number, expiresAtMs: number | null, type = "RESTRICTED_BIZ_INITIATED_MESSAGING") =>
  webhook(
    "account_update",
    {
      phone_number: "15550101002",
      event: "ACCOUNT_RESTRICTION",
      restriction_info: [
        expiresAtMs === null
          ? { restriction_type: type }
          : { restriction_type: type, expiration: Math.floor(expiresAtMs / 1000) },
      ],
    },
    atMs,
  );

describe("deriveHealth over Meta's payloads", () => {
  it("keeps FLAGGED and UNFLAGGED apart from a restriction: UNFLAGGED lifts the flag only", () => {
    const health = deriveHealth([
      flagged(T0),
      restricted(T0 + 10 * MIN, T0 + 2 * DAY),
      unflagged(T0 + 20 * MIN),
    ]);
    expect(health.flag).toMatchObject({ state: "UNFLAGGED", atMs: T0 + 20 * MIN, source: "webhook" });
    expect(health.restrictions?.list).toEqual([
      { type: "RESTRICTED_BIZ_INITIATED_MESSAGING", expiresAtMs: T0 + 2 * DAY },
    ]);
    // the quality Meta last implied (low, when it flagged) stays, dated
    expect(health.quality).toMatchObject({ rating: "RED", atMs: T0 });
    expect(health.messagingLimit).toMatchObject({ tier: "TIER_1K" });
  });

  it("a flag never stops sending", () => {
    const decision = decideSending(holdStateOf(deriveHealth([flagged(T0)])), T0 + MIN);
    expect(decision).toEqual({ all: null, templates: null, overriddenBy: null });
  });

  it("a business-messaging restriction holds templates only, and lifts at its expiry", () => {
    const state = holdStateOf(deriveHealth([restricted(T0, T0 + DAY)]));
    const during = decideSending(state, T0 + DAY - 1);
    expect(during.all).toBeNull();
    expect(during.templates).toMatchObject({ code: "biz_messaging_restricted", untilMs: T0 + DAY });
    expect(during.templates?.reason).toBe(
      "business-initiated messaging restricted by Meta until 2026-12-02 09:00 UTC: template messages wait",
    );
    expect(holdFor(during, false)).toBeNull();
    expect(holdFor(during, true)?.code).toBe("biz_messaging_restricted");
    expect(decideSending(state, T0 + DAY)).toEqual({ all: null, templates: null, overriddenBy: null });
  });

  it("a restriction that only blocks adding numbers or calling holds nothing", () => {
    const health = deriveHealth([restricted(T0, null, "RESTRICTED_ADD_PHONE_NUMBER_ACTION")]);
    expect(health.restrictions?.list[0]?.type).toBe("RESTRICTED_ADD_PHONE_NUMBER_ACTION");
    expect(decideSending(holdStateOf(health), T0 + DAY)).toEqual({
      all: null,
      templates: null,
      overriddenBy: null,
    });
    expect(isHealthy(health, T0 + MIN)).toBe(false);
  });

  it("a later restriction report replaces the list; an empty list lifts it", () => {
    const lifted = webhook(
      "account_update",
      { event: "ACCOUNT_RESTRICTION", restriction_info: [] },
      T0 + MIN,
    );
    const health = deriveHealth([restricted(T0, null), lifted]);
    expect(health.restrictions?.list).toEqual([]);
    expect(decideSending(holdStateOf(health), T0 + 2 * MIN).templates).toBeNull();
  });

  it("reads TIER_2K, the portfolio limit and a throughput upgrade", () => {
    const health = deriveHealth([
      webhook(
        "phone_number_quality_update",
        {
          display_phone_number: "15550101002",
          event: "UPGRADE",
          old_limit: "TIER_1K",
          current_limit: "TIER_2K",
          max_daily_conversations_per_business: "TIER_2K",
        },
        T0,
      ),
      webhook(
        "business_capability_update",
        {
          max_daily_conversation_per_phone: 2000,
          max_daily_conversations_per_business: 2000,
          max_phone_numbers_per_business: 2,
          max_phone_numbers_per_waba: 2,
        },
        T0 + MIN,
      ),
      webhook(
        "phone_number_quality_update",
        {
          display_phone_number: "15550101002",
          event: "THROUGHPUT_UPGRADE",
          current_limit: "TIER_UNLIMITED",
          max_daily_conversations_per_business: "TIER_UNLIMITED",
        },
        T0 + 2 * MIN,
      ),
    ]);
    expect(health.portfolioLimit).toMatchObject({ perDay: 2000, atMs: T0 + MIN });
    expect(health.throughput).toMatchObject({ level: "HIGH" });
    expect(health.messagingLimit).toMatchObject({ tier: "TIER_UNLIMITED" });
    expect(holdStateOf(health).rateCeiling).toBe(1000);
    const before = deriveHealth([
      webhook(
        "phone_number_quality_update",
        { display_phone_number: "1", event: "UPGRADE", current_limit: "TIER_2K" },
        T0,
      ),
    ]);
    expect(before.messagingLimit).toMatchObject({ tier: "TIER_2K", reported: "TIER_2K" });
    expect(holdStateOf(before).rateCeiling).toBeNull();
  });

  it("bans, disables and disconnections stop everything; reinstatement and reconnection lift them", () => {
    const disabled = webhook(
      "account_update",
      { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "DISABLE", waba_ban_date: "2026-12-01" } },
      T0,
    );
    const decision = decideSending(holdStateOf(deriveHealth([disabled])), T0 + MIN);
    expect(decision.all).toMatchObject({ code: "disabled", scope: "all" });
    const reinstated = webhook(
      "account_update",
      { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "REINSTATE" } },
      T0 + MIN,
    );
    expect(decideSending(holdStateOf(deriveHealth([disabled, reinstated])), T0 + 2 * MIN).all).toBeNull();
    const offboarded = webhook("account_update", { event: "ACCOUNT_OFFBOARDED" }, T0);
    expect(decideSending(holdStateOf(deriveHealth([offboarded])), T0 + MIN).all?.code).toBe("disconnected");
    const back = webhook("account_update", { event: "ACCOUNT_RECONNECTED" }, T0 + MIN);
    expect(decideSending(holdStateOf(deriveHealth([offboarded, back])), T0 + MIN).all).toBeNull();
  });

  it("records a sync's differences and failures; a 190 makes the token invalid until a sync succeeds", () => {
    const sync = fact(
      "sync",
      "sync.phone_number",
      { quality_rating: "YELLOW", throughput: { level: "STANDARD" }, name_status: "APPROVED" },
      T0,
    );
    const failed = fact(
      "sync",
      "sync.failed",
      { httpStatus: 401, error: { code: 190, message: "Error validating access token" } },
      T0 + MIN,
    );
    const broken = deriveHealth([sync, failed]);
    expect(broken.quality).toMatchObject({ rating: "YELLOW", source: "sync" });
    expect(broken.lastSync).toMatchObject({ ok: false, error: "190: Error validating access token" });
    expect(decideSending(holdStateOf(broken), T0 + 2 * MIN).all?.code).toBe("token_invalid");
    const ok = fact("sync", "sync.phone_number", {}, T0 + 2 * MIN);
    expect(decideSending(holdStateOf(deriveHealth([sync, failed, ok])), T0 + 3 * MIN).all).toBeNull();
  });

  it("reads a display-name decision, a verified account, a deleted account; keeps violations as history only", () => {
    const name = webhook(
      "phone_number_name_update",
      {
        display_phone_number: "15550101002",
        decision: "APPROVED",
        requested_verified_name: "Acme Deals",
        rejection_reason: null,
      },
      T0,
    );
    const verified = webhook("account_update", { event: "VERIFIED_ACCOUNT" }, T0 + MIN);
    const violation = webhook(
      "account_update",
      { event: "ACCOUNT_VIOLATION", violation_info: { violation_type: "SCAM" } },
      T0 + 2 * MIN,
    );
    const health = deriveHealth([name, verified, violation]);
    expect(health.nameStatus).toMatchObject({ status: "APPROVED", name: "Acme Deals", atMs: T0 });
    expect(health.verification).toMatchObject({ status: "VERIFIED", atMs: T0 + MIN });
    // a violation names no state of the number: in the history, nothing in the view
    expect(health.factCount).toBe(3);
    expect(health.lastFactId).toBe(violation.id);
    expect(describeFact(violation)).toEqual(["Recorded (no change to the view)"]);
    const deleted = webhook("account_update", { event: "ACCOUNT_DELETED" }, T0 + 3 * MIN);
    expect(decideSending(holdStateOf(deriveHealth([name, deleted])), T0 + 4 * MIN).all).toMatchObject({
      code: "disconnected",
      reason: "number deleted (ACCOUNT_DELETED)",
    });
  });

  it("words each fact for the timeline, the limit as a pill", () => {
    expect(describeFact(flagged(T0))).toEqual([
      "Quality rating: Red",
      "Flagged for low quality",
      "Limit: 1K per 24 h",
    ]);
    expect(describeFact(restricted(T0, T0 + DAY))).toEqual([
      "Restricted: Business-initiated messaging until 2026-12-02 09:00 UTC",
    ]);
    expect(limitLabel("TIER_2K")).toBe("Limit: 2K per 24 h");
    expect(limitLabel("TIER_UNLIMITED")).toBe("Limit: unlimited");
    expect(limitLabel(null, 2000)).toBe("Limit: 2K per 24 h");
    expect(limitLabel(null, -1)).toBe("Limit: unlimited");
    expect(limitLabel(null)).toBe("Limit: unknown");
  });

  it("coexistence numbers run at 20/s", () => {
    const health = deriveHealth([fact("sync", "sync.phone_number", { is_on_biz_app: true }, T0)]);
    expect(holdStateOf(health).rateCeiling).toBe(20);
  });

  it("an operator override holds, or sends despite a state, until it expires", () => {
    const disabled = webhook(
      "account_update",
      { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "DISABLE" } },
      T0,
    );
    const send = fact(
      "operator",
      "operator.override",
      { mode: "send", reason: "Meta support confirmed", actor: "user:e@x", expiresAt: T0 + 60 * MIN },
      T0 + MIN,
    );
    const state = holdStateOf(deriveHealth([disabled, send]));
    expect(decideSending(state, T0 + 2 * MIN).all).toBeNull();
    expect(decideSending(state, T0 + 2 * MIN).overriddenBy).toMatch(/^sending despite disabled/);
    expect(decideSending(state, T0 + 61 * MIN).all?.code).toBe("disabled");
    const hold = fact(
      "operator",
      "operator.override",
      { mode: "hold", reason: "token rotation", actor: "user:e@x", expiresAt: T0 + 60 * MIN },
      T0,
    );
    expect(decideSending(holdStateOf(deriveHealth([hold])), T0 + MIN).all?.reason).toBe(
      "held by an operator until 2026-12-01 10:00 UTC: token rotation",
    );
    const clear = fact("operator", "operator.override", { mode: "clear", reason: "done" }, T0 + MIN);
    expect(deriveHealth([hold, clear]).override).toBeNull();
  });

  it("carries the old columns over as a baseline that later facts supersede", () => {
    const baseline = fact(
      "migration",
      "migration.baseline",
      { status: "FLAGGED", qualityRating: "RED", messagingLimitTier: "TIER_1K" },
      T0 - DAY,
    );
    const health = deriveHealth([baseline]);
    expect(health.flag).toMatchObject({ state: "FLAGGED", source: "migration" });
    expect(decideSending(holdStateOf(health), T0).all).toBeNull();
    expect(deriveHealth([baseline, unflagged(T0)]).flag?.state).toBe("UNFLAGGED");
  });

  it("is independent of the order facts arrive in, and of duplicates", () => {
    const facts = [
      flagged(T0),
      restricted(T0 + MIN, T0 + DAY),
      unflagged(T0 + 2 * MIN),
      webhook("business_capability_update", { max_daily_conversations_per_business: -1 }, T0 + 3 * MIN),
      fact("sync", "sync.phone_number", { quality_rating: "GREEN" }, T0 + 4 * MIN),
      webhook("account_update", { event: "ACCOUNT_OFFBOARDED" }, T0 + 5 * MIN),
    ];
    const expected = deriveHealth(facts);
    fc.assert(
      fc.property(fc.shuffledSubarray(facts, { minLength: facts.length }), (shuffled) => {
        expect(deriveHealth(shuffled)).toEqual(expected);
      }),
    );
  });

  it("reads Meta's expiry in seconds, milliseconds or ISO text", () => {
    expect(toEpochMs(1764579600)).toBe(1764579600_000);
    expect(toEpochMs("1764579600")).toBe(1764579600_000);
    expect(toEpochMs("2026-12-01T09:00:00Z")).toBe(T0);
    expect(toEpochMs(null)).toBeNull();
  });
});
