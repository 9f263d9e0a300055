import { describe, expect, it } from "vitest";

import { build } from "./build-test-events";
import { pickEventFields, type TLedgerEvent } from "./ledger-event";
import { ZLedgerEventSchema } from "./ledger-event-schema";

const everyType: TLedgerEvent[] = [
  build.requested(),
  build.started(1),
  build.accepted(1),
  build.rejected(1),
  build.status("sent", { at: 1 }),
  build.status("delivered", { at: 2 }),
  build.status("read", { at: 3, attempt: null }),
  build.status("played", { at: 4 }),
  build.failed({ at: 5 }),
  build.retry(2),
  build.deadLettered(2),
  build.cancelled(),
  build.stalled(),
  build.manual("force_reconcile"),
  build.annotation(),
  build.recomputed(),
];

describe("ZLedgerEventSchema", () => {
  it.each(everyType.map((event) => [event.type, event] as const))(
    "parses a %s row back to the event",
    (_type, event) => {
      // What the database gives back: JSON round trip plus columns that are not event content.
      const row = {
        ...JSON.parse(JSON.stringify(event)),
        tenantId: "t_1",
        sequence: 7,
        prevHash: "0",
        hash: "1",
      };
      const parsed = ZLedgerEventSchema.parse(row);
      expect(parsed).toEqual(event);
      expect(pickEventFields(parsed)).toEqual(event);
    },
  );

  it.each([
    ["an unknown type", { ...build.requested(), type: "status_deleted" }],
    ["a source the type cannot have", { ...build.status("sent", { at: 1 }), source: "operator" }],
    ["a failure without its error", { ...build.failed({ at: 1 }), error: undefined }],
    ["a fractional timestamp", { ...build.status("sent", { at: 1 }), providerTimestamp: 1.5 }],
    ["an unknown manual action", { ...build.manual("retry"), action: "delete" }],
  ])("rejects %s", (_name, row) => {
    expect(ZLedgerEventSchema.safeParse(row).success).toBe(false);
  });
});
