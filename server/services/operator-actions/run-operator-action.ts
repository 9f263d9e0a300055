// The one way an operator acts on a message (retry, cancel, resolve an in-doubt attempt, retry or
// discard a dead letter, force a re-reconciliation, replay a raw webhook). Each is one
// transaction that
//   1. locks the message row (every ledger writer takes it before deciding, so the dispatcher,
//      the drainer and another operator cannot move the message between the decision and the
//      append);
//   2. loads its chain, plus what the action needs beside it (a dead letter, a queue row);
//   3. reports the first outcome when the same operation id is already on the ledger (a double
//      click, a re-run bulk item), writing nothing;
//   4. derives the state by the current rules;
//   5. refuses with the reason of a predicate of server/domain/operator-actions, or
//   6. appends manual_action (actor, reason: the audit record, on the message's own ledger where
//      the timeline reads it) and the facts the action causes, through the batched ledger append;
//   7. writes the action's rows beside the ledger (its send-queue row, a replay) before commit.
// An action is a definition of the steps that differ: what it loads, its eligibility and facts,
// and what it reports.
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import { toSql } from "@/server/db/sql";
import type { TJsonObject } from "@/server/domain/ledger/canonical-json";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TChainedEvent } from "@/server/domain/ledger/hash-chain";
import type { TManualAction } from "@/server/domain/ledger/ledger-event";
import type { TRefusal } from "@/server/domain/operator-actions/eligibility";
import { deriveState, type TDerived } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { appendBatch, type TMessageResult } from "@/server/services/ledger/append-batch";
import { loadChain } from "@/server/services/ledger/read-ledger";
import type { TEventDraft } from "@/server/services/ledger/rows";

export type TOperatorActionInput = {
  tenantId: string;
  messageId: string;
  reason: string;
  /**
   * Identifies this action: repeating it changes nothing. Actions the console cannot repeat
   * (a force-reconcile, a replay: each request is a new one) leave it out and get a fresh one.
   */
  operationId?: string;
  now: Date;
};

/** The message row as locked, with its stored projection (what a force-reconcile compares). */
export type TLockedMessage = {
  senderNumberId: string;
  recipient: string;
  createdAt: Date;
  stored: {
    state: string;
    rulesVersion: number;
    deciderKey: string | null;
    conflictKinds: string[];
    explanation: string;
  };
};

export type TActionContext<TLoaded> = {
  input: TOperatorActionInput & { operationId: string };
  /** the actor's label, as the ledger names it */
  actor: string;
  message: TLockedMessage;
  chain: readonly TChainedEvent[];
  derived: TDerived;
  loaded: TLoaded;
};

export type TActionDecision =
  | { kind: "refuse"; refusal: TRefusal }
  /** the manual_action's payload, and the facts it causes (appended after it, in this order) */
  | { kind: "append"; payload: TJsonObject; facts: readonly TEventDraft[] };

export type TOperatorAction<TLoaded, TResult> = {
  action: TManualAction;
  /** what the decision needs besides the ledger, read under the message's lock */
  load: (tx: TDbTx, input: TOperatorActionInput) => Promise<TLoaded>;
  /** what a repeat of an operation already on the ledger reports */
  repeated: (done: TChainedEvent, context: TActionContext<TLoaded>) => TResult;
  decide: (context: TActionContext<TLoaded>) => TActionDecision;
  /** rows beside the ledger, in the same transaction, after the append */
  commit?: (tx: TDbTx, context: TActionContext<TLoaded>, appended: TMessageResult) => Promise<void>;
  result: (context: TActionContext<TLoaded>, appended: TMessageResult) => TResult;
};

export type TActionOutcome<TResult> =
  { kind: "done"; result: TResult } | { kind: "refused"; refusal: TRefusal };

/** Loads nothing besides the ledger. */
export const loadNothing = async (): Promise<null> => null;

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

/** The action in the caller's transaction; a refusal is returned, nothing written. */
export async function runOperatorActionInTx<TLoaded, TResult>(
  tx: TDbTx,
  actor: TActor,
  definition: TOperatorAction<TLoaded, TResult>,
  input: TOperatorActionInput,
): Promise<TActionOutcome<TResult>> {
  const message = await lockMessage(tx, input.tenantId, input.messageId);
  const operationId = input.operationId ?? crypto.randomUUID();
  const loaded = await definition.load(tx, input);
  const chain = await loadChain(tx, input.tenantId, input.messageId);
  const context: TActionContext<TLoaded> = {
    input: { ...input, operationId },
    actor: actorLabel(actor),
    message,
    chain,
    derived: deriveState(chain, CURRENT_RULES),
    loaded,
  };
  const operationKey = dedupeKey.operator(operationId);
  const done = chain.find((e) => e.dedupeKey === operationKey);
  if (done) return { kind: "done", result: definition.repeated(done, context) };
  const decision = definition.decide(context);
  if (decision.kind === "refuse") return { kind: "refused", refusal: decision.refusal };
  const drafts: TEventDraft[] = [
    {
      type: "manual_action",
      source: "operator",
      providerTimestamp: null,
      dedupeKey: operationKey,
      payload: decision.payload,
      action: definition.action,
      actor: context.actor,
      reason: input.reason,
    },
    ...decision.facts,
  ];
  const batch = await appendBatch(
    toSql(tx),
    [{ tenantId: input.tenantId, messageId: input.messageId, drafts }],
    { now: input.now },
  );
  const appended = batch.messages[0];
  if (!appended) throw new Error("the operator action's append returned no message");
  await definition.commit?.(tx, context, appended);
  return { kind: "done", result: definition.result(context, appended) };
}

/**
 * The action in its own transaction; a refusal is a CONFLICT carrying the predicate's words
 * (`describeRefusal` puts them in the caller's sentence).
 */
export async function runOperatorAction<TLoaded, TResult>(
  db: TDb,
  actor: TActor,
  definition: TOperatorAction<TLoaded, TResult>,
  input: TOperatorActionInput,
  describeRefusal: (refusal: TRefusal) => string = (refusal) => refusal.message,
): Promise<TResult> {
  const outcome = await db.$transaction(
    (tx) => runOperatorActionInTx(tx, actor, definition, input),
    TRANSACTION,
  );
  if (outcome.kind === "refused") throw new ServiceError("CONFLICT", describeRefusal(outcome.refusal));
  return outcome.result;
}

/** The payload's attempt number of an operation already on the ledger (0 when it has none). */
export function attemptOf(done: TChainedEvent): number {
  return typeof done.payload.attempt === "number" ? done.payload.attempt : 0;
}

async function lockMessage(tx: TDbTx, tenantId: string, messageId: string): Promise<TLockedMessage> {
  const [row] = await tx.$queryRaw<
    {
      sender_number_id: string;
      recipient: string;
      created_at: Date;
      state: string;
      rules_version: number;
      decider_dedupe_key: string | null;
      conflict_kinds: string[];
      state_explanation: string;
    }[]
  >`
    SELECT sender_number_id::text, recipient, created_at, state::text AS state, rules_version,
           decider_dedupe_key, conflict_kinds, state_explanation
    FROM message WHERE tenant_id = ${tenantId}::uuid AND id = ${messageId}::uuid FOR UPDATE`;
  if (!row) throw new ServiceError("NOT_FOUND", "no such message in this tenant");
  return {
    senderNumberId: row.sender_number_id,
    recipient: row.recipient,
    createdAt: row.created_at,
    stored: {
      state: row.state,
      rulesVersion: row.rules_version,
      deciderKey: row.decider_dedupe_key,
      conflictKinds: row.conflict_kinds,
      explanation: row.state_explanation,
    },
  };
}
