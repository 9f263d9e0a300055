// The demo's scenario (written by `npm start` to .waybill/simulator.json): healthy numbers with a
// realistic status mix, one troubled number (low throughput so bursts hit 130429, pair limits,
// more failures, duplicates, reordering, dropped webhooks, slow answers, periodic quality
// changes), and a block of recipients that are not on WhatsApp (131026).
import type { TSimulatorConfig } from "./scenario";

export type TDemoNumber = {
  phoneNumberId: string;
  wabaId: string;
  /** E.164 with "+", as Waybill stores it. */
  displayNumber: string;
  isTroubled: boolean;
};

/** Demo recipients in this block are "not WhatsApp users". */
export const DEMO_UNDELIVERABLE_PREFIX = "15550009";
/**
 * Demo recipients in this block always get the message (delivered, never read), with Meta's
 * duplicated webhooks half of the time: a predictable target for trying a webhook endpoint.
 */
export const DEMO_DELIVERED_PREFIX = "15550007";

export function buildDemoSimulatorConfig(numbers: readonly TDemoNumber[]): TSimulatorConfig {
  const troubled = numbers.filter((n) => n.isTroubled);
  return {
    numbers: Object.fromEntries(
      numbers.map((n) => [
        n.phoneNumberId,
        {
          wabaId: n.wabaId,
          displayPhoneNumber: n.displayNumber.replace(/^\+/, ""),
          // what a read of the troubled number reports agrees with the demo seed's history of it
          // (flagged, quality red, limit lowered to 250), so the sync does not contradict it
          ...(n.isTroubled ? { profile: { quality_rating: "RED", messaging_limit: "TIER_250" } } : {}),
        },
      ]),
    ),
    defaults: {},
    rules: [
      {
        id: "demo-undeliverable-recipients",
        match: { recipient: `${DEMO_UNDELIVERABLE_PREFIX}*` },
        scenario: { outcomes: { read: 0, delivered: 0, sent: 0, failed: 1 }, asyncFailureCodes: [131026] },
      },
      {
        id: "demo-delivered-recipients",
        match: { recipient: `${DEMO_DELIVERED_PREFIX}*` },
        scenario: {
          outcomes: { read: 0, delivered: 1, sent: 0, failed: 0 },
          readWithoutDeliveredRate: 0,
          duplicateRate: 0.5,
        },
      },
      ...troubled.map((n) => ({
        id: `demo-troubled-${n.phoneNumberId}`,
        match: { phoneNumberId: n.phoneNumberId },
        scenario: {
          latencyMs: { min: 150, max: 900 },
          outcomes: { read: 0.35, delivered: 0.3, sent: 0.15, failed: 0.2 },
          asyncFailureCodes: [131026, 131049, 131049, 130472],
          syncErrors: [
            { code: 131000, rate: 0.03 },
            { code: 131047, rate: 0.02 },
          ],
          duplicateRate: 0.1,
          reorderRate: 0.3,
          dropRate: 0.05,
          webhookDelayMs: { min: 500, max: 8_000 },
          rateLimitPerSecond: 5,
          pairLimit: { burst: 3, perMs: 6_000 },
        },
      })),
    ],
    outage: null,
    rejectUnknownNumbers: false,
    webhooks: {
      batchWindowMs: 250,
      maxStatusesPerPost: 25,
      multiEntryRate: 0.2,
      retries: 8,
      retryBaseMs: 1_000,
    },
    qualitySchedules: troubled.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      everySeconds: 600,
      events: [
        { event: "DOWNGRADE", currentLimit: "TIER_250", oldLimit: "TIER_1K" },
        { event: "UPGRADE", currentLimit: "TIER_1K", oldLimit: "TIER_250" },
      ],
    })),
  };
}
