import { describe, expect, it } from "vitest";
import { csvCell, csvLine, csvText } from "./csv-text";

describe("csv text", () => {
  it("quotes cells holding commas, quotes or line breaks", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("plain")).toBe("plain");
  });

  it("neutralises formulas but keeps signed numbers such as phone numbers", () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("-x")).toBe("'-x");
    expect(csvCell("+15550101001")).toBe("+15550101001");
    expect(csvCell("-3")).toBe("-3");
  });

  it("writes a header and CRLF lines", () => {
    expect(csvText(["a", "b"], [["1", "x,y"]])).toBe('a,b\r\n1,"x,y"\r\n');
    expect(csvLine(["only"])).toBe("only\r\n");
  });
});
