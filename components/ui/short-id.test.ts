import { describe, expect, it } from "vitest";
import { shortId } from "./short-id";

describe("shortId", () => {
  it("shows a UUIDv7 by its random tail, not its time prefix", () => {
    expect(shortId("019a8e2c-1b2f-7c3d-8e4f-5a6b7c8d9e0f")).toBe("…7c8d9e0f");
  });
  it("shows other UUIDs by their head", () => {
    expect(shortId("3f2504e0-4f89-41d3-9a0c-0305e82c3301")).toBe("3f2504e0…");
  });
  it("leaves short strings whole", () => {
    expect(shortId("ZD-4821")).toBe("ZD-4821");
  });
});
