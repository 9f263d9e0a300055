import { describe, expect, it } from "vitest";
import { deriveHealth } from "./derive-health";
import type { THealthFact } from "./health-model";
import { isNewSyncFailure, syncDifference } from "./sync-diff";

const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
let seq = 0;
function fact(source: THealthFact["source"], field: string, value: unknown, atMs: number): THealthFact {
  seq += 1;
  return {
    id: `00000000-0000-7000-8000-${String(seq).padStart(12, "0")}`,
    source,
    field,
    event:
      typeof (value as { event?: unknown }).event === "string" ? (value as { event: string }).event : null,
    providerTimestampMs: source === "webhook" ? atMs : null,
    recordedAtMs: atMs,
    value,
  };
}

/** GET /{phone_number_id} as Meta answers it for a healthy number. */
const READ = {
  id: "106540352242923",
  quality_rating: "GREEN",
  status: "CONNECTED",
  throughput: { level: "STANDARD" },
  whatsapp_business_manager_messaging_limit: "TIER_1K",
  name_status: "APPROVED",
  verified_name: "Acme Promotions",
  code_verification_status: "VERIFIED",
};

describe("syncDifference", () => {
  it("a number never read: every field the view lacks", () => {
    expect(syncDifference(deriveHealth([]), READ)).toEqual({
      value: {
        quality_rating: "GREEN",
        status: "CONNECTED",
        throughput: { level: "STANDARD" },
        whatsapp_business_manager_messaging_limit: "TIER_1K",
        name_status: "APPROVED",
        verified_name: "Acme Promotions",
        code_verification_status: "VERIFIED",
      },
      isRecovery: false,
    });
  });

  it("a read that agrees with the view, whatever recorded it: nothing", () => {
    const health = deriveHealth([fact("sync", "sync.phone_number", READ, T0)]);
    expect(syncDifference(health, READ)).toBeNull();
  });

  it("only the fields that differ, compared through the rules (a webhook's RED against a read's YELLOW)", () => {
    const health = deriveHealth([
      fact("sync", "sync.phone_number", READ, T0),
      fact(
        "webhook",
        "phone_number_quality_update",
        { display_phone_number: "15550101002", event: "FLAGGED", current_limit: "TIER_1K" },
        T0 + 1_000,
      ),
    ]);
    expect(syncDifference(health, { ...READ, quality_rating: "YELLOW", status: "FLAGGED" })).toEqual({
      value: { quality_rating: "YELLOW", status: "FLAGGED" },
      isRecovery: false,
    });
    // the limit the webhook restated is the same limit: not a difference
    expect(syncDifference(health, { ...READ, quality_rating: "RED" })).toBeNull();
  });

  it("a new name keeps its status beside it; a throughput upgrade is read from the level", () => {
    const health = deriveHealth([fact("sync", "sync.phone_number", READ, T0)]);
    expect(
      syncDifference(health, { ...READ, verified_name: "Acme Deals", throughput: { level: "HIGH" } })?.value,
    ).toEqual({ name_status: "APPROVED", verified_name: "Acme Deals", throughput: { level: "HIGH" } });
  });

  it("a read after a failed one is recorded even when nothing else changed", () => {
    const health = deriveHealth([
      fact("sync", "sync.phone_number", READ, T0),
      fact("sync", "sync.failed", { error: { code: 190, message: "Error validating access token" } }, T0 + 1),
    ]);
    expect(syncDifference(health, READ)).toEqual({ value: {}, isRecovery: true });
  });
});

describe("isNewSyncFailure", () => {
  const failure = { error: { code: 190, message: "Error validating access token" }, httpStatus: 401 };
  it("the same failure again is not news; a different one, or one after a success, is", () => {
    const ok = deriveHealth([fact("sync", "sync.phone_number", READ, T0)]);
    expect(isNewSyncFailure(ok, failure)).toBe(true);
    const failed = deriveHealth([
      fact("sync", "sync.phone_number", READ, T0),
      fact("sync", "sync.failed", failure, T0 + 1),
    ]);
    expect(isNewSyncFailure(failed, failure)).toBe(false);
    expect(isNewSyncFailure(failed, { error: { code: 2, message: "Service temporarily unavailable" } })).toBe(
      true,
    );
  });
});
