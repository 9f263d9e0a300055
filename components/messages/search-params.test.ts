// The filters folded under "More filters": how many are set (the summary counts them when a phone
// keeps them folded); the search box, duplicates and sorting are not among them.
import { describe, expect, it } from "vitest";
import { countMoreFilters, EMPTY_FILTERS, hasMoreFilters } from "./search-params";

describe("the folded search filters", () => {
  it("counts the filters under More filters and nothing else", () => {
    expect(countMoreFilters(EMPTY_FILTERS)).toBe(0);
    expect(hasMoreFilters(EMPTY_FILTERS)).toBe(false);
    const searched = { ...EMPTY_FILTERS, q: "ZD-4821", sort: "created_asc" as const, dup: "1" };
    expect(countMoreFilters(searched)).toBe(0);
    const narrowed = { ...searched, recipient: "+15550004567", template: "order_update", error: "131026" };
    expect(countMoreFilters(narrowed)).toBe(3);
    expect(hasMoreFilters(narrowed)).toBe(true);
  });
});
