import { describe, expect, it } from "vitest";
import { enumWords, restrictionLabel } from "./labels";

describe("number-health labels", () => {
  it("sentence-cases Meta's enum words as the console does", () => {
    expect(enumWords("APPROVED")).toBe("Approved");
    expect(enumWords("PENDING_DELETION")).toBe("Pending deletion");
    expect(enumWords("RED")).toBe("Red");
  });

  it("names what a restriction blocks, in words", () => {
    expect(restrictionLabel("RESTRICTED_BIZ_INITIATED_MESSAGING")).toBe("Business-initiated messaging");
    expect(restrictionLabel("RESTRICTED_CUSTOMER_INITIATED_MESSAGING")).toBe("Customer-initiated messaging");
    expect(restrictionLabel("RESTRICTED_ADD_PHONE_NUMBER_ACTION")).toBe("Add phone number action");
    // an unknown type is kept by name, cased like the rest
    expect(restrictionLabel("CALLING_ONLY")).toBe("Calling only");
  });
});
