import { describe, expect, it } from "vitest";

import { acceptedPipeline, at, build, receipt, TEST_ERRORS } from "./build-test-events";
import { countDuplicates, describeReceipts, factContent, groupReceipts } from "./group-receipts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("groupReceipts / countDuplicates", () => {
  const delivered = build.status("delivered", { at: 95, recordedAt: at(96) });
  const rows = [
    ...acceptedPipeline(),
    receipt(delivered, 3, 12 * HOUR), // arrives first in the array, recorded last
    delivered,
    receipt(delivered, 1, 12 * HOUR),
    receipt(delivered, 2, 12 * HOUR),
  ];

  it("counts receipts per fact with first and last receipt times", () => {
    const [group, ...rest] = countDuplicates(rows);
    expect(rest).toEqual([]);
    expect(group).toMatchObject({
      dedupeKey: "status:wamid.A1:delivered",
      type: "status_delivered",
      receivedCount: 4,
      firstReceivedAt: at(96),
      lastReceivedAt: at(96) + 36 * HOUR,
      eventIds: [delivered.id, `${delivered.id}~1`, `${delivered.id}~2`, `${delivered.id}~3`],
      isDivergent: false,
    });
    expect(describeReceipts(group!)).toBe("received 4 times over 2 days");
  });

  it("lists every fact once, by first receipt, whatever the row order", () => {
    const keys = groupReceipts(rows).map((group) => group.dedupeKey);
    expect(keys).toEqual([
      "requested",
      "attempt:1:started",
      "attempt:1:accepted",
      "status:wamid.A1:delivered",
    ]);
    expect(groupReceipts([...rows].reverse())).toEqual(groupReceipts(rows));
  });

  it("picks divergent receipts' content by content, and flags them", () => {
    const a = build.failed({ at: 5, error: TEST_ERRORS.undeliverable });
    const b = {
      ...build.failed({ at: 5, error: TEST_ERRORS.rateLimit }),
      id: "late",
      recordedAt: a.recordedAt + 1,
    };
    const [group] = groupReceipts([a, b]);
    expect(group?.isDivergent).toBe(true);
    expect(group?.fact).toBe(factContent(a) < factContent(b) ? a : b);
    expect(groupReceipts([b, a])).toEqual(groupReceipts([a, b]));
  });

  it("fact content ignores row id and arrival time only", () => {
    const event = build.status("read", { at: 3 });
    expect(factContent(receipt(event, 1))).toBe(factContent(event));
    expect(factContent({ ...event, providerTimestamp: 1 })).not.toBe(factContent(event));
  });
});

describe("describeReceipts", () => {
  it.each([
    [1, 0, "received once"],
    [2, 300, "received 2 times"],
    [3, 1_000, "received 3 times over 1 second"],
    [2, 90_000, "received 2 times over 2 minutes"],
    [5, HOUR, "received 5 times over 1 hour"],
    [4, 2 * DAY, "received 4 times over 2 days"],
    [7, 7 * DAY, "received 7 times over 7 days"],
  ])("%i receipts over %i ms -> %s", (receivedCount, span, text) => {
    expect(describeReceipts({ receivedCount, firstReceivedAt: 1_000, lastReceivedAt: 1_000 + span })).toBe(
      text,
    );
  });
});
