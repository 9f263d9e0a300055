import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSearchTerm } from "./search-term";

describe("parseSearchTerm", () => {
  it("reads a UUID as a message id", () => {
    expect(parseSearchTerm(" 019A8E2C-1B2F-7C3D-8E4F-5A6B7C8D9E0F ")).toMatchObject({
      kind: "message_id",
      messageId: "019a8e2c-1b2f-7c3d-8e4f-5a6b7c8d9e0f",
    });
  });

  it("reads + and digits as an exact number, digits alone as the number's end", () => {
    expect(parseSearchTerm("+1 (555) 010-1002")).toMatchObject({
      kind: "recipient",
      match: "exact",
      digits: "15550101002",
    });
    expect(parseSearchTerm("1002")).toMatchObject({ kind: "recipient", match: "suffix", digits: "1002" });
  });

  it("tries a wamid with and without its prefix", () => {
    const bare = parseSearchTerm("HBgLMTU1NTAxMDEwMDIVAgARGBI");
    expect(bare).toMatchObject({ kind: "reference" });
    if (bare?.kind !== "reference") throw new Error("not a reference");
    expect(bare.wamids).toContain("wamid.HBgLMTU1NTAxMDEwMDIVAgARGBI");
    expect(bare.wamids).toContain("HBgLMTU1NTAxMDEwMDIVAgARGBI");
    const prefixed = parseSearchTerm("wamid.HBgL123");
    if (prefixed?.kind !== "reference") throw new Error("not a reference");
    expect(prefixed.wamids).toEqual(["wamid.HBgL123", "HBgL123"]);
    expect(prefixed.ticketRefs).toEqual([]);
  });

  it("reads anything else as a wamid or a ticket reference", () => {
    expect(parseSearchTerm("zd-4821")).toMatchObject({
      kind: "reference",
      ticketRefs: ["zd-4821", "ZD-4821"],
    });
  });

  it("never throws and never returns an empty reading", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const term = parseSearchTerm(text);
        if (text.trim() === "") return term === null;
        if (term?.kind === "reference") return term.wamids.length + term.ticketRefs.length > 0;
        return term !== null;
      }),
    );
  });
});
