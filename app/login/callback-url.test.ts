// The sign-in redirect accepts same-origin paths only, however the value is disguised.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "./callback-url";

describe("safeCallbackUrl", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackUrl("/t/acme/messages?state=failed#top")).toBe("/t/acme/messages?state=failed#top");
    expect(safeCallbackUrl("/operations")).toBe("/operations");
  });

  it.each([
    "/\t/evil.example",
    // what a query string's "/%09/evil.example" decodes to before it reaches us
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    " /x",
    "/login",
    "/login?callbackUrl=/x",
    "",
  ])("refuses %j", (raw) => {
    const target = safeCallbackUrl(raw);
    expect(new URL(target, "https://waybill.example").origin).toBe("https://waybill.example");
    expect(target.startsWith("//")).toBe(false);
  });

  it("never yields a target a browser would resolve off-site, nor a control character (property)", () => {
    const pieces = fc.constantFrom(
      "/",
      "\\",
      "\t",
      "\n",
      "\r",
      "%09",
      "%2f",
      "%5c",
      "evil.example",
      "x",
      ":",
      "@",
      "?",
      "#",
      ".",
      " ",
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 8 }).map((p) => p.join("")),
        (raw) => {
          const target = safeCallbackUrl(raw);
          expect(target.startsWith("/")).toBe(true);
          expect(/[\u0000-\u001f\u007f]/.test(target)).toBe(false);
          // as the browser resolves a Location header against our origin
          expect(new URL(target, "https://waybill.example").origin).toBe("https://waybill.example");
        },
      ),
      { numRuns: 2000 },
    );
  });
});
