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
});
