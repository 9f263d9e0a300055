import { describe, expect, it } from "vitest";
import { storableJson, storablePrefix, storableText, unstorablePath } from "./storable-text";

describe("storable text", () => {
  it("replaces NUL and lone surrogates, keeps whole pairs and everything else", () => {
    expect(storableText("a\u0000b")).toBe("a\uFFFDb");
    expect(storableText("x\uD83D")).toBe("x\uFFFD");
    expect(storableText("\uDE00y")).toBe("\uFFFDy");
    expect(storableText("ok 😀 é ü 中")).toBe("ok 😀 é ü 中");
  });

  it("cuts a prefix without leaving half a surrogate pair", () => {
    expect(storablePrefix("ab😀", 3)).toBe("ab\uFFFD");
    expect(storablePrefix("ab😀", 4)).toBe("ab😀");
  });

  it("cleans keys and strings at any depth, leaving other values as they are", () => {
    expect(storableJson({ "k\u0000": ["v\uD800", 1, null, true, { d: "\u0000" }] })).toEqual({
      "k\uFFFD": ["v\uFFFD", 1, null, true, { d: "\uFFFD" }],
    });
  });
});

describe("unstorablePath", () => {
  it("names the first key or string holding NUL or a lone surrogate", () => {
    expect(unstorablePath({ text: { body: "fine" }, metadata: { a: "ok" } })).toBeNull();
    expect(unstorablePath({ text: { body: "a\u0000b" } })).toBe("text.body");
    expect(unstorablePath({ list: ["ok", "\uD800"] })).toBe("list.1");
    expect(unstorablePath({ metadata: { "k\u0000": "v" } })).toBe("metadata.k\uFFFD");
    expect(unstorablePath("\u0000")).toBe("(body)");
  });

  it("keeps document order: a key is checked after the value before it, before its own value", () => {
    expect(unstorablePath({ a: { b: "\u0000" }, "c\u0000": "x" })).toBe("a.b");
    expect(unstorablePath({ a: "ok", "c\u0000": "\u0000" })).toBe("c\uFFFD");
  });

  it("walks a body nested far deeper than the call stack (a 64 KiB body holds 32,000 levels)", () => {
    const depth = 100_000;
    const deep = JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;
    expect(unstorablePath(deep)).toBeNull();
    const withNul = JSON.parse(`${'{"k":'.repeat(depth)}"\\u0000"${"}".repeat(depth)}`) as unknown;
    expect(unstorablePath(withNul)).toBe(Array(depth).fill("k").join("."));
  });
});
