import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateSlots, type TSlotCandidate } from "./fair-share";

const candidate = (
  tenantId: string,
  senderNumberId: string,
  available: number,
  lastServedAt: number | null = null,
): TSlotCandidate => ({
  tenantId,
  senderNumberId,
  available,
  lastServedAt,
});

function total(allocation: ReturnType<typeof allocateSlots>, tenantId?: string): number {
  return allocation
    .filter((a) => tenantId === undefined || a.tenantId === tenantId)
    .reduce((sum, a) => sum + a.count, 0);
}

describe("allocateSlots", () => {
  it("gives a quiet tenant's message a slot in the same round as a flooded tenant's backlog", () => {
    // tenant A has 100,000 queued (its bucket allows 80 now); tenant B has one message
    const allocation = allocateSlots([candidate("A", "a1", 80, 1_000), candidate("B", "b1", 1, null)], 1);
    expect(allocation).toEqual([{ tenantId: "B", senderNumberId: "b1", count: 1 }]);
    const wider = allocateSlots([candidate("A", "a1", 80, 1_000), candidate("B", "b1", 1, null)], 32);
    expect(total(wider, "B")).toBe(1);
    expect(total(wider, "A")).toBe(31);
  });

  it("splits slots between tenants, not between senders (a tenant with many numbers gets no more)", () => {
    const allocation = allocateSlots(
      [
        candidate("A", "a1", 50),
        candidate("A", "a2", 50),
        candidate("A", "a3", 50),
        candidate("A", "a4", 50),
        candidate("B", "b1", 50),
      ],
      10,
    );
    expect(total(allocation, "A")).toBe(5);
    expect(total(allocation, "B")).toBe(5);
    // within A, round-robin across its numbers
    expect(
      allocation
        .filter((a) => a.tenantId === "A")
        .map((a) => a.count)
        .sort(),
    ).toEqual([1, 1, 1, 2]);
  });

  it("serves the tenant served longest ago first when slots are scarce", () => {
    const candidates = [
      candidate("A", "a1", 5, 3_000),
      candidate("B", "b1", 5, 1_000),
      candidate("C", "c1", 5, 2_000),
    ];
    expect(allocateSlots(candidates, 1)).toEqual([{ tenantId: "B", senderNumberId: "b1", count: 1 }]);
    expect(allocateSlots(candidates, 2).map((a) => a.tenantId)).toEqual(["B", "C"]);
  });

  it("hands leftover slots to tenants that can use them", () => {
    const allocation = allocateSlots([candidate("A", "a1", 100), candidate("B", "b1", 2)], 20);
    expect(total(allocation, "B")).toBe(2);
    expect(total(allocation, "A")).toBe(18);
  });

  it("gives nothing to senders whose bucket is empty, and nothing when there are no slots", () => {
    expect(allocateSlots([candidate("A", "a1", 0)], 10)).toEqual([]);
    expect(allocateSlots([candidate("A", "a1", 10)], 0)).toEqual([]);
  });

  it("properties: never over the slots nor a sender's budget; max-min fair between tenants", () => {
    const arbitrary = fc.array(
      fc.record({
        tenant: fc.constantFrom("t1", "t2", "t3", "t4"),
        sender: fc.constantFrom("s1", "s2", "s3"),
        available: fc.integer({ min: 0, max: 40 }),
        lastServedAt: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: null }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arbitrary, fc.integer({ min: 0, max: 100 }), (rows, slots) => {
        const unique = new Map(rows.map((r) => [`${r.tenant}/${r.tenant}-${r.sender}`, r]));
        const candidates = [...unique.values()].map((r) =>
          candidate(r.tenant, `${r.tenant}-${r.sender}`, r.available, r.lastServedAt),
        );
        const allocation = allocateSlots(candidates, slots);
        const budget = new Map(candidates.map((c) => [c.senderNumberId, c.available]));
        const demand = new Map<string, number>();
        for (const c of candidates) demand.set(c.tenantId, (demand.get(c.tenantId) ?? 0) + c.available);
        const supply = [...demand.values()].reduce((a, b) => a + b, 0);
        if (total(allocation) !== Math.min(slots, supply)) return false;
        for (const a of allocation) if (a.count > (budget.get(a.senderNumberId) ?? 0)) return false;
        // max-min fairness: a tenant that got less than another still wanted more only if it had none left
        const got = new Map<string, number>();
        for (const a of allocation) got.set(a.tenantId, (got.get(a.tenantId) ?? 0) + a.count);
        for (const [tenant, wanted] of demand) {
          const mine = got.get(tenant) ?? 0;
          if (mine >= wanted) continue;
          for (const other of got.values()) if (other > mine + 1) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
