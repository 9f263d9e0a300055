// The dead-letter view in the URL: a tenant page opens grouped, every tenant's page lists messages
// (grouping is per tenant), and only the non-default view is written.
import { describe, expect, it } from "vitest";
import {
  deadLetterFiltersToQueryString,
  EMPTY_DEAD_LETTER_FILTERS,
  hasDeadLetterFilters,
  readDeadLetterFilters,
  readDeadLetterView,
  toDeadLetterFilterInput,
  toDeadLetterGroupsInput,
} from "./dead-letter-filters";

describe("the dead-letter view", () => {
  it("opens grouped on a tenant page and as messages across tenants; unknown values fall back", () => {
    expect(readDeadLetterView({}, "tenant")).toBe("grouped");
    expect(readDeadLetterView({ view: "messages" }, "tenant")).toBe("messages");
    expect(readDeadLetterView({ view: "issues" }, "tenant")).toBe("grouped");
    expect(readDeadLetterView({ view: "grouped" }, "all")).toBe("messages");
  });

  it("writes only the non-default view, which is not a filter", () => {
    const filters = { ...EMPTY_DEAD_LETTER_FILTERS, error: "131026" };
    expect(deadLetterFiltersToQueryString(filters, "messages")).toBe("?view=messages&error=131026");
    expect(deadLetterFiltersToQueryString(filters, "grouped")).toBe("?error=131026");
    expect(hasDeadLetterFilters(EMPTY_DEAD_LETTER_FILTERS)).toBe(false);
  });

  it("groups read open dead letters only: the status filter is not sent", () => {
    expect(toDeadLetterGroupsInput({ ...EMPTY_DEAD_LETTER_FILTERS, status: "all", age: "lt1h" })).toEqual({
      age: "lt1h",
    });
  });

  it("leaves out what will most likely fail again unless the URL says likely=include", () => {
    expect(readDeadLetterFilters({}).likely).toBe("leave_out");
    expect(readDeadLetterFilters({ likely: "leave_out" }).likely).toBe("leave_out");
    expect(readDeadLetterFilters({ likely: "yes" }).likely).toBe("leave_out");
    const including = readDeadLetterFilters({ likely: "include", reason: "exhausted" });
    expect(including.likely).toBe("include");
    expect(deadLetterFiltersToQueryString(including, "messages")).toBe(
      "?view=messages&reason=exhausted&likely=include",
    );
    expect(deadLetterFiltersToQueryString(EMPTY_DEAD_LETTER_FILTERS, null)).toBe("");
    // it decides what a retry sends, not which dead letters are listed
    expect(hasDeadLetterFilters({ ...EMPTY_DEAD_LETTER_FILTERS, likely: "include" })).toBe(false);
    expect(toDeadLetterFilterInput(including)).toEqual({ status: "open", reasonClass: "exhausted" });
  });
});
