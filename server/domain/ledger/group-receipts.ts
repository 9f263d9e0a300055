// Duplicate receipts of one fact (same dedupeKey) are normal: Meta delivers webhooks at least once
// and retries for days, and our own writers may retry after a crash. They are kept as rows (support
// wants "received 4 times over 2 days") and collapsed into one fact before anything is derived.

import { canonicalJson } from "./canonical-json";
import { pickEventFields, type TLedgerEvent, type TLedgerEventType } from "./ledger-event";

export type TReceiptGroup = {
  dedupeKey: string;
  type: TLedgerEventType;
  /** The fact's content: the receipt whose canonical content sorts first (see factContent). */
  fact: TLedgerEvent;
  receivedCount: number;
  firstReceivedAt: number;
  lastReceivedAt: number;
  /** Row ids in the order they were recorded (recordedAt, then id). */
  eventIds: readonly string[];
  /** Receipts disagree on content, not only on id/recordedAt: a key reused for two facts, or a
   *  provider that re-sent a status with different details. */
  isDivergent: boolean;
};

/**
 * The canonical text of what a receipt says, leaving out what only describes the receipt itself
 * (row id, arrival time). Two receipts of one fact have equal fact content.
 */
export function factContent(event: TLedgerEvent): string {
  const { id: _id, recordedAt: _recordedAt, ...content } = pickEventFields(event);
  return canonicalJson(content);
}

/**
 * Groups receipts by dedupeKey. The result depends only on the set of rows, never on their order:
 * the representative is chosen by content (smallest canonical text, so divergent receipts still
 * resolve the same way every time), and groups are sorted by (firstReceivedAt, dedupeKey).
 */
export function groupReceipts(events: readonly TLedgerEvent[]): TReceiptGroup[] {
  const byKey = new Map<string, TLedgerEvent[]>();
  for (const event of events) {
    const receipts = byKey.get(event.dedupeKey);
    if (receipts) receipts.push(event);
    else byKey.set(event.dedupeKey, [event]);
  }

  const groups: TReceiptGroup[] = [];
  for (const [key, receipts] of byKey) {
    receipts.sort(compareReceipts);
    const { fact, isDivergent } = pickRepresentative(receipts);
    groups.push({
      dedupeKey: key,
      type: fact.type,
      fact,
      receivedCount: receipts.length,
      firstReceivedAt: receipts[0]!.recordedAt,
      lastReceivedAt: receipts[receipts.length - 1]!.recordedAt,
      eventIds: receipts.map((receipt) => receipt.id),
      isDivergent,
    });
  }
  return groups.sort(
    (a, b) => a.firstReceivedAt - b.firstReceivedAt || compareStrings(a.dedupeKey, b.dedupeKey),
  );
}

/** The receipt with the smallest fact content (the first such in receipt order). */
function pickRepresentative(receipts: readonly TLedgerEvent[]): { fact: TLedgerEvent; isDivergent: boolean } {
  let fact = receipts[0]!;
  // A single receipt has nothing to compare with; skipping the serialisation is the common case.
  if (receipts.length === 1) return { fact, isDivergent: false };
  let content = factContent(fact);
  let isDivergent = false;
  for (const receipt of receipts.slice(1)) {
    const candidate = factContent(receipt);
    if (candidate === content) continue;
    isDivergent = true;
    if (candidate < content) {
      fact = receipt;
      content = candidate;
    }
  }
  return { fact, isDivergent };
}

/** Facts received more than once, for the duplicates panel. */
export function countDuplicates(events: readonly TLedgerEvent[]): TReceiptGroup[] {
  return groupReceipts(events).filter((group) => group.receivedCount > 1);
}

/** "received once", "received 3 times", "received 4 times over 2 days". */
export function describeReceipts(
  group: Pick<TReceiptGroup, "receivedCount" | "firstReceivedAt" | "lastReceivedAt">,
): string {
  if (group.receivedCount <= 1) return "received once";
  const span = describeSpan(group.lastReceivedAt - group.firstReceivedAt);
  return span
    ? `received ${group.receivedCount} times over ${span}`
    : `received ${group.receivedCount} times`;
}

const SPAN_UNITS = [
  { name: "day", ms: 86_400_000 },
  { name: "hour", ms: 3_600_000 },
  { name: "minute", ms: 60_000 },
  { name: "second", ms: 1_000 },
] as const;

function describeSpan(ms: number): string | null {
  for (const unit of SPAN_UNITS) {
    if (ms >= unit.ms) {
      const count = Math.round(ms / unit.ms);
      return `${count} ${unit.name}${count === 1 ? "" : "s"}`;
    }
  }
  return null; // under a second: "over 0 seconds" says nothing
}

/** Receipt order: when it was recorded, row id as the tie-break so the order is total. */
export function compareReceipts(a: TLedgerEvent, b: TLedgerEvent): number {
  return a.recordedAt - b.recordedAt || compareStrings(a.id, b.id);
}

/** Code-unit order, independent of locale (localeCompare is not). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
