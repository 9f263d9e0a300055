import { describe, expect, it } from "vitest";
import { lastDays, usageChart, usageCsv, usageTotals, ZUsageRangeSchema, type TUsageLine } from "./usage";

const line = (over: Partial<TUsageLine>): TUsageLine => ({
  tenantSlug: "acme",
  day: "2026-11-30",
  displayNumber: "+15550101001",
  senderNumberId: "s1",
  category: "marketing",
  pricingType: "regular",
  billable: true,
  messages: 3,
  ...over,
});

describe("usage report", () => {
  it("validates ranges", () => {
    expect(ZUsageRangeSchema.safeParse({ from: "2026-11-01", to: "2026-11-30" }).success).toBe(true);
    expect(ZUsageRangeSchema.safeParse({ from: "2026-12-01", to: "2026-11-30" }).success).toBe(false);
    expect(lastDays(Date.UTC(2026, 11, 3, 10), 7)).toEqual({ from: "2026-11-27", to: "2026-12-03" });
  });

  it("writes CSV with a header, quoting and formula neutralising", () => {
    const csv = usageCsv([line({ tenantSlug: "a,b" }), line({ displayNumber: "=cmd" })]);
    expect(csv.split("\r\n")).toEqual([
      "day,tenant,sender,category,pricing_type,billable,messages",
      '2026-11-30,"a,b",+15550101001,marketing,regular,true,3',
      "2026-11-30,acme,'=cmd,marketing,regular,true,3",
      "",
    ]);
  });

  it("charts billable messages per day and category with every day present, and totals by type", () => {
    const lines = [
      line({}),
      line({ category: "utility", messages: 2 }),
      line({ category: "service", pricingType: "free_customer_service", billable: false }),
    ];
    const chart = usageChart(lines, { from: "2026-11-29", to: "2026-11-30" });
    expect(chart.categories).toEqual(["marketing", "utility"]);
    expect(chart.points).toEqual([
      { day: "2026-11-29", marketing: 0, utility: 0 },
      { day: "2026-11-30", marketing: 3, utility: 2 },
    ]);
    expect(usageTotals(lines).map((t) => [t.category, t.pricingType, t.messages])).toEqual([
      ["marketing", "regular", 3],
      ["service", "free_customer_service", 3],
      ["utility", "regular", 2],
    ]);
  });
});
