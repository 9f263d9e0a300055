// Fair scheduling of send slots across tenants. Each dispatch round the worker has some free
// slots (concurrency) and some senders with due work, each allowed a number of sends by its
// throughput bucket. Slots are dealt one at a time, round-robin over TENANTS (the one served
// longest ago first), and within a tenant round-robin over its senders. A tenant's backlog size
// therefore never matters: a tenant with 100,000 queued messages and a tenant with one each get
// a slot in the same round, so the second tenant's message waits one round, not one backlog.

export type TSlotCandidate = {
  tenantId: string;
  senderNumberId: string;
  /** Sends the sender's throughput bucket allows right now. */
  available: number;
  /** When this sender was last given a slot (epoch ms), null if never. */
  lastServedAt: number | null;
};

export type TSlotAllocation = { tenantId: string; senderNumberId: string; count: number };

export function allocateSlots(candidates: readonly TSlotCandidate[], slots: number): TSlotAllocation[] {
  if (slots <= 0) return [];
  type TSenderState = { candidate: TSlotCandidate; left: number; count: number };
  type TTenantState = { tenantId: string; lastServedAt: number; senders: TSenderState[]; next: number };

  const tenants = new Map<string, TTenantState>();
  for (const candidate of candidates) {
    if (candidate.available <= 0) continue;
    const served = candidate.lastServedAt ?? Number.NEGATIVE_INFINITY;
    const tenant = tenants.get(candidate.tenantId) ?? {
      tenantId: candidate.tenantId,
      lastServedAt: Number.POSITIVE_INFINITY,
      senders: [],
      next: 0,
    };
    // a tenant was "served" when any of its senders was: the most recent one counts
    tenant.lastServedAt = tenant.senders.length === 0 ? served : Math.max(tenant.lastServedAt, served);
    tenant.senders.push({ candidate, left: Math.floor(candidate.available), count: 0 });
    tenants.set(candidate.tenantId, tenant);
  }
  const order = [...tenants.values()].sort(
    (a, b) => a.lastServedAt - b.lastServedAt || compare(a.tenantId, b.tenantId),
  );
  for (const tenant of order) {
    tenant.senders.sort(
      (a, b) =>
        (a.candidate.lastServedAt ?? Number.NEGATIVE_INFINITY) -
          (b.candidate.lastServedAt ?? Number.NEGATIVE_INFINITY) ||
        compare(a.candidate.senderNumberId, b.candidate.senderNumberId),
    );
  }

  let remaining = slots;
  let active = order.filter((t) => t.senders.some((s) => s.left > 0));
  while (remaining > 0 && active.length > 0) {
    for (const tenant of active) {
      if (remaining === 0) break;
      // the tenant's next sender with budget left, round-robin
      for (let i = 0; i < tenant.senders.length; i += 1) {
        const sender = tenant.senders[(tenant.next + i) % tenant.senders.length]!;
        if (sender.left > 0) {
          sender.left -= 1;
          sender.count += 1;
          remaining -= 1;
          tenant.next = (tenant.next + i + 1) % tenant.senders.length;
          break;
        }
      }
    }
    active = active.filter((t) => t.senders.some((s) => s.left > 0));
  }

  const result: TSlotAllocation[] = [];
  for (const tenant of order) {
    for (const sender of tenant.senders) {
      if (sender.count > 0) {
        result.push({
          tenantId: tenant.tenantId,
          senderNumberId: sender.candidate.senderNumberId,
          count: sender.count,
        });
      }
    }
  }
  return result;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
