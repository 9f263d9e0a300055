// The ledger API: append events to a message's ledger (idempotently, inside the caller's
// transaction) and keep the message's projection equal to deriveState(events) in that same
// transaction. Appends to one message are serialised by a row lock on the message.
import crypto from "node:crypto";
import type { TDbTx } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { factContent } from "@/server/domain/ledger/group-receipts";
import { appendToChain, GENESIS_HASH, type TChainedEvent } from "@/server/domain/ledger/hash-chain";
import { deliveryLatencyMs } from "@/server/domain/insights/delivery-latency";
import { rollupDeltas, type TRollupFacts } from "@/server/domain/insights/rollup";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import { deriveState, type TDerived } from "@/server/domain/reconciliation/derive-state";
import { snapshotDerived } from "@/server/domain/reconciliation/diff-derived";
import { CURRENT_RULES, type TReconciliationRules } from "@/server/domain/reconciliation/rules";
import { syncDeadLetter } from "@/server/services/dead-letters/projection";
import { ServiceError } from "@/server/services/errors";
import { recordRollupDeltas } from "@/server/services/insights/rollup-deltas";
import { reattachOrphansOnAccept } from "@/server/services/ingest/orphans";
import { eventColumns, sha256Hex, toChainedEvent, type TEventDraft } from "./rows";

export type TAppendOptions = {
  now: Date;
  /** the raw webhook these events came from, when they did */
  rawWebhookId?: string | null;
  rules?: TReconciliationRules;
};

export type TAppendResult = {
  /** facts recorded for the first time */
  appended: TChainedEvent[];
  /** facts that were already in the ledger: counted as receipts, nothing else changes */
  duplicates: { dedupeKey: string; eventId: string; isDivergent: boolean }[];
  derived: TDerived;
};

export type TNewMessage = {
  tenantId: string;
  id?: string;
  senderNumberId: string;
  recipient: string;
  contentKind: "template" | "text";
  templateName?: string | null;
  templateLanguage?: string | null;
  templateCategory?: string | null;
  requestPayload: Prisma.InputJsonValue;
  idempotencyKey?: string | null;
};

/**
 * Creates a message with its `requested` event, its projection derived from that event.
 * Returns the existing message id when the tenant's idempotency key was used before (the caller
 * compares payloads and answers 409 when they differ).
 */
export async function createMessage(
  tx: TDbTx,
  input: TNewMessage,
  requested: Extract<TEventDraft, { type: "requested" }>,
  options: TAppendOptions,
): Promise<{ messageId: string; isNew: boolean }> {
  const id = input.id ?? crypto.randomUUID();
  const rules = options.rules ?? CURRENT_RULES;
  if (input.idempotencyKey) {
    const existing = await tx.message.findUnique({
      where: { tenantId_idempotencyKey: { tenantId: input.tenantId, idempotencyKey: input.idempotencyKey } },
      select: { id: true },
    });
    if (existing) return { messageId: existing.id, isNew: false };
  }
  const createdAt = options.now;
  await tx.message.create({
    data: {
      tenantId: input.tenantId,
      id,
      senderNumberId: input.senderNumberId,
      recipient: input.recipient,
      contentKind: input.contentKind,
      templateName: input.templateName ?? null,
      templateLanguage: input.templateLanguage ?? null,
      templateCategory: input.templateCategory ?? null,
      requestPayload: input.requestPayload,
      idempotencyKey: input.idempotencyKey ?? null,
      state: "queued",
      stateReachedAt: options.now,
      stateExplanation: "",
      rulesVersion: rules.version,
      headHash: GENESIS_HASH,
      // the requested event's time, so the rollups' send cohort is the ledger's, not the
      // database clock's a few ms later
      createdAt,
    },
  });
  // the new row counts in the insights rollups from the start (appendEvents then moves it)
  await recordRollupDeltas(
    tx,
    input.tenantId,
    rollupDeltas(null, {
      createdAtMs: createdAt.getTime(),
      senderNumberId: input.senderNumberId,
      templateName: input.templateName ?? null,
      state: "queued",
      errorCode: null,
      deliveryLatencyMs: null,
    }),
  );
  await appendEvents(tx, input.tenantId, id, [requested], options);
  return { messageId: id, isNew: true };
}

export async function appendEvents(
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  drafts: readonly TEventDraft[],
  options: TAppendOptions,
): Promise<TAppendResult> {
  const rules = options.rules ?? CURRENT_RULES;
  // the lock serialises appends to this message: the chain has one tail at a time
  const locked = await tx.$queryRaw<TLockedRow[]>`
    SELECT head_hash, created_at, sender_number_id::text AS sender_number_id, template_name, state::text AS state,
           last_error_code, delivery_latency_ms
    FROM message WHERE tenant_id = ${tenantId}::uuid AND id = ${messageId}::uuid FOR UPDATE`;
  const row = locked[0];
  if (!row) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  const before: TRollupFacts = {
    createdAtMs: row.created_at.getTime(),
    senderNumberId: row.sender_number_id,
    templateName: row.template_name,
    state: row.state,
    errorCode: row.last_error_code,
    deliveryLatencyMs: row.delivery_latency_ms,
  };

  const rows = await tx.messageEvent.findMany({
    where: { tenantId, messageId },
    orderBy: { seq: "asc" },
    select: { seq: true, body: true, prevHash: true, hash: true, id: true, dedupeKey: true },
  });
  const chain = rows.map(toChainedEvent);
  const byKey = new Map(chain.map((event) => [event.dedupeKey, event]));
  let head = chain.at(-1)?.hash ?? GENESIS_HASH;
  let seq = rows.at(-1)?.seq ?? 0;

  const appended: TChainedEvent[] = [];
  const duplicates: TAppendResult["duplicates"] = [];
  for (const draft of drafts) {
    const event = {
      ...draft,
      id: crypto.randomUUID(),
      messageId,
      recordedAt: options.now.getTime(),
    } as TLedgerEvent;
    const contentHash = sha256Hex(factContent(event));
    const existing = byKey.get(event.dedupeKey);
    if (existing) {
      const isDivergent = sha256Hex(factContent(existing)) !== contentHash;
      await tx.messageEventReceipt.create({
        data: receiptData(tenantId, messageId, existing.id, event, options, contentHash, false),
      });
      duplicates.push({ dedupeKey: event.dedupeKey, eventId: existing.id, isDivergent });
      continue;
    }
    const chained = appendToChain(head, event, sha256Hex);
    seq += 1;
    await tx.messageEvent.create({
      data: {
        tenantId,
        messageId,
        seq,
        id: chained.id,
        ...eventColumns(chained),
        rawWebhookId: options.rawWebhookId ?? null,
        body: bodyOf(event),
        prevHash: chained.prevHash,
        hash: chained.hash,
      },
    });
    await tx.messageEventReceipt.create({
      data: receiptData(tenantId, messageId, chained.id, event, options, contentHash, true),
    });
    if (chained.type === "provider_accepted") {
      await tx.messageProviderId.createMany({
        data: [
          { tenantId, providerMessageId: chained.providerMessageId, messageId, attempt: chained.attempt },
        ],
        skipDuplicates: true,
      });
    }
    chain.push(chained);
    byKey.set(chained.dedupeKey, chained);
    appended.push(chained);
    head = chained.hash;
  }

  const derived = deriveState(chain, rules);
  await writeProjection(tx, tenantId, messageId, chain, derived, options.now, before);
  // the dead-letter list's row (only for messages ever dead-lettered), same transaction
  await syncDeadLetter(tx, tenantId, messageId, chain, options.now);
  // Webhook ingestion's contract: statuses that arrived before their wamid was known (orphans)
  // join this ledger in the same transaction as the provider_accepted that names the wamid.
  return reattachOrphansOnAccept(
    tx,
    tenantId,
    messageId,
    { appended, duplicates, derived },
    options,
    appendEvents,
  );
}

type TLockedRow = {
  head_hash: string;
  created_at: Date;
  sender_number_id: string;
  template_name: string | null;
  state: TRollupFacts["state"];
  last_error_code: string | null;
  delivery_latency_ms: number | null;
};

function bodyOf(event: TLedgerEvent): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(event)) as Prisma.InputJsonValue;
}

function receiptData(
  tenantId: string,
  messageId: string,
  eventId: string,
  event: TLedgerEvent,
  options: TAppendOptions,
  contentHash: string,
  isFirst: boolean,
) {
  return {
    tenantId,
    messageId,
    dedupeKey: event.dedupeKey,
    eventId,
    source: event.source,
    receivedAt: options.now,
    rawWebhookId: options.rawWebhookId ?? null,
    contentHash,
    isFirst,
  };
}

/**
 * The projection: what the message row stores of the derivation. Only this function writes it.
 * `before` is the row's rollup facts as locked: the change is recorded as insights rollup deltas
 * in the same transaction (nothing when the facts did not change).
 */
export async function writeProjection(
  tx: TDbTx,
  tenantId: string,
  messageId: string,
  chain: readonly TChainedEvent[],
  derived: TDerived,
  now: Date,
  before: TRollupFacts,
): Promise<void> {
  const snapshot = snapshotDerived(derived);
  const accepted = chain
    .filter((e): e is Extract<TChainedEvent, { type: "provider_accepted" }> => e.type === "provider_accepted")
    .sort((a, b) => b.attempt - a.attempt)[0];
  const lastError = [...chain].reverse().find((e) => "error" in e && e.error !== null);
  const lastErrorCode = lastError && "error" in lastError ? (lastError.error?.code ?? null) : null;
  const latencyMs = deliveryLatencyMs(chain, snapshot.state);
  await tx.message.update({
    where: { tenantId_id: { tenantId, id: messageId } },
    data: {
      state: snapshot.state,
      stateReachedAt: derived.since === null ? now : new Date(derived.since),
      stateExplanation: snapshot.explanation,
      deciderDedupeKey: snapshot.deciderKey,
      conflictKinds: [...snapshot.conflictKinds],
      rulesVersion: snapshot.rulesVersion,
      providerMessageId: accepted?.providerMessageId ?? null,
      lastErrorCode,
      attemptCount: derived.latestAttempt,
      eventCount: chain.length,
      headHash: chain.at(-1)?.hash ?? GENESIS_HASH,
      deliveryLatencyMs: latencyMs,
    },
  });
  await recordRollupDeltas(
    tx,
    tenantId,
    rollupDeltas(before, {
      ...before,
      state: snapshot.state,
      errorCode: lastErrorCode,
      deliveryLatencyMs: latencyMs,
    }),
  );
}
