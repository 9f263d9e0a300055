// QueryState's four states as markup: pending is a polite status in words, a failed first load an
// alert with the message and a retry, an empty result its explanation, data the caller's view; a
// failed refetch keeps the data on screen.
import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { QueryState, type TEmpty, type TQueryLike, type TQueryStateProps } from "./query-state";

const idle = { isPending: false, isError: false, error: null, isRefetching: false, refetch: () => undefined };

function render<T>(query: TQueryLike<T>, empty?: { isEmpty: (d: T) => boolean; empty: TEmpty }) {
  const base = { query, what: "paused numbers", children: (data: T): ReactNode => `rows: ${String(data)}` };
  const props: TQueryStateProps<T> = empty ? { ...base, ...empty } : base;
  return renderToStaticMarkup(createElement(QueryState<T>, props));
}

describe("QueryState", () => {
  it("announces a pending load in words", () => {
    const html = render({ ...idle, isPending: true, data: undefined });
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain("Loading paused numbers");
  });

  it("shows a failed first load as an alert with the server's message and a retry", () => {
    const html = render({ ...idle, isError: true, error: { message: "tenant not found" }, data: undefined });
    expect(html).toContain('role="alert"');
    expect(html).toContain("Could not load paused numbers");
    expect(html).toContain("Tenant not found.");
    expect(html).toContain("Try again");
  });

  it("explains an empty result, titled or as one sentence", () => {
    const isEmpty = (d: string[]) => d.length === 0;
    const titled = render(
      { ...idle, data: [] as string[] },
      { isEmpty, empty: { title: "No paused numbers", description: "A number pauses when Meta blocks it." } },
    );
    expect(titled).toContain("No paused numbers");
    expect(titled).toContain("A number pauses when Meta blocks it.");
    expect(titled).not.toContain("rows:");
    const note = render(
      { ...idle, data: [] as string[] },
      { isEmpty, empty: { note: "Every number is healthy." } },
    );
    expect(note).toContain("Every number is healthy.");
  });

  it("renders the data, and keeps it when a refetch fails", () => {
    expect(render({ ...idle, data: ["a"] })).toBe("rows: a");
    expect(render({ ...idle, isError: true, error: new Error("offline"), data: ["a"] })).toBe("rows: a");
  });
});
