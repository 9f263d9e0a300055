// A bulk action's stored description names its sender so that an engineer can tell two of a
// tenant's numbers apart: their ids are time-ordered, and numbers added in the same second share
// their first characters.
import { describe, expect, it } from "vitest";
import { describeFilters, describeGroup } from "./describe";

const FIRST = "01a243cb-1409-757e-b031-7edf6f687942";
const SECOND = "01a243cb-1432-7769-ae19-2ace0f44889b";

describe("bulk action descriptions", () => {
  it("tell apart two senders created in the same second, by the ids' random tails", () => {
    const group = (senderNumberId: string) =>
      describeGroup({ errorCode: "131026", senderNumberId, templateName: null });
    expect(group(FIRST)).toBe(
      "every open dead letter with error 131026 from sender …6f687942, text messages",
    );
    expect(group(SECOND)).not.toBe(group(FIRST));
    const filter = (senderNumberId: string) => describeFilters({ status: "open", senderNumberId });
    expect(filter(FIRST)).toBe("every dead letter matching: status open, sender …6f687942");
    expect(filter(SECOND)).not.toBe(filter(FIRST));
  });
});
