// Plain-language hints for the codes tenants meet most, from the sending pipeline's catalogue.
import { describe, expect, it } from "vitest";
import { errorCodeInfo } from "./error-hints";

describe("errorCodeInfo", () => {
  it("gives the catalogue's hint for the common codes", () => {
    expect(errorCodeInfo("131049").hint).toMatch(/marketing/i);
    expect(errorCodeInfo("131047").hint).toMatch(/24 hours/);
    expect(errorCodeInfo("131026").hint).toMatch(/WhatsApp user/);
    expect(errorCodeInfo("130429").disposition).toBe("throttle");
  });

  it("names our transport codes, unknown codes and the missing code", () => {
    expect(errorCodeInfo("transport.timeout").title).toMatch(/No answer/);
    expect(errorCodeInfo("999999")).toEqual({
      code: "999999",
      title: "Error 999999",
      hint: null,
      disposition: null,
    });
    expect(errorCodeInfo("").title).toBe("No error code");
  });
});
