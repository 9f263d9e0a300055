// A send request, from the tenant API or the console: the message with its projection, its
// `requested` event and first receipt, the rollup delta, the request record and the queue row,
// written by ONE statement (data-modifying CTEs, autocommit on a pg pool: one round trip, one
// transaction) with no lock shared across messages. Idempotent by the tenant's Idempotency-Key:
// the same key with the same canonical body returns the same message, with a different body it
// is a conflict (409), also when both arrive at once (the unique index makes them wait for each
// other, and only them). Why, and what it replaced: docs/decisions/008-send-intake-one-statement.md.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { sqlOfPrisma, type TSql } from "@/server/db/sql";
import { rollupDeltas } from "@/server/domain/insights/rollup";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { factContent } from "@/server/domain/ledger/group-receipts";
import { appendToChain, GENESIS_HASH } from "@/server/domain/ledger/hash-chain";
import type { TLedgerEvent } from "@/server/domain/ledger/ledger-event";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { emptyFoldState, fold } from "@/server/domain/reconciliation/fold";
import { snapshotDerived } from "@/server/domain/reconciliation/diff-derived";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import {
  buildCloudMessageBody,
  canonicalSendRequest,
  normalizeRecipient,
  ZSendMessageRequestSchema,
  type TSendMessageRequest,
} from "@/server/domain/sending/send-request";
import { actorLabel, type TActor } from "@/server/services/actor";
import { rollupLockKey } from "@/server/services/insights/rollup-deltas";
import { eventColumns, sha256Hex } from "@/server/services/ledger/rows";
import { getMessageView, type TMessageView } from "./message-views";
import { SEND_QUEUE_CHANNEL } from "./send-queue";
import { createSenderDirectory, type TSenderDirectory, type TSenderRef } from "./sender-directory";

export type TSendOrigin = { kind: "api"; apiKeyId: string } | { kind: "operator"; actor: TActor };

export type TRequestSendInput = {
  tenantId: string;
  request: TSendMessageRequest;
  idempotencyKey: string | null;
  origin: TSendOrigin;
  now: Date;
};

export type TRequestSendResult =
  | { kind: "created"; message: TMessageView }
  | { kind: "replayed"; message: TMessageView }
  | { kind: "idempotency_conflict"; messageId: string }
  | { kind: "unknown_sender"; from: string };

export type TRequestSendDeps = {
  /** Runs the intake statement: a pg pool (autocommit) on the hot path. */
  sql: TSql;
  /** Reads a replayed message's view (rare). */
  db: TDb;
  senders: TSenderDirectory;
  /** Wakes idle dispatchers once the request has committed (see send-queue.ts). */
  wake: () => void;
};

/** Dependencies for callers that hold only a Prisma client (console, tests): NOTIFY at once. */
export function requestSendDepsOf(db: TDb): TRequestSendDeps {
  const sql = sqlOfPrisma(db);
  return {
    sql,
    db,
    senders: createSenderDirectory({ ttlMs: 0 }),
    wake: () => {
      void sql.query("SELECT pg_notify($1, '')", [SEND_QUEUE_CHANNEL]).catch(() => {});
    },
  };
}

// a concurrent request with the same key may commit after this statement's snapshot: run again
const MAX_STATEMENT_RUNS = 3;

export async function requestSend(
  deps: TRequestSendDeps,
  input: TRequestSendInput,
): Promise<TRequestSendResult> {
  const request = ZSendMessageRequestSchema.parse(input.request);
  let isFresh = false;
  for (let run = 1; run <= MAX_STATEMENT_RUNS; run += 1) {
    const sender = await deps.senders.resolve(deps.sql, input.tenantId, request.from, { isFresh });
    if (!sender) return { kind: "unknown_sender", from: request.from };
    const written = buildIntakeRows(input, request, sender);
    const rows = await deps.sql.query<TIntakeResult>(INTAKE_STATEMENT, written.values);
    const result = rows[0];
    if (!result) throw new Error("the intake statement returned no row");
    if (result.created_id) {
      deps.wake();
      return { kind: "created", message: written.view(result) };
    }
    if (!result.has_sender) {
      // the cached sender is gone or no longer answers to `from`: resolve it again, uncached
      deps.senders.forget(input.tenantId, request.from);
      if (isFresh) return { kind: "unknown_sender", from: request.from };
      isFresh = true;
      continue;
    }
    if (result.existing_id) {
      if (result.existing_hash !== written.requestHash) {
        return { kind: "idempotency_conflict", messageId: result.existing_id };
      }
      const message = await getMessageView(deps.db, input.tenantId, result.existing_id);
      if (!message) throw new Error(`message ${result.existing_id} vanished`);
      return { kind: "replayed", message };
    }
    // nothing inserted and nothing visible: the key's winner committed after our snapshot
  }
  throw new Error("the send request could not be recorded (idempotency key contended)");
}

type TIntakeResult = {
  created_id: string | null;
  has_sender: boolean;
  existing_id: string | null;
  existing_hash: string | null;
  updated_at: Date | string | null;
};

/** The rows the ledger would write for a new message with its `requested` event, as parameters. */
function buildIntakeRows(input: TRequestSendInput, request: TSendMessageRequest, sender: TSenderRef) {
  const { tenantId, idempotencyKey, now, origin } = input;
  const rules = CURRENT_RULES;
  const canonical = canonicalSendRequest(request, sender.id);
  const requestHash = sha256Hex(canonicalJson(canonical));
  const messageId = crypto.randomUUID();
  const body = buildCloudMessageBody(request, messageId);
  const label = origin.kind === "api" ? `api_key:${origin.apiKeyId}` : actorLabel(origin.actor);
  const recipient = normalizeRecipient(request.to);
  const templateName = request.type === "template" ? request.template.name : null;
  const templateLanguage = request.type === "template" ? request.template.language : null;
  const templateCategory =
    request.type === "template" && request.template.category ? request.template.category.toUpperCase() : null;

  const event = {
    type: "requested",
    source: origin.kind === "api" ? "api" : "operator",
    providerTimestamp: null,
    dedupeKey: dedupeKey.requested(),
    payload: {
      via: origin.kind === "api" ? "tenant_api" : "console",
      requestedBy: label,
      requestHash,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
    id: crypto.randomUUID(),
    messageId,
    recordedAt: now.getTime(),
  } as TLedgerEvent;
  const chained = appendToChain(GENESIS_HASH, event, sha256Hex);
  const contentHash = sha256Hex(factContent(event));
  // the ledger's fold state after this first fact, so the next append goes on from it
  const foldState = fold(emptyFoldState(rules.version), chained, contentHash);
  const columns = eventColumns(chained);
  const derived = deriveState([chained], rules);
  const snapshot = snapshotDerived(derived);
  const stateReachedAt = derived.since === null ? now : new Date(derived.since);
  const deltas = rollupDeltas(null, {
    createdAtMs: now.getTime(),
    senderNumberId: sender.id,
    templateName,
    state: snapshot.state,
    errorCode: null,
    deliveryLatencyMs: null,
  });
  const at = now.toISOString();

  const values: unknown[] = [
    tenantId, // $1
    messageId, // $2
    sender.id, // $3
    request.from, // $4
    recipient, // $5
    request.type, // $6
    templateName, // $7
    templateLanguage, // $8
    templateCategory, // $9
    JSON.stringify(body), // $10
    idempotencyKey, // $11
    snapshot.state, // $12
    stateReachedAt.toISOString(), // $13
    snapshot.explanation, // $14
    snapshot.deciderKey, // $15
    [...snapshot.conflictKinds], // $16
    snapshot.rulesVersion, // $17
    derived.latestAttempt, // $18
    chained.hash, // $19
    at, // $20
    chained.id, // $21
    columns.type, // $22
    columns.source, // $23
    columns.dedupeKey, // $24
    JSON.stringify(event), // $25
    chained.prevHash, // $26
    contentHash, // $27
    rollupLockKey(tenantId), // $28
    deltas.map((d) => new Date(d.bucketStartMs).toISOString()), // $29
    deltas.map((d) => d.senderNumberId), // $30
    deltas.map((d) => d.templateName), // $31
    deltas.map((d) => d.state), // $32
    deltas.map((d) => d.errorCode), // $33
    deltas.map((d) => d.latencyBucket), // $34
    deltas.map((d) => d.delta), // $35
    origin.kind === "api" ? origin.apiKeyId : null, // $36
    label, // $37
    requestHash, // $38
    JSON.stringify(canonical), // $39
    JSON.stringify(foldState), // $40
  ];

  const view = (result: TIntakeResult): TMessageView => ({
    id: messageId,
    state: snapshot.state,
    explanation: snapshot.explanation,
    // the hot path does not read number health; GET /messages/{id} names a hold once it waits
    hold: null,
    lastError: null,
    attempts: derived.latestAttempt,
    providerMessageId: null,
    from: {
      senderNumberId: sender.id,
      phoneNumberId: sender.phoneNumberId,
      displayNumber: sender.displayNumber,
    },
    to: `+${recipient}`,
    type: request.type,
    template: templateName ? { name: templateName, language: templateLanguage ?? "" } : null,
    metadata: canonical.metadata,
    conflicts: [...snapshot.conflictKinds],
    // not yet sent: Meta has paced nothing
    templatePacing: null,
    // a new message has one attempt at most: no duplicate yet
    possibleDuplicate: null,
    createdAt: at,
    stateReachedAt: stateReachedAt.toISOString(),
    updatedAt: result.updated_at === null ? at : new Date(result.updated_at).toISOString(),
  });
  return { values, requestHash, view };
}

// One statement, one transaction. Every insert hangs off `msg`, so when the idempotency key is
// taken (or the sender no longer matches) nothing at all is written. The sender_dispatch row is
// inserted only when missing: ON CONFLICT alone would wait for whichever transaction last wrote
// the number's row (the dispatcher's claim does, every round).
const INTAKE_STATEMENT = `
WITH sender AS (
  SELECT s.id FROM sender_number s
  WHERE s.tenant_id = $1::uuid AND s.id = $3::uuid
    AND (s.id::text = lower($4) OR s.phone_number_id = $4 OR s.display_number = $4)
), msg AS (
  INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name, template_language,
                       template_category, request_payload, idempotency_key, state, state_reached_at,
                       state_explanation, decider_dedupe_key, conflict_kinds, rules_version, last_error_code,
                       attempt_count, event_count, delivery_latency_ms, head_hash, created_at, updated_at,
                       fold_state)
  SELECT $1::uuid, $2::uuid, sender.id, $5, $6, $7, $8, $9, $10::jsonb, $11::text, $12::message_state,
         $13::timestamptz, $14, $15, $16::text[], $17::int, NULL, $18::int, 1, NULL, $19, $20::timestamptz,
         $20::timestamptz, $40::jsonb
  FROM sender
  ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
  RETURNING tenant_id, id, updated_at
), event AS (
  INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, provider_timestamp,
                             recorded_at, attempt, provider_message_id, error_code, actor, reason,
                             raw_webhook_id, body, prev_hash, hash)
  SELECT msg.tenant_id, msg.id, 1, $21::uuid, $22::message_event_type, $23::event_source, $24, NULL,
         $20::timestamptz, NULL, NULL, NULL, NULL, NULL, NULL, $25::jsonb, $26, $19
  FROM msg
  RETURNING tenant_id, message_id, id, dedupe_key
), receipt AS (
  INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at,
                                     raw_webhook_id, content_hash, is_first)
  SELECT event.tenant_id, event.message_id, event.dedupe_key, event.id, $23::event_source, $20::timestamptz,
         NULL, $27, true
  FROM event
), guard AS (
  -- the rollups' shared guard (rebuild-rollups.ts takes it exclusively), only for a new message
  SELECT pg_advisory_xact_lock_shared(hashtextextended($28, 0)) FROM msg
), delta AS (
  INSERT INTO insight_delta (tenant_id, bucket_start, sender_number_id, template_name, state, error_code,
                             latency_bucket, delta)
  SELECT $1::uuid, d.bucket_start, d.sender_number_id, d.template_name, d.state, d.error_code,
         d.latency_bucket, d.delta
  FROM guard, unnest($29::timestamptz[], $30::uuid[], $31::text[], $32::message_state[], $33::text[],
                     $34::int[], $35::int[])
       AS d (bucket_start, sender_number_id, template_name, state, error_code, latency_bucket, delta)
), request AS (
  INSERT INTO send_request (tenant_id, message_id, api_key_id, actor_label, request_hash, request, created_at)
  SELECT msg.tenant_id, msg.id, $36::uuid, $37, $38, $39::jsonb, $20::timestamptz FROM msg
), dispatch AS (
  INSERT INTO sender_dispatch (tenant_id, sender_number_id)
  SELECT msg.tenant_id, $3::uuid FROM msg
  WHERE NOT EXISTS (SELECT 1 FROM sender_dispatch d WHERE d.tenant_id = $1::uuid AND d.sender_number_id = $3::uuid)
  ON CONFLICT (tenant_id, sender_number_id) DO NOTHING
), queue AS (
  INSERT INTO send_queue (tenant_id, message_id, sender_number_id, recipient, attempt, not_before, enqueued_at)
  SELECT msg.tenant_id, msg.id, $3::uuid, $5, 1, $20::timestamptz, $20::timestamptz FROM msg
)
SELECT (SELECT id::text FROM msg) AS created_id,
       (SELECT updated_at FROM msg) AS updated_at,
       EXISTS (SELECT 1 FROM sender) AS has_sender,
       existing.id AS existing_id,
       existing.request_hash AS existing_hash
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
  SELECT m.id::text AS id, r.request_hash
  FROM message m
  LEFT JOIN send_request r ON r.tenant_id = m.tenant_id AND r.message_id = m.id
  WHERE $11::text IS NOT NULL AND m.tenant_id = $1::uuid AND m.idempotency_key = $11::text
) AS existing ON true`;
