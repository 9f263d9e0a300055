import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readPricing, usageOf, type TPricedFact } from "./pricing";

const T = Date.UTC(2026, 10, 30, 23, 59, 0);

describe("readPricing", () => {
  it("reads Meta's PMP object, defaulting type and model, free types never billable", () => {
    expect(
      readPricing({
        pricing: { billable: true, pricing_model: "PMP", category: "utility", type: "regular" },
      }),
    ).toEqual({
      model: "PMP",
      category: "utility",
      type: "regular",
      billable: true,
    });
    expect(
      readPricing({ pricing: { category: "service", type: "free_customer_service", billable: true } }),
    ).toMatchObject({
      type: "free_customer_service",
      billable: false,
    });
    expect(readPricing({ pricing: { category: "marketing" } })).toMatchObject({
      model: "PMP",
      type: "regular",
      billable: true,
    });
    expect(readPricing({})).toBeNull();
    expect(readPricing({ pricing: { billable: true } })).toBeNull();
  });
});

describe("usageOf", () => {
  const priced = (type: string, at: number): TPricedFact => ({
    type,
    providerTimestamp: at,
    recordedAt: at + 5_000,
    pricing: { model: "PMP", category: "marketing", type: "regular", billable: true },
  });

  it("counts the earliest priced status, so a message spanning midnight is counted on the sent day", () => {
    const usage = usageOf([priced("status_delivered", T + 120_000), priced("status_sent", T)]);
    expect(usage).toMatchObject({ day: "2026-11-30", pricedAt: T });
  });

  it("ignores failed and unpriced facts", () => {
    expect(
      usageOf([{ type: "status_failed", providerTimestamp: T, recordedAt: T, pricing: null }]),
    ).toBeNull();
  });

  it("is the same for every order and duplication of the facts", () => {
    const facts = [
      priced("status_sent", T),
      priced("status_delivered", T + 60_000),
      priced("status_read", T + 60_000),
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...facts), { minLength: 1, maxLength: 8 }), (arrivals) => {
        const all = [...arrivals, ...facts];
        expect(usageOf(all)).toEqual(usageOf(facts));
      }),
    );
  });
});
