// Slicing a batched webhook for one tenant: only its entries and changes stay, every other part is
// a redaction carrying the part's SHA-256, and the slice can be proved against the original.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRedaction, sliceMatchesOriginal, sliceWebhookForTenant } from "./tenant-slice";

const accounts = { phoneNumberIds: new Set(["P1", "P2"]), wabaIds: new Set(["W1"]) };

const statusChange = (phoneNumberId: string, recipient: string) => ({
  field: "messages",
  value: {
    metadata: { phone_number_id: phoneNumberId },
    statuses: [{ id: `wamid.${recipient}`, recipient_id: recipient }],
  },
});

describe("sliceWebhookForTenant", () => {
  it("keeps the tenant's entries and changes and redacts the rest", () => {
    const body = {
      object: "whatsapp_business_account",
      entry: [
        { id: "W1", changes: [statusChange("P1", "111"), statusChange("P9", "999")] },
        { id: "W9", changes: [statusChange("P9", "998")] },
        { id: "W1", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] },
        { id: "W9", changes: [{ field: "account_update", value: { event: "X" } }] },
      ],
    };
    const slice = sliceWebhookForTenant(body, accounts);
    expect(slice.redactedParts).toBe(3);
    const text = JSON.stringify(slice.body);
    for (const foreign of ["999", "998", "P9", "W9", '"X"']) expect(text).not.toContain(foreign);
    expect(text).toContain("111");
    expect(text).toContain("APPROVED");
    expect(sliceMatchesOriginal(body, slice.body)).toBe(true);
  });

  it("returns the body itself when everything is the tenant's, and redacts what is not an envelope", () => {
    const body = {
      object: "whatsapp_business_account",
      entry: [{ id: "W1", changes: [statusChange("P2", "1")] }],
    };
    expect(sliceWebhookForTenant(body, accounts)).toEqual({ body, redactedParts: 0 });
    const odd = sliceWebhookForTenant({ hello: "world" }, accounts);
    expect(isRedaction(odd.body)).toBe(true);
  });

  it("never shows a foreign number, and always proves against its original (property)", () => {
    const phone = fc.constantFrom("P1", "P2", "P8", "P9");
    const waba = fc.constantFrom("W1", "W8", "W9");
    const changeArb = fc.oneof(
      fc.tuple(phone, fc.integer({ min: 100000, max: 999999 })).map(([p, n]) => statusChange(p, `${p}-${n}`)),
      fc.record({ field: fc.constant("account_update"), value: fc.record({ event: fc.string() }) }),
    );
    const entryArb = fc.record({ id: waba, changes: fc.array(changeArb, { maxLength: 4 }) });
    fc.assert(
      fc.property(
        fc.record({
          object: fc.constant("whatsapp_business_account"),
          entry: fc.array(entryArb, { maxLength: 5 }),
        }),
        (body) => {
          const slice = sliceWebhookForTenant(body, accounts);
          const text = JSON.stringify(slice.body);
          expect(text).not.toMatch(/"P[89]/);
          expect(sliceMatchesOriginal(body, slice.body)).toBe(true);
          // a redaction swapped for another part's does not prove
          const other = sliceWebhookForTenant(
            { ...body, entry: [...body.entry, { id: "W9", changes: [statusChange("P9", "P9-1")] }] },
            accounts,
          );
          expect(sliceMatchesOriginal(body, other.body)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});
