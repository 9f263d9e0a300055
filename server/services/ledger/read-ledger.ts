// Reading a message's ledger: its chained events, every receipt, the derivation, and the
// chain-of-custody check. Always scoped by tenant.
import type { TDb, TDbTx } from "@/server/db/client";
import { describeReceipts } from "@/server/domain/ledger/group-receipts";
import { verifyChain, type TChainedEvent, type TChainVerification } from "@/server/domain/ledger/hash-chain";
import { deriveState, type TDerived } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES, type TReconciliationRules } from "@/server/domain/reconciliation/rules";
import { ServiceError } from "@/server/services/errors";
import { sha256Hex, toChainedEvent } from "./rows";

export async function loadChain(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TChainedEvent[]> {
  const rows = await db.messageEvent.findMany({
    where: { tenantId, messageId },
    orderBy: { seq: "asc" },
    select: { seq: true, body: true, prevHash: true, hash: true },
  });
  return rows.map(toChainedEvent);
}

export type TChainCheck = TChainVerification & { checkedEvents: number };

/**
 * Verifies a message's hash chain against the head hash anchored on the message row, so a
 * removed last event is caught too. Also checks that the indexed columns still match the bodies.
 */
export async function verifyMessageChain(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<TChainCheck> {
  const message = await db.message.findUnique({
    where: { tenantId_id: { tenantId, id: messageId } },
    select: { headHash: true },
  });
  if (!message) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  const rows = await db.messageEvent.findMany({
    where: { tenantId, messageId },
    orderBy: { seq: "asc" },
    select: {
      seq: true,
      body: true,
      prevHash: true,
      hash: true,
      id: true,
      type: true,
      dedupeKey: true,
      messageId: true,
    },
  });
  const chain: TChainedEvent[] = [];
  for (const [index, row] of rows.entries()) {
    let event: TChainedEvent;
    try {
      event = toChainedEvent(row);
    } catch {
      return { ok: false, brokenAt: index, reason: "hash_mismatch", checkedEvents: rows.length };
    }
    // a column edited without its body is tampering too
    if (
      event.id !== row.id ||
      event.type !== row.type ||
      event.dedupeKey !== row.dedupeKey ||
      event.messageId !== row.messageId
    ) {
      return { ok: false, brokenAt: index, reason: "hash_mismatch", checkedEvents: rows.length };
    }
    chain.push(event);
  }
  return {
    ...verifyChain(chain, sha256Hex, { expectedHeadHash: message.headHash }),
    checkedEvents: rows.length,
  };
}

export type TReceiptSummary = {
  dedupeKey: string;
  receivedCount: number;
  firstReceivedAt: Date;
  lastReceivedAt: Date;
  description: string;
  hasDivergentCopies: boolean;
};

/** Receipt counts per fact: "received 4 times over 2 days". */
export async function summarizeReceipts(
  db: TDb | TDbTx,
  tenantId: string,
  messageId: string,
): Promise<Map<string, TReceiptSummary>> {
  const groups = await db.messageEventReceipt.groupBy({
    by: ["dedupeKey"],
    where: { tenantId, messageId },
    _count: { _all: true },
    _min: { receivedAt: true },
    _max: { receivedAt: true },
  });
  const divergent = await db.$queryRaw<{ dedupe_key: string }[]>`
    SELECT dedupe_key FROM message_event_receipt WHERE tenant_id = ${tenantId}::uuid AND message_id = ${messageId}::uuid
    GROUP BY dedupe_key HAVING count(DISTINCT content_hash) > 1`;
  const divergentKeys = new Set(divergent.map((d) => d.dedupe_key));
  const result = new Map<string, TReceiptSummary>();
  for (const group of groups) {
    const first = group._min.receivedAt ?? new Date(0);
    const last = group._max.receivedAt ?? first;
    result.set(group.dedupeKey, {
      dedupeKey: group.dedupeKey,
      receivedCount: group._count._all,
      firstReceivedAt: first,
      lastReceivedAt: last,
      description: describeReceipts({
        receivedCount: group._count._all,
        firstReceivedAt: first.getTime(),
        lastReceivedAt: last.getTime(),
      }),
      hasDivergentCopies: divergentKeys.has(group.dedupeKey),
    });
  }
  return result;
}

export type TLedgerView = {
  events: (TChainedEvent & { receipts: TReceiptSummary | null })[];
  derived: TDerived;
  chain: TChainCheck;
};

/** A message's timeline: events in ledger order with their receipt counts, the derivation, the check. */
export async function readLedger(
  db: TDbTx,
  tenantId: string,
  messageId: string,
  rules: TReconciliationRules = CURRENT_RULES,
): Promise<TLedgerView> {
  const [chain, receipts, check] = await Promise.all([
    loadChain(db, tenantId, messageId),
    summarizeReceipts(db, tenantId, messageId),
    verifyMessageChain(db, tenantId, messageId),
  ]);
  return {
    events: chain.map((event) => ({ ...event, receipts: receipts.get(event.dedupeKey) ?? null })),
    derived: deriveState(chain, rules),
    chain: check,
  };
}
