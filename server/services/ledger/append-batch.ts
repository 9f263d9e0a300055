// The batched ledger append: the facts of many messages in the caller's transaction, with a
// fixed number of statements per batch whatever its size.
//   1. lock every message of the batch in one statement, in (tenant_id, id) order (two batches
//      never deadlock);
//   2. go on from each message's fold state (server/domain/reconciliation/fold.ts); a message
//      whose state is missing or from other rules takes the full path (its chain, one statement
//      for all such messages) and gets a fresh state;
//   3. chain the new facts in memory: a known dedupe key is a counted receipt (divergent when its
//      content hash differs), a new one a chained row;
//   4. projectors' follow-ups (orphans waiting for a wamid the batch accepted) are appended the
//      same way, until none is returned;
//   5. events, receipts and wamid rows, one multi-row statement per table;
//   6. each projector writes its rows for the whole batch (the message projection first).
// The projector list is installed where the process starts (server/services/projectors.ts): this
// service imports no other service.
import crypto from "node:crypto";
import { factContent } from "@/server/domain/ledger/group-receipts";
import { appendToChain, type TChainedEvent } from "@/server/domain/ledger/hash-chain";
import type { TLedgerEvent, TLedgerEventType } from "@/server/domain/ledger/ledger-event";
import type { TDerived } from "@/server/domain/reconciliation/derive-state";
import {
  deriveFolded,
  emptyFoldState,
  fold,
  foldedEvents,
  foldedFact,
  usableFoldState,
  type TFoldState,
} from "@/server/domain/reconciliation/fold";
import { snapshotDerived } from "@/server/domain/reconciliation/diff-derived";
import { projectMessageFacts } from "@/server/domain/reconciliation/project-message";
import {
  CURRENT_RULES,
  type TConflictKind,
  type TReconciliationRules,
} from "@/server/domain/reconciliation/rules";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import type { TSql } from "@/server/db/sql";
import { ServiceError } from "@/server/services/errors";
import { ledgerProjectors } from "./installed";
import type {
  TAppendedEvent,
  TDuplicateReceipt,
  TFollowUp,
  TLedgerProjector,
  TMessageAppend,
  TMessageFacts,
} from "./projector";
import { eventColumns, jsonbArray, sha256Hex, toChainedEvent, type TEventDraft } from "./rows";

/** Facts for one message from one source (a raw webhook, a send response, an operator action). */
export type TAppendRequest = {
  tenantId: string;
  messageId: string;
  drafts: readonly TEventDraft[];
  /** the raw webhook these facts came from, when they did */
  rawWebhookId?: string | null;
  /** when these facts arrived (their recordedAt and receipt time); the batch's `now` by default */
  receivedAt?: Date;
  /** the message row was inserted by this transaction: its rollup contribution starts here */
  isNewMessage?: boolean;
  /**
   * Facts decided from the message as it stands right before this request's drafts (a failed
   * status's retry): read under the batch's lock, so no writer can move the message between the
   * decision and the append. Called once per request; its drafts follow the request's own.
   */
  decide?: (message: TDecisionView) => readonly TEventDraft[];
};

/** What a request's `decide` sees: the locked message, folded up to the request. */
export type TDecisionView = {
  state: TMessageState;
  latestAttempt: number;
  senderNumberId: string;
  recipient: string;
  templateCategory: string | null;
  createdAtMs: number;
};

export type TBatchOptions = {
  now: Date;
  rules?: TReconciliationRules;
  /** the installed list unless given (tests of the ledger alone) */
  projectors?: readonly TLedgerProjector[];
  /** new event ids; random unless given (tests that compare hashes across runs) */
  eventId?: (fact: { tenantId: string; messageId: string; dedupeKey: string }) => string;
};

/** What one request did: its own drafts, follow-ups not included. */
export type TRequestResult = { appended: TChainedEvent[]; duplicates: TDuplicateReceipt[] };

/** What the batch did to one message, follow-ups included. */
export type TMessageResult = {
  tenantId: string;
  messageId: string;
  appended: TChainedEvent[];
  duplicates: TDuplicateReceipt[];
  derived: TDerived;
};

export type TBatchResult = {
  /** aligned with the requests */
  requests: TRequestResult[];
  /** one per message, in lock order */
  messages: TMessageResult[];
};

type TLockedRow = {
  tenant_id: string;
  id: string;
  fold_state: unknown;
  state: TMessageState;
  conflict_kinds: TConflictKind[];
  sender_number_id: string;
  recipient: string;
  content_kind: string;
  template_name: string | null;
  template_category: string | null;
  created_at: Date;
  last_error_code: string | null;
  delivery_latency_ms: number | null;
  attempt_count: number;
};

type TWorkMessage = {
  tenantId: string;
  messageId: string;
  before: TMessageFacts | null;
  row: TLockedRow;
  /** where this batch starts from */
  initialFold: TFoldState;
  fold: TFoldState;
  /** the chain as loaded (full path), else null */
  loadedChain: TChainedEvent[] | null;
  /** types of the facts held before this batch */
  typesBefore: Set<TLedgerEventType>;
  drafts: TEventDraft[];
  appended: TAppendedEvent[];
  duplicates: TDuplicateReceipt[];
};

type TEventInsert = { tenantId: string; seq: number; event: TChainedEvent; rawWebhookId: string | null };
type TReceiptInsert = {
  tenantId: string;
  messageId: string;
  dedupeKey: string;
  eventId: string;
  source: string;
  receivedAt: Date;
  rawWebhookId: string | null;
  contentHash: string;
  isFirst: boolean;
};

const keyOf = (tenantId: string, messageId: string) => `${tenantId}|${messageId}`;

export async function appendBatch(
  sql: TSql,
  requests: readonly TAppendRequest[],
  options: TBatchOptions,
): Promise<TBatchResult> {
  const rules = options.rules ?? CURRENT_RULES;
  const projectors = options.projectors ?? ledgerProjectors();
  const normalized = requests.map((r) => ({
    ...r,
    tenantId: r.tenantId.toLowerCase(),
    messageId: r.messageId.toLowerCase(),
  }));
  if (normalized.length === 0) return { requests: [], messages: [] };

  const work = await lockMessages(sql, normalized, rules);
  const newId = options.eventId ?? (() => crypto.randomUUID());

  // a request's decided drafts, made once (on the first chaining pass) and kept for the others
  const decided = new Map<number, readonly TEventDraft[]>();
  const decidedDrafts = (index: number, message: TWorkMessage): readonly TEventDraft[] => {
    const request = normalized[index]!;
    if (!request.decide) return [];
    const known = decided.get(index);
    if (known) return known;
    const derived = deriveFolded(message.fold, message.messageId, rules);
    const drafts = request.decide({
      state: derived.state,
      latestAttempt: derived.latestAttempt,
      senderNumberId: message.row.sender_number_id,
      recipient: message.row.recipient,
      templateCategory: message.row.template_category,
      createdAtMs: message.row.created_at.getTime(),
    });
    decided.set(index, drafts);
    return drafts;
  };

  // Chains every request in order, each one's follow-ups right after it: the chain (and so every
  // hash) is the one the same requests would give appended one by one, follow-ups included.
  const chainAll = (placed: ReadonlyMap<number, readonly TFollowUp[]>) => {
    const events: TEventInsert[] = [];
    const receipts: TReceiptInsert[] = [];
    const wamids: { tenantId: string; providerMessageId: string; messageId: string; attempt: number }[] = [];
    /** (message, dedupe key) of each appended fact -> the request it belongs to */
    const origin = new Map<string, number>();
    for (const message of work.values()) {
      message.fold = message.initialFold;
      message.drafts = [];
      message.appended = [];
      message.duplicates = [];
    }
    const appendTo = (
      message: TWorkMessage,
      index: number,
      drafts: readonly TEventDraft[],
      rawWebhookId: string | null,
      receivedAt: Date,
      result: TRequestResult,
    ): void => {
      for (const draft of drafts) {
        const event = {
          ...draft,
          id: newId({ tenantId: message.tenantId, messageId: message.messageId, dedupeKey: draft.dedupeKey }),
          messageId: message.messageId,
          recordedAt: receivedAt.getTime(),
        };
        const contentHash = sha256Hex(factContent(event));
        message.drafts.push(draft);
        const existing = foldedFact(message.fold, event.dedupeKey);
        if (existing) {
          const id = (existing.e as { id: string }).id;
          receipts.push(receiptOf(message, event, id, receivedAt, rawWebhookId, contentHash, false));
          const duplicate = {
            dedupeKey: event.dedupeKey,
            eventId: id,
            isDivergent: existing.h !== contentHash,
          };
          result.duplicates.push(duplicate);
          message.duplicates.push(duplicate);
          continue;
        }
        const chained = appendToChain(message.fold.headHash, event, sha256Hex);
        message.fold = fold(message.fold, chained, contentHash);
        events.push({
          tenantId: message.tenantId,
          seq: message.fold.eventCount,
          event: chained,
          rawWebhookId,
        });
        receipts.push(receiptOf(message, event, chained.id, receivedAt, rawWebhookId, contentHash, true));
        if (chained.type === "provider_accepted") {
          wamids.push({
            tenantId: message.tenantId,
            providerMessageId: chained.providerMessageId,
            messageId: message.messageId,
            attempt: chained.attempt,
          });
        }
        origin.set(`${keyOf(message.tenantId, message.messageId)}|${chained.dedupeKey}`, index);
        result.appended.push(chained);
        message.appended.push({ ...chained, rawWebhookId });
      }
    };
    const requestResults = normalized.map((r, index) => {
      const message = work.get(keyOf(r.tenantId, r.messageId))!;
      const result: TRequestResult = { appended: [], duplicates: [] };
      const drafts = r.decide ? [...r.drafts, ...decidedDrafts(index, message)] : r.drafts;
      appendTo(message, index, drafts, r.rawWebhookId ?? null, r.receivedAt ?? options.now, result);
      // follow-ups count for the message, not for the request that caused them
      const followUpResult: TRequestResult = { appended: [], duplicates: [] };
      for (const f of placed.get(index) ?? [])
        appendTo(message, index, f.drafts, f.rawWebhookId, f.receivedAt, followUpResult);
      return result;
    });
    return { events, receipts, wamids, origin, requestResults };
  };

  // Follow-ups: facts the projectors append because of what the batch appended (orphans of a
  // wamid just accepted). Each round shows the projectors the facts they have not seen yet; their
  // follow-ups are placed after the request whose fact called for them and the batch is chained
  // again (in memory: nothing is written before the loop settles).
  const placed = new Map<number, TFollowUp[]>();
  const shown = new Set<string>();
  let pass = chainAll(placed);
  for (let round = 0; ; round += 1) {
    const fresh = [...work.values()]
      .map((m) => ({
        tenantId: m.tenantId,
        messageId: m.messageId,
        appended: m.appended.filter((e) => !shown.has(`${keyOf(m.tenantId, m.messageId)}|${e.dedupeKey}`)),
      }))
      .filter((m) => m.appended.length > 0);
    if (fresh.length === 0) break;
    if (round >= 10) throw new Error("ledger follow-ups did not settle after 10 rounds");
    for (const m of fresh)
      for (const e of m.appended) shown.add(`${keyOf(m.tenantId, m.messageId)}|${e.dedupeKey}`);
    let added = 0;
    for (const projector of projectors) {
      if (!projector.followUps) continue;
      for (const followUp of await projector.followUps({ sql, now: options.now, appended: fresh })) {
        const key = keyOf(followUp.tenantId.toLowerCase(), followUp.messageId.toLowerCase());
        const index = pass.origin.get(`${key}|${followUp.causedBy}`);
        // follow-ups answer a fact of this batch, on a message it holds locked: else a projector bug
        if (index === undefined || !work.has(key))
          throw new Error(`ledger follow-up for ${followUp.messageId} answers no fact of this batch`);
        placed.set(index, [...(placed.get(index) ?? []), followUp]);
        added += 1;
      }
    }
    if (added === 0) break;
    pass = chainAll(placed);
  }
  const { events, receipts, wamids, requestResults } = pass;

  await insertEvents(sql, events);
  await insertReceipts(sql, receipts);
  await insertWamids(sql, wamids);

  // derive and project
  const needsLedger = (m: TWorkMessage) =>
    projectors.some((p) => p.needsLedger?.({ before: m.before, factTypes: m.typesBefore, drafts: m.drafts }));
  const toLoad = [...work.values()].filter((m) => m.loadedChain === null && needsLedger(m));
  const loaded = toLoad.length > 0 ? await loadChains(sql, toLoad) : new Map<string, TChainedEvent[]>();
  const appends: TMessageAppend[] = [];
  const results: TMessageResult[] = [];
  for (const m of work.values()) {
    const chainEvents = foldedEvents(m.fold, m.messageId);
    const derived = deriveFolded(m.fold, m.messageId, rules);
    const facts = projectMessageFacts(chainEvents, derived);
    const after: TMessageFacts = {
      ...(m.before ?? factsOf(m.row)),
      state: derived.state,
      conflictKinds: snapshotDerived(derived).conflictKinds,
      lastErrorCode: facts.lastErrorCode,
      deliveryLatencyMs: facts.deliveryLatencyMs,
      attemptCount: derived.latestAttempt,
    };
    const ledger =
      m.loadedChain !== null
        ? [...m.loadedChain, ...m.appended.map(stripRaw)]
        : (loaded.get(keyOf(m.tenantId, m.messageId)) ?? null);
    appends.push({
      tenantId: m.tenantId,
      messageId: m.messageId,
      before: m.before,
      after,
      derived,
      appended: m.appended,
      duplicates: m.duplicates,
      ledger,
      fold: m.fold,
      isUnchanged: m.appended.length === 0 && m.loadedChain === null && m.before !== null,
      providerMessageId: facts.providerMessageId,
    });
    results.push({
      tenantId: m.tenantId,
      messageId: m.messageId,
      appended: m.appended.map(stripRaw),
      duplicates: m.duplicates,
      derived,
    });
  }
  for (const projector of projectors) {
    if (projector.project) await projector.project({ sql, now: options.now, messages: appends });
  }
  return { requests: requestResults, messages: results };
}

function stripRaw(event: TAppendedEvent): TChainedEvent {
  const { rawWebhookId: _raw, ...rest } = event;
  return rest;
}

function receiptOf(
  message: TWorkMessage,
  event: TLedgerEvent,
  eventId: string,
  receivedAt: Date,
  rawWebhookId: string | null,
  contentHash: string,
  isFirst: boolean,
): TReceiptInsert {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    dedupeKey: event.dedupeKey,
    eventId,
    source: event.source,
    receivedAt,
    rawWebhookId,
    contentHash,
    isFirst,
  };
}

function factsOf(row: TLockedRow): TMessageFacts {
  return {
    state: row.state,
    conflictKinds: row.conflict_kinds,
    senderNumberId: row.sender_number_id,
    recipient: row.recipient,
    contentKind: row.content_kind,
    templateName: row.template_name,
    templateCategory: row.template_category,
    createdAtMs: row.created_at.getTime(),
    lastErrorCode: row.last_error_code,
    deliveryLatencyMs: row.delivery_latency_ms,
    attemptCount: row.attempt_count,
  };
}

/** Locks the batch's messages in (tenant_id, id) order and sets each one's starting point. */
async function lockMessages(
  sql: TSql,
  requests: readonly (TAppendRequest & { tenantId: string; messageId: string })[],
  rules: TReconciliationRules,
): Promise<Map<string, TWorkMessage>> {
  const distinct = new Map<string, { tenantId: string; messageId: string; isNew: boolean }>();
  for (const r of requests) {
    const key = keyOf(r.tenantId, r.messageId);
    const known = distinct.get(key);
    distinct.set(key, {
      tenantId: r.tenantId,
      messageId: r.messageId,
      isNew: (known?.isNew ?? false) || r.isNewMessage === true,
    });
  }
  const list = [...distinct.values()];
  const rows = await sql.query<TLockedRow>(
    `SELECT m.tenant_id::text AS tenant_id, m.id::text AS id, m.fold_state, m.state::text AS state,
            m.conflict_kinds::text[] AS conflict_kinds, m.sender_number_id::text AS sender_number_id,
            m.recipient, m.content_kind, m.template_name, m.template_category, m.created_at,
            m.last_error_code, m.delivery_latency_ms::int AS delivery_latency_ms,
            m.attempt_count::int AS attempt_count
     FROM message m
     JOIN unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, id) ON m.tenant_id = k.tenant_id AND m.id = k.id
     ORDER BY m.tenant_id, m.id
     FOR UPDATE OF m`,
    [list.map((m) => m.tenantId), list.map((m) => m.messageId)],
  );
  if (rows.length !== list.length) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  const work = new Map<string, TWorkMessage>();
  const fullPath: TWorkMessage[] = [];
  for (const row of rows) {
    const key = keyOf(row.tenant_id, row.id);
    const state = usableFoldState(row.fold_state, rules);
    const message: TWorkMessage = {
      tenantId: row.tenant_id,
      messageId: row.id,
      before: distinct.get(key)!.isNew ? null : factsOf(row),
      row,
      initialFold: state ?? emptyFoldState(rules.version),
      fold: state ?? emptyFoldState(rules.version),
      loadedChain: null,
      typesBefore: new Set(state ? state.facts.map((f) => f.e.type) : []),
      drafts: [],
      appended: [],
      duplicates: [],
    };
    work.set(key, message);
    if (!state) fullPath.push(message);
  }
  if (fullPath.length > 0) {
    const chains = await loadChains(sql, fullPath);
    for (const message of fullPath) {
      const chain = chains.get(keyOf(message.tenantId, message.messageId)) ?? [];
      let state = emptyFoldState(rules.version);
      for (const event of chain) state = fold(state, event, sha256Hex(factContent(event)));
      message.initialFold = state;
      message.fold = state;
      message.loadedChain = chain;
      message.typesBefore = new Set(chain.map((e) => e.type));
    }
  }
  return work;
}

/** The whole chains of some messages, in one statement. */
async function loadChains(
  sql: TSql,
  messages: readonly { tenantId: string; messageId: string }[],
): Promise<Map<string, TChainedEvent[]>> {
  const rows = await sql.query<{
    tenant_id: string;
    message_id: string;
    seq: number;
    body: unknown;
    prev_hash: string;
    hash: string;
  }>(
    `SELECT e.tenant_id::text AS tenant_id, e.message_id::text AS message_id, e.seq::int AS seq, e.body,
            e.prev_hash, e.hash
     FROM message_event e
     JOIN unnest($1::uuid[], $2::uuid[]) AS k(tenant_id, message_id)
       ON e.tenant_id = k.tenant_id AND e.message_id = k.message_id
     ORDER BY e.tenant_id, e.message_id, e.seq`,
    [messages.map((m) => m.tenantId), messages.map((m) => m.messageId)],
  );
  const chains = new Map<string, TChainedEvent[]>();
  for (const row of rows) {
    const key = keyOf(row.tenant_id, row.message_id);
    const chain = chains.get(key) ?? [];
    chain.push(toChainedEvent({ seq: row.seq, body: row.body, prevHash: row.prev_hash, hash: row.hash }));
    chains.set(key, chain);
  }
  return chains;
}

async function insertEvents(sql: TSql, events: readonly TEventInsert[]): Promise<void> {
  if (events.length === 0) return;
  const columns = events.map((row) => ({ row, c: eventColumns(row.event) }));
  await sql.query(
    `INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, provider_timestamp,
                                recorded_at, attempt, provider_message_id, error_code, actor, reason,
                                raw_webhook_id, body, prev_hash, hash,
                                pricing_model, pricing_category, pricing_type, pricing_billable)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::uuid[], $5::text[]::message_event_type[],
                          $6::text[]::event_source[], $7::text[], $8::timestamptz[], $9::timestamptz[], $10::int[],
                          $11::text[], $12::text[], $13::text[], $14::text[], $15::uuid[], ${jsonbArray("$16")},
                          $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::boolean[])`,
    [
      columns.map(({ row }) => row.tenantId),
      columns.map(({ row }) => row.event.messageId),
      columns.map(({ row }) => row.seq),
      columns.map(({ row }) => row.event.id),
      columns.map(({ c }) => c.type),
      columns.map(({ c }) => c.source),
      columns.map(({ c }) => c.dedupeKey),
      columns.map(({ c }) => c.providerTimestamp?.toISOString() ?? null),
      columns.map(({ c }) => c.recordedAt.toISOString()),
      columns.map(({ c }) => c.attempt),
      columns.map(({ c }) => c.providerMessageId),
      columns.map(({ c }) => c.errorCode),
      columns.map(({ c }) => c.actor),
      columns.map(({ c }) => c.reason),
      columns.map(({ row }) => row.rawWebhookId),
      JSON.stringify(columns.map(({ row }) => bodyOf(row.event))),
      columns.map(({ row }) => row.event.prevHash),
      columns.map(({ row }) => row.event.hash),
      // Meta's pricing object of a status webhook (usage metering reads these columns)
      columns.map(({ c }) => c.pricingModel),
      columns.map(({ c }) => c.pricingCategory),
      columns.map(({ c }) => c.pricingType),
      columns.map(({ c }) => c.pricingBillable),
    ],
  );
}

/** The stored body: the event as the domain defines it (no hash links: they are columns). */
function bodyOf(event: TChainedEvent): unknown {
  const { prevHash: _prev, hash: _hash, ...body } = event;
  return body;
}

async function insertReceipts(sql: TSql, receipts: readonly TReceiptInsert[]): Promise<void> {
  if (receipts.length === 0) return;
  await sql.query(
    `INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at,
                                        raw_webhook_id, content_hash, is_first)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[]::event_source[],
                          $6::timestamptz[], $7::uuid[], $8::text[], $9::boolean[])`,
    [
      receipts.map((r) => r.tenantId),
      receipts.map((r) => r.messageId),
      receipts.map((r) => r.dedupeKey),
      receipts.map((r) => r.eventId),
      receipts.map((r) => r.source),
      receipts.map((r) => r.receivedAt.toISOString()),
      receipts.map((r) => r.rawWebhookId),
      receipts.map((r) => r.contentHash),
      receipts.map((r) => r.isFirst),
    ],
  );
}

async function insertWamids(
  sql: TSql,
  wamids: readonly { tenantId: string; providerMessageId: string; messageId: string; attempt: number }[],
): Promise<void> {
  if (wamids.length === 0) return;
  await sql.query(
    `INSERT INTO message_provider_id (tenant_id, provider_message_id, message_id, attempt)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::int[])
     ON CONFLICT DO NOTHING`,
    [
      wamids.map((w) => w.tenantId),
      wamids.map((w) => w.providerMessageId),
      wamids.map((w) => w.messageId),
      wamids.map((w) => w.attempt),
    ],
  );
}
