// The ledger API for one message: append events (idempotently, inside the caller's transaction)
// and keep the message's projections equal to its ledger in that same transaction. Both calls are
// the batched append (append-batch.ts) with a batch of one, so there is one write path.
import crypto from "node:crypto";
import type pg from "pg";
import type { TDbTx } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import { GENESIS_HASH } from "@/server/domain/ledger/hash-chain";
import type { TDerived } from "@/server/domain/reconciliation/derive-state";
import { emptyFoldState } from "@/server/domain/reconciliation/fold";
import { CURRENT_RULES, type TReconciliationRules } from "@/server/domain/reconciliation/rules";
import { appendBatch } from "./append-batch";
import type { TLedgerProjector } from "./projector";
import type { TEventDraft } from "./rows";

export type TAppendOptions = {
  now: Date;
  /** the raw webhook these events came from, when they did */
  rawWebhookId?: string | null;
  rules?: TReconciliationRules;
  /** the installed list unless given */
  projectors?: readonly TLedgerProjector[];
  /** new event ids; random unless given (tests that compare hashes across runs) */
  eventId?: (fact: { tenantId: string; messageId: string; dedupeKey: string }) => string;
};

export type TAppendResult = {
  /** facts recorded for the first time (follow-ups such as re-attached orphans included) */
  appended: TChainedEvent[];
  /** facts that were already in the ledger: counted as receipts, nothing else changes */
  duplicates: { dedupeKey: string; eventId: string; isDivergent: boolean }[];
  derived: TDerived;
};

/** A transaction handle: Prisma's interactive transaction, a pg client in BEGIN, or a TSql. */
export type TLedgerHandle = TSql | TDbTx | pg.ClientBase;

export type TNewMessage = {
  tenantId: string;
  id?: string;
  senderNumberId: string;
  recipient: string;
  contentKind: "template" | "text";
  templateName?: string | null;
  templateLanguage?: string | null;
  templateCategory?: string | null;
  requestPayload: unknown;
  idempotencyKey?: string | null;
};

/**
 * Creates a message with its `requested` event, its projection derived from that event.
 * Returns the existing message id when the tenant's idempotency key was used before (the caller
 * compares payloads and answers 409 when they differ).
 */
export async function createMessage(
  handle: TLedgerHandle,
  input: TNewMessage,
  requested: Extract<TEventDraft, { type: "requested" }>,
  options: TAppendOptions,
): Promise<{ messageId: string; isNew: boolean }> {
  const sql = toSql(handle);
  const id = input.id ?? crypto.randomUUID();
  const rules = options.rules ?? CURRENT_RULES;
  if (input.idempotencyKey) {
    const existing = await sql.query<{ id: string }>(
      `SELECT id::text AS id FROM message WHERE tenant_id = $1::uuid AND idempotency_key = $2`,
      [input.tenantId, input.idempotencyKey],
    );
    if (existing[0]) return { messageId: existing[0].id, isNew: false };
  }
  // created_at is the requested event's time, so the rollups' send cohort is the ledger's, not the
  // database clock's a few ms later
  await sql.query(
    `INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name, template_language,
                          template_category, request_payload, idempotency_key, state, state_reached_at,
                          state_explanation, rules_version, head_hash, fold_state, created_at, updated_at)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8, $9::jsonb, $10, 'queued', $11::timestamptz, '', $12::int,
             $13, $14::jsonb, $11::timestamptz, $11::timestamptz)`,
    [
      input.tenantId,
      id,
      input.senderNumberId,
      input.recipient,
      input.contentKind,
      input.templateName ?? null,
      input.templateLanguage ?? null,
      input.templateCategory ?? null,
      JSON.stringify(input.requestPayload),
      input.idempotencyKey ?? null,
      options.now.toISOString(),
      rules.version,
      GENESIS_HASH,
      JSON.stringify(emptyFoldState(rules.version)),
    ],
  );
  await appendBatch(
    sql,
    [{ tenantId: input.tenantId, messageId: id, drafts: [requested], isNewMessage: true }],
    options,
  );
  return { messageId: id, isNew: true };
}

export async function appendEvents(
  handle: TLedgerHandle,
  tenantId: string,
  messageId: string,
  drafts: readonly TEventDraft[],
  options: TAppendOptions,
): Promise<TAppendResult> {
  const result = await appendBatch(
    toSql(handle),
    [{ tenantId, messageId, drafts, rawWebhookId: options.rawWebhookId ?? null }],
    options,
  );
  const message = result.messages[0]!;
  return { appended: message.appended, duplicates: message.duplicates, derived: message.derived };
}
