import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it("drops undefined members and writes undefined array items as null, like a database round trip", () => {
    expect(canonicalJson({ a: undefined, b: [1, undefined] })).toBe('{"b":[1,null]}');
  });

  it("sorts keys by code unit, not by locale", () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, a: 4 })).toBe('{"Z":3,"a":4,"z":2,"é":1}');
  });

  it("writes -0 as 0 and escapes strings as JSON does", () => {
    expect(canonicalJson({ n: -0, s: 'quote " and \u2028' })).toBe(
      JSON.stringify({ n: 0, s: 'quote " and \u2028' }),
    );
  });

  it.each([
    ["NaN", { n: Number.NaN }],
    ["Infinity", [Number.POSITIVE_INFINITY]],
    ["a bigint", { n: 1n }],
    ["a Date", { at: new Date(0) }],
    ["a Map", new Map()],
    ["a function", { f: () => 1 }],
    ["top-level undefined", undefined],
  ])("refuses %s (a bug, not data)", (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it("is independent of key insertion order and survives a JSON round trip", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, member]) => [key, reverseKeys(member)]),
    );
  }
  return value;
}
