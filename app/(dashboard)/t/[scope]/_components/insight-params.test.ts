// The insights URL: windows, the past, the metric, and drill-down links the message search reads.
import { describe, expect, it } from "vitest";
import { readMessageFilters } from "@/components/messages/search-params";
import {
  failureLinks,
  insightHref,
  messageSearchHref,
  readInsightParams,
  toWindowInput,
} from "./insight-params";

describe("insight params", () => {
  it("reads a window, an end and a metric, dropping what cannot be valid", () => {
    expect(readInsightParams({ window: "7d", until: "2026-03-02T09:00:00.000Z", metric: "rate" })).toEqual({
      window: "7d",
      until: "2026-03-02T09:00:00.000Z",
      metric: "rate",
    });
    expect(readInsightParams({ window: "1y", until: "yesterday", metric: "x" })).toEqual({
      window: "24h",
      until: "",
      metric: "failures",
    });
    expect(readInsightParams({}, { metric: "rate" }).metric).toBe("rate");
    expect(toWindowInput({ window: "30d", until: "", metric: "failures" })).toEqual({ window: "30d" });
  });

  it("writes short URLs", () => {
    expect(insightHref("/t/acme/heatmaps", { window: "24h", until: "", metric: "failures" })).toBe(
      "/t/acme/heatmaps",
    );
    expect(
      insightHref("/t/all/heatmaps", { window: "7d", until: "", metric: "rate" }, { metric: "rate" }),
    ).toBe("/t/all/heatmaps?window=7d");
  });
});

describe("drill-down links", () => {
  const from = new Date(Date.UTC(2026, 2, 2, 9, 0));
  const to = new Date(Date.UTC(2026, 2, 2, 9, 30));

  it("are message searches the search page reads back exactly", () => {
    const href = messageSearchHref("acme", { error: "131049", state: "failed", from, to });
    expect(href.startsWith("/t/acme/messages?")).toBe(true);
    const query = Object.fromEntries(new URLSearchParams(href.split("?")[1]));
    const { filters, ignored } = readMessageFilters(query);
    expect(ignored).toEqual([]);
    expect(filters).toMatchObject({
      error: "131049",
      state: "failed",
      from: from.toISOString(),
      to: to.toISOString(),
    });
  });

  it("give one exact link per failure state, most first", () => {
    const links = failureLinks(
      "acme",
      { sender: "5b1e0c3a-2f47-4d8e-9a61-0c7d3e2fa001", from, to },
      {
        failed: 1,
        dead_lettered: 3,
        rejected: 0,
      },
    );
    expect(links.map((l) => [l.state, l.count])).toEqual([
      ["dead_lettered", 3],
      ["failed", 1],
    ]);
    expect(links[0]!.href).toContain("state=dead_lettered");
    expect(links[0]!.href).toContain("sender=5b1e0c3a-2f47-4d8e-9a61-0c7d3e2fa001");
  });
});
