// A send request, from the tenant API or the console: the message with its projection, its
// `requested` event and first receipt, the rollup delta, the request record and the queue row,
// written by ONE statement (data-modifying CTEs, in a transaction scoped to its tenants by
// row-level security, ADR 013) with no lock shared across messages. Idempotent by the tenant's Idempotency-Key:
// the same key with the same canonical body returns the same message, with a different body it
// is a conflict (409), also when both arrive at once (the unique index makes them wait for each
// other, and only them). Why, and what it replaced: docs/decisions/008-send-intake-one-statement.md.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { scopedSqlOfPrisma, type TScopedSql } from "@/server/db/scoped-sql";
import { sqlOfPrisma, type TSql } from "@/server/db/sql";
import { inTenantScope } from "@/server/db/tenant-scope";
import { rollupDeltas } from "@/server/domain/insights/rollup";
import { createGroupCommitter } from "@/server/ingest/group-commit";
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
  type TSendMessageRequest,
} from "@/server/domain/sending/send-request";
import { actorLabel, type TActor } from "@/server/services/actor";
import { rollupLockKey } from "@/server/services/insights/rollup-deltas";
import { eventColumns, sha256Hex } from "@/server/services/ledger/rows";
import { getMessageView, type TMessageView } from "./message-views";
import { intakeQueueInsertSql, notifyQueue } from "./send-queue";
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
  /** Reads sender numbers (cached by `senders`) and wakes the dispatchers: a pg pool on the hot path. */
  sql: TSql;
  /**
   * Runs the intake statement in its tenants' row-level-security scope (ADR 013): on the hot
   * path a transaction on a pg pool per statement (BEGIN with the scope, the statement, COMMIT).
   */
  scoped: TScopedSql;
  /** Reads a replayed message's view (rare). */
  db: TDb;
  senders: TSenderDirectory;
  /** Wakes idle dispatchers once the request has committed (see send-queue.ts). */
  wake: () => void;
  /** Writes one request's rows; default: its own statement in its tenant's scope. The hot path groups them. */
  write?: (row: TIntakeRow) => Promise<TIntakeResult>;
};

/**
 * Group commit for the intake: requests that arrive while the event loop is busy, or while
 * every statement slot is taken, are written by one statement (one commit, one WAL flush)
 * instead of one each; each caller still answers only after the commit of its own rows. Should a
 * group's statement fail, its requests are written again one by one, so one bad row costs its
 * own request an error and no other request anything.
 *
 * A group's statement runs in the scope of the group's tenants (every request's tenant came from
 * its verified API key): one transaction per group, not per request, so the wall's cost is
 * shared by the group. Within the group the wall is the group's tenants, not each row's own;
 * a row naming a tenant that sent nothing in its group is refused by the policy.
 */
export function createIntakeWriter(
  scoped: TScopedSql,
  options: { maxInFlight: number; maxRows?: number },
): (row: TIntakeRow) => Promise<TIntakeResult> {
  const committer = createGroupCommitter<TIntakeRow, TIntakeOutcome>(
    async (rows) => {
      try {
        const tenantIds = [...new Set(rows.map((row) => row.tenantId))];
        const results = await scoped(tenantIds, (sql) => writeIntakeRows(sql, rows));
        return results.map((result) => ({ ok: true as const, result }));
      } catch (error) {
        if (rows.length === 1) return [{ ok: false as const, error }];
        const alone: TIntakeOutcome[] = [];
        for (const row of rows) {
          alone.push(
            await writeOneInScope(scoped, row).then(
              (result) => ({ ok: true as const, result }),
              (cause: unknown) => ({ ok: false as const, error: cause }),
            ),
          );
        }
        return alone;
      }
    },
    {
      maxItems: options.maxRows ?? 200,
      maxWeight: Number.POSITIVE_INFINITY,
      weightOf: () => 1,
      maxInFlight: options.maxInFlight,
    },
  );
  return async (row) => {
    const outcome = await committer.submit(row);
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  };
}

type TIntakeOutcome = { ok: true; result: TIntakeResult } | { ok: false; error: unknown };

/** Dependencies for callers that hold only a Prisma client (console, tests): NOTIFY at once. */
export function requestSendDepsOf(db: TDb): TRequestSendDeps {
  const sql = sqlOfPrisma(db);
  return {
    sql,
    scoped: scopedSqlOfPrisma(db),
    db,
    senders: createSenderDirectory({ ttlMs: 0 }),
    wake: () => {
      void notifyQueue(sql, "").catch(() => {});
    },
  };
}

// a concurrent request with the same key may commit after this statement's snapshot: run again
const MAX_STATEMENT_RUNS = 3;

export async function requestSend(
  deps: TRequestSendDeps,
  input: TRequestSendInput,
): Promise<TRequestSendResult> {
  // the request was validated by the caller (the REST handler, the tRPC input): parsing it again
  // here would cost the hot path a second walk of the schema for nothing
  const { request } = input;
  const write = deps.write ?? ((row: TIntakeRow) => writeOneInScope(deps.scoped, row));
  let isFresh = false;
  for (let run = 1; run <= MAX_STATEMENT_RUNS; run += 1) {
    const sender = await deps.senders.resolve(deps.sql, input.tenantId, request.from, { isFresh });
    if (!sender) return { kind: "unknown_sender", from: request.from };
    const written = buildIntakeRow(input, request, sender);
    const result = await write(written.row);
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
      if (result.existing_hash !== written.row.requestHash) {
        return { kind: "idempotency_conflict", messageId: result.existing_id };
      }
      const message = await inTenantScope(deps.db, [input.tenantId], (tx) =>
        getMessageView(tx, input.tenantId, result.existing_id as string),
      );
      if (!message) throw new Error(`message ${result.existing_id} vanished`);
      return { kind: "replayed", message };
    }
    // nothing inserted and nothing visible: the key's winner committed after our snapshot (or
    // sat in the same group as this request)
  }
  throw new Error("the send request could not be recorded (idempotency key contended)");
}

/** What the intake statement answers for one request. */
export type TIntakeResult = {
  created_id: string | null;
  has_sender: boolean;
  existing_id: string | null;
  existing_hash: string | null;
  updated_at: Date | string | null;
};

/** The rows the ledger would write for a new message with its `requested` event. */
export type TIntakeRow = {
  tenantId: string;
  messageId: string;
  senderId: string;
  from: string;
  recipient: string;
  contentKind: string;
  templateName: string | null;
  templateLanguage: string | null;
  templateCategory: string | null;
  requestPayload: string;
  idempotencyKey: string | null;
  state: string;
  stateReachedAt: string;
  explanation: string;
  deciderKey: string | null;
  conflictKinds: string;
  rulesVersion: number;
  attemptCount: number;
  headHash: string;
  at: string;
  eventId: string;
  eventType: string;
  eventSource: string;
  dedupeKey: string;
  eventBody: string;
  prevHash: string;
  contentHash: string;
  rollupKey: string;
  deltas: {
    bucketStart: string;
    senderNumberId: string;
    templateName: string | null;
    state: string;
    errorCode: string | null;
    latencyBucket: number;
    delta: number;
  }[];
  apiKeyId: string | null;
  label: string;
  requestHash: string;
  canonicalRequest: string;
  foldState: string;
};

/** The rows the ledger would write for a new message with its `requested` event. */
function buildIntakeRow(input: TRequestSendInput, request: TSendMessageRequest, sender: TSenderRef) {
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

  const row: TIntakeRow = {
    tenantId,
    messageId,
    senderId: sender.id,
    from: request.from,
    recipient,
    contentKind: request.type,
    templateName,
    templateLanguage,
    templateCategory,
    requestPayload: JSON.stringify(body),
    idempotencyKey,
    state: snapshot.state,
    stateReachedAt: stateReachedAt.toISOString(),
    explanation: snapshot.explanation,
    deciderKey: snapshot.deciderKey,
    conflictKinds: JSON.stringify([...snapshot.conflictKinds]),
    rulesVersion: snapshot.rulesVersion,
    attemptCount: derived.latestAttempt,
    headHash: chained.hash,
    at,
    eventId: chained.id,
    eventType: columns.type,
    eventSource: columns.source,
    dedupeKey: columns.dedupeKey,
    eventBody: JSON.stringify(event),
    prevHash: chained.prevHash,
    contentHash,
    rollupKey: rollupLockKey(tenantId),
    deltas: deltas.map((d) => ({
      bucketStart: new Date(d.bucketStartMs).toISOString(),
      senderNumberId: d.senderNumberId,
      templateName: d.templateName,
      state: d.state,
      errorCode: d.errorCode,
      latencyBucket: d.latencyBucket,
      delta: d.delta,
    })),
    apiKeyId: origin.kind === "api" ? origin.apiKeyId : null,
    label,
    requestHash,
    canonicalRequest: JSON.stringify(canonical),
    foldState: JSON.stringify(foldState),
  };

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
  return { row, view };
}

async function writeOneInScope(scoped: TScopedSql, row: TIntakeRow): Promise<TIntakeResult> {
  const [result] = await scoped([row.tenantId], (sql) => writeIntakeRows(sql, [row]));
  if (!result) throw new Error("the intake statement returned no row");
  return result;
}

/**
 * Writes many requests with one statement (one transaction, one WAL flush), answering one result
 * per row in input order. Rows are inserted in (tenant, Idempotency-Key) order, so two groups in
 * flight that share keys wait for each other in the same order and never deadlock.
 */
export async function writeIntakeRows(sql: TSql, rows: readonly TIntakeRow[]): Promise<TIntakeResult[]> {
  if (rows.length === 0) return [];
  const col = <T>(pick: (row: TIntakeRow) => T) => rows.map(pick);
  const deltas = rows.flatMap((row, n) => row.deltas.map((d) => ({ n, ...d })));
  const values: unknown[] = [
    rows.map((_, n) => n), // $1
    col((r) => r.tenantId), // $2
    col((r) => r.messageId), // $3
    col((r) => r.senderId), // $4
    col((r) => r.from), // $5
    col((r) => r.recipient), // $6
    col((r) => r.contentKind), // $7
    col((r) => r.templateName), // $8
    col((r) => r.templateLanguage), // $9
    col((r) => r.templateCategory), // $10
    col((r) => r.requestPayload), // $11
    col((r) => r.idempotencyKey), // $12
    col((r) => r.state), // $13
    col((r) => r.stateReachedAt), // $14
    col((r) => r.explanation), // $15
    col((r) => r.deciderKey), // $16
    col((r) => r.conflictKinds), // $17
    col((r) => r.rulesVersion), // $18
    col((r) => r.attemptCount), // $19
    col((r) => r.headHash), // $20
    col((r) => r.at), // $21
    col((r) => r.eventId), // $22
    col((r) => r.eventType), // $23
    col((r) => r.eventSource), // $24
    col((r) => r.dedupeKey), // $25
    col((r) => r.eventBody), // $26
    col((r) => r.prevHash), // $27
    col((r) => r.contentHash), // $28
    col((r) => r.rollupKey), // $29
    col((r) => r.apiKeyId), // $30
    col((r) => r.label), // $31
    col((r) => r.requestHash), // $32
    col((r) => r.canonicalRequest), // $33
    col((r) => r.foldState), // $34
    deltas.map((d) => d.n), // $35
    deltas.map((d) => d.bucketStart), // $36
    deltas.map((d) => d.senderNumberId), // $37
    deltas.map((d) => d.templateName), // $38
    deltas.map((d) => d.state), // $39
    deltas.map((d) => d.errorCode), // $40
    deltas.map((d) => d.latencyBucket), // $41
    deltas.map((d) => d.delta), // $42
  ];
  const results = await sql.query<TIntakeResult & { n: number }>(INTAKE_STATEMENT, values);
  if (results.length !== rows.length) throw new Error("the intake statement must answer every row");
  return results.sort((a, b) => a.n - b.n);
}

// One statement, one transaction, for one request or a group of them. Every insert hangs off
// `made` (the messages actually inserted), so a request whose idempotency key is taken (or whose
// sender no longer matches) writes nothing at all. The sender_dispatch row is inserted only when
// missing: ON CONFLICT alone would wait for whichever transaction last wrote the number's row
// (the dispatcher's claim does, every round).
const INTAKE_STATEMENT = `
WITH input AS (
  SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::text[], $13::message_state[],
                       $14::timestamptz[], $15::text[], $16::text[], $17::jsonb[], $18::int[], $19::int[],
                       $20::text[], $21::timestamptz[], $22::uuid[], $23::message_event_type[],
                       $24::event_source[], $25::text[], $26::jsonb[], $27::text[], $28::text[], $29::text[],
                       $30::uuid[], $31::text[], $32::text[], $33::jsonb[], $34::jsonb[])
    AS i (n, tenant_id, message_id, sender_id, from_name, recipient, content_kind, template_name,
          template_language, template_category, request_payload, idempotency_key, state, state_reached_at,
          explanation, decider_key, conflict_kinds, rules_version, attempt_count, head_hash, at, event_id,
          event_type, event_source, dedupe_key, event_body, prev_hash, content_hash, rollup_key, api_key_id,
          label, request_hash, canonical_request, fold_state)
), sender AS (
  SELECT i.n FROM input i
  JOIN sender_number s ON s.tenant_id = i.tenant_id AND s.id = i.sender_id
  WHERE s.id::text = lower(i.from_name) OR s.phone_number_id = i.from_name OR s.display_number = i.from_name
), msg AS (
  INSERT INTO message (tenant_id, id, sender_number_id, recipient, content_kind, template_name, template_language,
                       template_category, request_payload, idempotency_key, state, state_reached_at,
                       state_explanation, decider_dedupe_key, conflict_kinds, rules_version, last_error_code,
                       attempt_count, event_count, delivery_latency_ms, head_hash, created_at, updated_at,
                       fold_state)
  SELECT i.tenant_id, i.message_id, i.sender_id, i.recipient, i.content_kind, i.template_name, i.template_language,
         i.template_category, i.request_payload, i.idempotency_key, i.state, i.state_reached_at, i.explanation,
         i.decider_key, ARRAY(SELECT jsonb_array_elements_text(i.conflict_kinds)), i.rules_version, NULL,
         i.attempt_count, 1, NULL, i.head_hash, i.at, i.at, i.fold_state
  FROM input i JOIN sender USING (n)
  ORDER BY i.tenant_id, i.idempotency_key, i.n
  ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
  RETURNING tenant_id, id, updated_at
), made AS (
  SELECT i.*, msg.updated_at FROM msg JOIN input i ON i.tenant_id = msg.tenant_id AND i.message_id = msg.id
), event AS (
  INSERT INTO message_event (tenant_id, message_id, seq, id, type, source, dedupe_key, provider_timestamp,
                             recorded_at, attempt, provider_message_id, error_code, actor, reason,
                             raw_webhook_id, body, prev_hash, hash)
  SELECT made.tenant_id, made.message_id, 1, made.event_id, made.event_type, made.event_source, made.dedupe_key,
         NULL, made.at, NULL, NULL, NULL, NULL, NULL, NULL, made.event_body, made.prev_hash, made.head_hash
  FROM made
  RETURNING tenant_id, message_id, id, dedupe_key
), receipt AS (
  INSERT INTO message_event_receipt (tenant_id, message_id, dedupe_key, event_id, source, received_at,
                                     raw_webhook_id, content_hash, is_first)
  SELECT event.tenant_id, event.message_id, event.dedupe_key, event.id, made.event_source, made.at,
         NULL, made.content_hash, true
  FROM event JOIN made ON made.tenant_id = event.tenant_id AND made.message_id = event.message_id
), guard AS (
  -- the rollups' shared guard (rebuild-rollups.ts takes it exclusively), for the tenants of the
  -- new messages, in key order; counted so every lock is taken before the first delta is written
  SELECT count(pg_advisory_xact_lock_shared(hashtextextended(k.rollup_key, 0))) AS taken
  FROM (SELECT DISTINCT rollup_key FROM made ORDER BY rollup_key) k
), delta AS (
  INSERT INTO insight_delta (tenant_id, bucket_start, sender_number_id, template_name, state, error_code,
                             latency_bucket, delta)
  SELECT made.tenant_id, d.bucket_start, d.sender_number_id, d.template_name, d.state, d.error_code,
         d.latency_bucket, d.delta
  FROM guard,
       unnest($35::int[], $36::timestamptz[], $37::uuid[], $38::text[], $39::message_state[], $40::text[],
              $41::int[], $42::int[])
         AS d (n, bucket_start, sender_number_id, template_name, state, error_code, latency_bucket, delta)
       JOIN made ON made.n = d.n
  WHERE guard.taken >= 0
), request AS (
  INSERT INTO send_request (tenant_id, message_id, api_key_id, actor_label, request_hash, request, created_at)
  SELECT made.tenant_id, made.message_id, made.api_key_id, made.label, made.request_hash, made.canonical_request,
         made.at
  FROM made
), dispatch AS (
  INSERT INTO sender_dispatch (tenant_id, sender_number_id)
  SELECT DISTINCT made.tenant_id, made.sender_id FROM made
  WHERE NOT EXISTS (SELECT 1 FROM sender_dispatch d
                    WHERE d.tenant_id = made.tenant_id AND d.sender_number_id = made.sender_id)
  ON CONFLICT (tenant_id, sender_number_id) DO NOTHING
), queue AS (
  ${intakeQueueInsertSql("made")}
)
SELECT i.n, made.message_id::text AS created_id, made.updated_at, (sender.n IS NOT NULL) AS has_sender,
       existing.id AS existing_id, existing.request_hash AS existing_hash
FROM input i
LEFT JOIN made ON made.n = i.n
LEFT JOIN sender ON sender.n = i.n
LEFT JOIN LATERAL (
  SELECT m.id::text AS id, r.request_hash
  FROM message m
  LEFT JOIN send_request r ON r.tenant_id = m.tenant_id AND r.message_id = m.id
  -- only for a request that wrote nothing (its key taken): a new message's key was free in this
  -- statement's snapshot, so the probe would find nothing, and skipping it keeps a bad plan's
  -- cost (made before the tables had statistics) off the common path
  WHERE made.n IS NULL AND i.idempotency_key IS NOT NULL
    AND m.tenant_id = i.tenant_id AND m.idempotency_key = i.idempotency_key
  -- at most one row anyway (the key is unique per tenant): the limit keeps the lookup a probe per
  -- request, which a plan made while the tables were small otherwise flattened into a join
  -- reading the tenant's every message per group
  LIMIT 1
) AS existing ON true`;
