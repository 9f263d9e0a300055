// Usage metering from Meta's facts: the `pricing` object of status webhooks (per-message pricing,
// PMP), never the send request. A message is counted once: its usage is the priced status with the
// earliest provider time (ties: the status order), so neither duplicates nor arrival order change
// it. Pure. docs/usage.md states the rule and its sources.
import { z } from "zod";

export const PRICING_CATEGORIES = ["marketing", "utility", "authentication", "service"] as const;
export const PRICING_TYPES = ["regular", "free_customer_service", "free_entry_point"] as const;

/** Meta's pricing object as it arrives (webhook v24+ adds `type`; `billable` is deprecated). */
export const ZPricingSchema = z.object({
  billable: z.boolean().optional(),
  pricing_model: z.string().min(1).optional(),
  category: z.string().min(1),
  type: z.string().min(1).optional(),
});

export type TPricing = { model: string; category: string; type: string; billable: boolean };

/** The pricing columns of a status fact, or null when it carries none (or an unreadable one). */
export function readPricing(payload: unknown): TPricing | null {
  if (typeof payload !== "object" || payload === null) return null;
  const parsed = ZPricingSchema.safeParse((payload as { pricing?: unknown }).pricing);
  if (!parsed.success) return null;
  const p = parsed.data;
  const type = p.type ?? "regular";
  return {
    model: p.pricing_model ?? "PMP",
    category: p.category,
    type,
    // free types are not billable whatever the deprecated flag says
    billable: type === "regular" ? (p.billable ?? true) : false,
  };
}

export type TPricedFact = {
  type: string;
  providerTimestamp: number | null;
  recordedAt: number;
  pricing: TPricing | null;
};

export type TUsage = TPricing & { pricedAt: number; day: string };

const STATUS_ORDER = ["status_sent", "status_delivered", "status_read", "status_played"];

/** The message's usage from its priced facts (any subset, any order), or null when none is priced. */
export function usageOf(facts: readonly TPricedFact[]): TUsage | null {
  let best: { fact: TPricedFact; pricing: TPricing; at: number } | null = null;
  for (const fact of facts) {
    if (fact.pricing === null || !STATUS_ORDER.includes(fact.type)) continue;
    const at = fact.providerTimestamp ?? fact.recordedAt;
    if (
      best === null ||
      at < best.at ||
      (at === best.at && STATUS_ORDER.indexOf(fact.type) < STATUS_ORDER.indexOf(best.fact.type))
    )
      best = { fact, pricing: fact.pricing, at };
  }
  if (best === null) return null;
  return { ...best.pricing, pricedAt: best.at, day: new Date(best.at).toISOString().slice(0, 10) };
}
