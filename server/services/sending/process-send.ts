// One claimed send, end to end:
//   A. in a transaction: re-derive the message from its ledger and decide (domain), then record
//      attempt_started BEFORE the call;
//   B. call the provider (no transaction open, a hard timeout);
//   C. in a transaction: record the synchronous answer (provider_accepted with the wamid, or
//      provider_rejected with Meta's error whole), then the retry or dead letter the policy
//      decides, and the sender-level effects (slow down, pace the pair, pause the number).
// A crash between A and C leaves the attempt in doubt; the next claim sees attempt_started
// without an outcome and holds the message for a webhook or an engineer instead of resending.
import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import type { TDb, TDbTx } from "@/server/db/client";
import type { TJsonObject } from "@/server/domain/ledger/canonical-json";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import {
  templatePacingOf,
  type TLedgerError,
  type TTemplatePacing,
} from "@/server/domain/ledger/ledger-event";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import { classifyFailure, type TFailureClass } from "@/server/domain/sending/classify-failure";
import { decideDispatch } from "@/server/domain/sending/dispatch-decision";
import { AUTH_TEMPLATE_TTL_MS, decideRetry, pairRestMs } from "@/server/domain/sending/retry-policy";
import { bodyForAttempt, type TCloudMessageBody } from "@/server/domain/sending/send-request";
import { onThrottled } from "@/server/domain/sending/throughput";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TLogger } from "@/server/platform/logger";
import type { TMessagingProvider, TProviderRecord, TProviderSendResult } from "@/server/providers/types";
import type { TActor } from "@/server/services/actor";
import { createGroupCommitter } from "@/server/ingest/group-commit";
import { inPgTransaction } from "@/server/db/pg-transaction";
import type { TSql } from "@/server/db/sql";
import { appendBatch } from "@/server/services/ledger/append-batch";
import { appendEvents } from "@/server/services/ledger/append-events";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { ServiceError } from "@/server/services/errors";
import { readSenderAccessToken } from "@/server/services/tenants";
import type { TSendingConfig } from "./config";
import { lookBeforeResend } from "./look-before-resend";
import { applyLevelLimit } from "./level-limits";
import { checkSendGate, checkSendGates, holdQueuedSend } from "./send-gate";
import { pauseSenderInTx } from "./sender-control";
import {
  backOffSend,
  claimSendsIn,
  readQueuedSend,
  releaseSend,
  removeSends,
  requeueSend,
  toRate,
  type TClaimedSend,
  type TClaimOptions,
  type TClaimResult,
} from "./send-queue";

export type TSenderCredentials = { phoneNumberId: string; accessToken: string };

/** The number's token cannot be had at all (missing, or no configured key opens it): ours to fix. */
export class CredentialUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialUnavailableError";
  }
}

export type TCredentialSource = {
  get(tenantId: string, senderNumberId: string): Promise<TSenderCredentials>;
  /** Drops a cached token (after the provider refused it). */
  forget(tenantId: string, senderNumberId: string): void;
};

/**
 * Sender tokens decrypted once per minute per number, not once per message. A lookup in progress
 * is shared: the sends of a claim that find a number's token missing or expired wait for one
 * read, instead of each starting its own.
 */
export function createCredentialCache(
  db: TDb,
  box: TSecretBox,
  ttlMs = 60_000,
  clock = () => Date.now(),
): TCredentialSource {
  const cache = new Map<string, { value: Promise<TSenderCredentials>; expiresAt: number }>();
  const read = async (tenantId: string, senderNumberId: string): Promise<TSenderCredentials> => {
    const sender = await db.senderNumber.findUnique({
      where: { tenantId_id: { tenantId, id: senderNumberId } },
      select: { phoneNumberId: true },
    });
    if (!sender) throw new CredentialUnavailableError("the sender number does not exist");
    const accessToken = await readSenderAccessToken(db, box, tenantId, senderNumberId).catch(
      (error: unknown) => {
        // a missing row or a ciphertext no configured key opens; a database error stays what it is
        if (
          error instanceof ServiceError ||
          (error instanceof Error && /decrypt|authenticate|encryption key/i.test(error.message))
        ) {
          throw new CredentialUnavailableError(error.message);
        }
        throw error;
      },
    );
    return { phoneNumberId: sender.phoneNumberId, accessToken };
  };
  return {
    get(tenantId, senderNumberId) {
      const k = `${tenantId}/${senderNumberId}`;
      const hit = cache.get(k);
      if (hit && hit.expiresAt > clock()) return hit.value;
      const entry = { value: read(tenantId, senderNumberId), expiresAt: Number.POSITIVE_INFINITY };
      cache.set(k, entry);
      entry.value.then(
        () => {
          entry.expiresAt = clock() + ttlMs;
        },
        () => {
          // a failed read is not kept: the next send asks again
          if (cache.get(k) === entry) cache.delete(k);
        },
      );
      return entry.value;
    },
    forget(tenantId, senderNumberId) {
      cache.delete(`${tenantId}/${senderNumberId}`);
    },
  };
}

export type TSendDeps = {
  db: TDb;
  /** The batched path's transactions (claim, prepare, acknowledge) run on plain pg. */
  pool: pg.Pool;
  provider: TMessagingProvider;
  credentials: TCredentialSource;
  config: TSendingConfig;
  workerId: string;
  clock: () => Date;
  /** In [0, 1): backoff jitter. */
  random: () => number;
  log: TLogger;
  /** Records an accepted answer with the others of its moment (createAcknowledger); else alone. */
  acknowledge?: (ack: TAcknowledgement) => Promise<TSendOutcome>;
};

export type TAcknowledgement = {
  item: TClaimedSend;
  attempt: number;
  result: Extract<TProviderSendResult, { ok: true }>;
};

export type TSendOutcome =
  | "accepted"
  | "retry_scheduled"
  | "dead_lettered"
  | "awaiting_webhook"
  | "held_in_doubt"
  | "dropped"
  | "lease_lost"
  | "sender_paused"
  /** kept queued with a reason (its template is paused or disabled at Meta) */
  | "held";

export type TCallPrepared = {
  kind: "call";
  attempt: number;
  body: TCloudMessageBody;
  requestedAtMs: number;
  /** authentication templates: no retry after their time to live */
  ttlMs: number | null;
};

export type TPrepared = { kind: "done"; outcome: TSendOutcome } | TCallPrepared;

const TX = { maxWait: 10_000, timeout: 20_000 } as const;

export async function processClaimedSend(
  deps: TSendDeps,
  item: TClaimedSend,
  signal?: AbortSignal,
): Promise<TSendOutcome> {
  const { db, log } = deps;
  const context = { tenantId: item.tenantId, messageId: item.messageId, senderNumberId: item.senderNumberId };

  let credentials: TSenderCredentials;
  try {
    credentials = await deps.credentials.get(item.tenantId, item.senderNumberId);
  } catch (error) {
    if (!(error instanceof CredentialUnavailableError)) {
      await backOffSend(db, item, deps.workerId);
      throw error;
    }
    // our own configuration is broken (no credential, a key that no longer decrypts it): nothing
    // can be sent from this number, and resending will not help. Pause it, keep the message queued.
    const reason = `the sender's access token cannot be read (${error instanceof Error ? error.message : String(error)})`;
    await db.$transaction(async (tx) => {
      await pauseSenderInTx(tx, {
        ...context,
        reason,
        errorCode: "waybill.credential_unavailable",
        messageId: item.messageId,
        actor: DISPATCHER_ACTOR,
        now: deps.clock(),
      });
      await releaseSend(tx, item, deps.workerId);
    }, TX);
    log.error({ ...context, alert: "sender_paused" }, reason);
    return "sender_paused";
  }

  let prepared: TPrepared;
  try {
    prepared = await db.$transaction((tx) => prepare(tx, deps, item), TX);
  } catch (error) {
    // nothing was sent: hand the row back (a little later, so a failing row cannot spin)
    await backOffSend(db, item, deps.workerId);
    throw error;
  }
  if (prepared.kind === "done") return prepared.outcome;

  return callAndRecord(deps, item, prepared, credentials, signal);
}

/** Phases B and C: the provider call, then its answer recorded (grouped with others when accepted). */
async function callAndRecord(
  deps: TSendDeps,
  item: TClaimedSend,
  prepared: TCallPrepared,
  credentials: TSenderCredentials,
  signal?: AbortSignal,
): Promise<TSendOutcome> {
  const { db, log } = deps;
  const result = await deps.provider.send(
    { phoneNumberId: credentials.phoneNumberId, accessToken: credentials.accessToken, body: prepared.body },
    signal,
  );
  if (result.ok && deps.acknowledge) {
    try {
      return await deps.acknowledge({ item, attempt: prepared.attempt, result });
    } catch (error) {
      // the group's transaction failed: record this answer alone, with its own retries
      log.warn(
        { tenantId: item.tenantId, messageId: item.messageId, err: error },
        "recording a group of acknowledgements failed; recording this one alone",
      );
    }
  }

  // The answer must not be lost to a passing database hiccup: an attempt whose answer is not
  // recorded becomes an in-doubt attempt for an engineer. Recording is idempotent (dedupe keys,
  // upserts), so it is simply tried again.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction((tx) => record(tx, deps, item, prepared, result), TX);
    } catch (error) {
      if (attempt >= RECORD_TRIES) throw error;
      log.warn(
        { tenantId: item.tenantId, messageId: item.messageId, err: error, try: attempt },
        "recording the provider's answer failed; trying again",
      );
      await sleep(250 * 4 ** (attempt - 1));
    }
  }
}

const RECORD_TRIES = 4;

const DISPATCHER_ACTOR: TActor = { kind: "system", label: "dispatcher" };

/** Phase A: decide from the ledger; record attempt_started before anything leaves. */
async function prepare(tx: TDbTx, deps: TSendDeps, item: TClaimedSend): Promise<TPrepared> {
  const now = deps.clock();
  // the message row (appends to a message are serialised) and our queue row, locked together,
  // with the message's ledger projection
  const rows = await tx.$queryRaw<
    {
      created_at: Date;
      request_payload: TCloudMessageBody;
      state: TMessageState;
      attempt_count: number;
      template_category: string | null;
      leased_by: string | null;
    }[]
  >`
    SELECT m.created_at, m.request_payload, m.state::text AS state, m.attempt_count, m.template_category, q.leased_by
    FROM message m
    JOIN send_queue q ON q.tenant_id = m.tenant_id AND q.message_id = m.id
    WHERE m.tenant_id = ${item.tenantId}::uuid AND m.id = ${item.messageId}::uuid
    FOR UPDATE OF m, q`;
  const message = rows[0];
  // the row is gone, or our lease expired and another worker took it over: not ours to send
  if (!message || message.leased_by !== deps.workerId) return { kind: "done", outcome: "lease_lost" };

  // The projection is deriveState(ledger), kept in the same transactions as the events: deciding
  // from it is deciding from the ledger, without re-reading and re-deriving it for every send.
  // The Cloud API body was built when the message was requested (biz_opaque_callback_data included).
  const body = message.request_payload;
  const requestedAtMs = message.created_at.getTime();
  const ttlMs = await messageTtlMs(tx, item.tenantId, message.template_category);
  const decision = decideDispatch(message.state, message.attempt_count, item);
  const logContext = { tenantId: item.tenantId, messageId: item.messageId };
  switch (decision.kind) {
    case "drop":
      await removeSends(tx, [item]);
      deps.log.debug({ ...logContext, reason: decision.reason }, "send dropped");
      return { kind: "done", outcome: "dropped" };
    case "hold_in_doubt":
      await removeSends(tx, [item]);
      deps.log.warn(
        { ...logContext, attempt: decision.attempt },
        `in doubt: ${decision.reason}; held for a webhook or an engineer`,
      );
      return { kind: "done", outcome: "held_in_doubt" };
    case "retry_unanswered": {
      const previous = (await readQueuedSend(tx, item))?.lastError ?? null;
      // in doubt means look before resending: what Waybill already received may prove acceptance
      const look = await lookBeforeResend(
        tx,
        { ...logContext, senderNumberId: item.senderNumberId, attemptCount: message.attempt_count },
        now,
      );
      if (look.kind === "attached") {
        await removeSends(tx, [item]);
        deps.log.info(
          { ...logContext, statuses: look.statuses },
          "in doubt: waiting statuses proved acceptance",
        );
        return { kind: "done", outcome: "dropped" };
      }
      if (look.kind === "wait") {
        await requeueSend(tx, item, {
          attempt: item.attempt,
          inDoubtAttempt: decision.unansweredAttempt,
          notBefore: new Date(now.getTime() + 5_000),
          lastError: previous ?? {
            code: "transport.timeout",
            title: "No response in time",
            message: "",
            details: null,
          },
          now,
        });
        return { kind: "done", outcome: "awaiting_webhook" };
      }
      const graceS = Math.round(deps.config.retry.inDoubtGraceMs / 1000);
      const error: TLedgerError = {
        code: previous?.code ?? "transport.timeout",
        title: previous?.title ?? "No response in time",
        message: `${previous?.message ?? "no answer"}; no webhook proved acceptance within ${graceS} s, so it is sent again`,
        details: previous?.details ?? null,
      };
      const retry = decideRetry({
        failedAttempt: decision.unansweredAttempt,
        disposition: "transient",
        error,
        requestedAtMs,
        nowMs: now.getTime(),
        random: deps.random(),
        ttlMs,
        policy: { ...deps.config.retry, baseDelayMs: 0, maxDelayMs: 0 },
      });
      if (retry.kind === "dead_letter") {
        await appendEvents(
          tx,
          item.tenantId,
          item.messageId,
          [deadLettered(decision.unansweredAttempt, retry.reason, error)],
          { now },
        );
        await removeSends(tx, [item]);
        return { kind: "done", outcome: "dead_lettered" };
      }
      await appendEvents(
        tx,
        item.tenantId,
        item.messageId,
        [retryScheduled(decision.attempt, now.getTime(), error), attemptStarted(decision.attempt)],
        { now },
      );
      return {
        kind: "call",
        attempt: decision.attempt,
        body: bodyForAttempt(body, item.messageId, decision.attempt),
        requestedAtMs,
        ttlMs,
      };
    }
    case "send": {
      // what Meta told us about the template and the recipient that makes this send certain to fail
      const gate = await checkSendGate(tx, item, now);
      if (gate.kind === "hold") {
        await holdQueuedSend(tx, item, gate.reason);
        deps.log.info({ ...logContext, reason: gate.reason }, "send held");
        return { kind: "done", outcome: "held" };
      }
      if (gate.kind === "refuse") {
        await appendEvents(
          tx,
          item.tenantId,
          item.messageId,
          [
            deadLettered(
              message.attempt_count,
              `refused before sending: ${gate.error.title.toLowerCase()}`,
              gate.error,
            ),
          ],
          { now },
        );
        await removeSends(tx, [item]);
        deps.log.info({ ...logContext, code: gate.error.code }, "send refused before sending");
        return { kind: "done", outcome: "dead_lettered" };
      }
      await appendEvents(tx, item.tenantId, item.messageId, [attemptStarted(decision.attempt)], { now });
      return {
        kind: "call",
        attempt: decision.attempt,
        // each attempt names itself in the callback data its webhooks echo
        body: bodyForAttempt(body, item.messageId, decision.attempt),
        requestedAtMs,
        ttlMs,
      };
    }
    default: {
      const unreachable: never = decision;
      return unreachable;
    }
  }
}

/**
 * The sends of one claim, prepared together: one transaction locks every message with its queue
 * row (in (tenant, id) order, as the ledger's batched append does), decides each from its
 * projection, and records `attempt_started` for all that go out with ONE batched append. Then
 * each is sent; accepted answers are recorded by the acknowledger in groups. A message whose
 * decision is anything but a plain send (in doubt, dropped, held), or whose credentials cannot be
 * read, takes the one-message path after this transaction, which decides again under its own
 * lock; so does every message of a batch whose transaction failed. One promise per item.
 * (The dispatcher claims and prepares in one transaction, claimAndPrepare; this is its path after
 * that transaction failed, and the way to prepare sends claimed elsewhere.)
 */
export function processClaimedBatch(
  deps: TSendDeps,
  items: readonly TClaimedSend[],
  signal?: AbortSignal,
): Promise<TSendOutcome>[] {
  const plans = (async (): Promise<TClaimPlans> => {
    const credentials = await readCredentials(deps, items);
    const ready = items.filter((_, i) => credentials[i] !== null);
    let prepared = new Map<string, TPrepared | null>();
    if (ready.length > 0) {
      try {
        prepared = await inPgTransaction(deps.pool, (sql) => prepareBatch(sql, deps, ready, "wait"), {
          isPrepared: true,
        });
      } catch (error) {
        deps.log.warn({ err: error, sends: ready.length }, "preparing a claim together failed; one by one");
      }
    }
    return { credentials, prepared };
  })();
  return sendPlanned(deps, items, plans, signal);
}

/** A claim's plans: each item's credentials (null: unreadable) and its prepared send. */
export type TClaimPlans = {
  credentials: readonly (TSenderCredentials | null)[];
  /** by queueKey; null or missing: the one-message path decides */
  prepared: ReadonlyMap<string, TPrepared | null>;
};

export type TClaimAndPrepare = {
  result: TClaimResult;
  /** sent now with `plans` (sendPlanned): the first of each recipient's, nothing of theirs in flight */
  together: TClaimedSend[];
  /** each waits for the send before it to its recipient, then takes the one-message path */
  after: TClaimedSend[];
  plans: TClaimPlans;
};

/**
 * A claim and the preparation of its sends in ONE transaction: the leases, the buckets' takings
 * and every `attempt_started` commit together, so a claim costs one BEGIN/COMMIT (and one WAL
 * flush) instead of two, and the ledger still holds each attempt durably before its call leaves
 * (the calls start after this returns). A worker that dies after the commit leaves its attempts
 * in doubt, held for a webhook or an engineer by the next claim, never silently resent.
 *
 * `split` divides the claimed rows into those that go out now and those that wait for a send to
 * the same recipient (only the former are prepared here). Messages another transaction holds
 * locked (a cancel, a status append) are skipped rather than waited for: this transaction
 * already holds their queue rows, and a cancel locks the message before the queue row, so waiting
 * could deadlock; the one-message path decides them after the commit. If the transaction fails,
 * nothing was claimed: the caller claims again (claimSends then processClaimedBatch, which
 * prepares one by one when the claim's batch keeps failing).
 */
export async function claimAndPrepare(
  deps: TSendDeps,
  options: TClaimOptions,
  split: (claimed: readonly TClaimedSend[]) => { together: TClaimedSend[]; after: TClaimedSend[] },
): Promise<TClaimAndPrepare> {
  return inPgTransaction(
    deps.pool,
    async (sql) => {
      const result = await claimSendsIn(sql, options);
      const { together, after } = split(result.claimed);
      // the token cache answers at once but for one lookup per number and minute
      const credentials = await readCredentials(deps, together);
      const ready = together.filter((_, i) => credentials[i] !== null);
      const prepared = ready.length > 0 ? await prepareBatch(sql, deps, ready, "skip") : new Map();
      return { result, together, after, plans: { credentials, prepared } };
    },
    { isPrepared: true },
  );
}

/** Sends prepared items (their plans settle first); one promise per item. */
export function sendPlanned(
  deps: TSendDeps,
  items: readonly TClaimedSend[],
  plans: TClaimPlans | Promise<TClaimPlans>,
  signal?: AbortSignal,
): Promise<TSendOutcome>[] {
  return items.map(async (item, i) => {
    const { credentials, prepared } = await plans;
    const credential = credentials[i];
    const plan = prepared.get(queueKey(item));
    if (!credential || !plan) return processClaimedSend(deps, item, signal);
    if (plan.kind === "done") return plan.outcome;
    return callAndRecord(deps, item, plan, credential, signal);
  });
}

function readCredentials(
  deps: TSendDeps,
  items: readonly TClaimedSend[],
): Promise<(TSenderCredentials | null)[]> {
  return Promise.all(
    items.map((item) =>
      deps.credentials.get(item.tenantId, item.senderNumberId).then(
        (value) => value,
        () => null,
      ),
    ),
  );
}

const queueKey = (item: { tenantId: string; messageId: string }) =>
  `${item.tenantId.toLowerCase()}|${item.messageId.toLowerCase()}`;

/** Phase A for many: a plan per message that simply goes out; null for the one-message path. */
async function prepareBatch(
  sql: TSql,
  deps: TSendDeps,
  items: readonly TClaimedSend[],
  /** skip: a message locked elsewhere is left to the one-message path (see claimAndPrepare) */
  lockMode: "wait" | "skip",
): Promise<Map<string, TPrepared | null>> {
  const now = deps.clock();
  const rows = await sql.query<{
    tenant_id: string;
    message_id: string;
    created_at: Date;
    request_payload: TCloudMessageBody;
    state: TMessageState;
    attempt_count: number;
    template_category: string | null;
    leased_by: string | null;
  }>(
    `SELECT m.tenant_id::text, m.id::text AS message_id, m.created_at, m.request_payload, m.state::text AS state,
            m.attempt_count, m.template_category::text AS template_category, q.leased_by
     FROM message m
     JOIN send_queue q ON q.tenant_id = m.tenant_id AND q.message_id = m.id
     WHERE (m.tenant_id, m.id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
     ORDER BY m.tenant_id, m.id
     FOR UPDATE OF m, q${lockMode === "skip" ? " SKIP LOCKED" : ""}`,
    [items.map((i) => i.tenantId), items.map((i) => i.messageId)],
  );
  const byKey = new Map(
    rows.map((row) => [queueKey({ tenantId: row.tenant_id, messageId: row.message_id }), row]),
  );
  const authTenants = [
    ...new Set(
      rows
        .filter((r) => (r.template_category ?? "").toUpperCase() === "AUTHENTICATION")
        .map((r) => r.tenant_id),
    ),
  ];
  const ttlByTenant = new Map<string, number>();
  if (authTenants.length > 0) {
    const policies = await sql.query<{ tenant_id: string; auth_template_ttl_seconds: number }>(
      `SELECT tenant_id::text, auth_template_ttl_seconds FROM tenant_send_policy WHERE tenant_id = ANY($1::uuid[])`,
      [authTenants],
    );
    for (const policy of policies) ttlByTenant.set(policy.tenant_id, policy.auth_template_ttl_seconds * 1000);
  }
  // the gate of every message this worker still holds that would simply go out, read together
  const decisions = new Map(
    items.map((item) => {
      const row = byKey.get(queueKey(item));
      const isOurs = row !== undefined && row.leased_by === deps.workerId;
      return [queueKey(item), isOurs ? decideDispatch(row.state, row.attempt_count, item) : null];
    }),
  );
  const gated = items.filter((item) => decisions.get(queueKey(item))?.kind === "send");
  const gates = new Map(
    (await checkSendGates(sql, gated, now)).map((gate, i) => [queueKey(gated[i]!), gate]),
  );

  const plans = new Map<string, TPrepared | null>();
  const starts: { item: TClaimedSend; attempt: number }[] = [];
  for (const item of items) {
    const k = queueKey(item);
    const row = byKey.get(k);
    // skipped while another transaction holds it: the one-message path waits for it and decides
    if (!row && lockMode === "skip") {
      plans.set(k, null);
      continue;
    }
    // the row is gone, or our lease expired and another worker took it over: not ours to send
    if (!row || row.leased_by !== deps.workerId) {
      plans.set(k, { kind: "done", outcome: "lease_lost" });
      continue;
    }
    const decision = decisions.get(k);
    // anything but a plain send, or a send the gate would hold or refuse: the one-message path
    // decides (and records) it under its own lock
    if (decision?.kind !== "send" || gates.get(k)?.kind !== "send") {
      plans.set(k, null);
      continue;
    }
    const isAuth = (row.template_category ?? "").toUpperCase() === "AUTHENTICATION";
    starts.push({ item, attempt: decision.attempt });
    plans.set(k, {
      kind: "call",
      attempt: decision.attempt,
      // each attempt names itself in the callback data its webhooks echo
      body: bodyForAttempt(row.request_payload, item.messageId, decision.attempt),
      requestedAtMs: row.created_at.getTime(),
      ttlMs: isAuth ? (ttlByTenant.get(row.tenant_id) ?? AUTH_TEMPLATE_TTL_MS) : null,
    });
  }
  await appendBatch(
    sql,
    starts.map(({ item, attempt }) => ({
      tenantId: item.tenantId,
      messageId: item.messageId,
      drafts: [attemptStarted(attempt)],
    })),
    { now },
  );
  return plans;
}

/**
 * Accepted answers recorded together: those that arrive while a group is being written join the
 * next one, whose transaction appends every `provider_accepted` with one batched append and
 * removes their queue rows with one statement. A failed group throws to each of its callers,
 * which then record alone (with retries).
 */
export function createAcknowledger(
  deps: Pick<TSendDeps, "pool" | "clock">,
  options: { maxInFlight?: number; maxItems?: number } = {},
): (ack: TAcknowledgement) => Promise<TSendOutcome> {
  const committer = createGroupCommitter<TAcknowledgement, TSendOutcome>(
    async (acks) => {
      const now = deps.clock();
      await inPgTransaction(
        deps.pool,
        async (sql) => {
          await appendBatch(
            sql,
            acks.map(({ item, attempt, result }) => ({
              tenantId: item.tenantId,
              messageId: item.messageId,
              drafts: [accepted(attempt, result)],
            })),
            { now },
          );
          await removeSends(
            sql,
            acks.map(({ item }) => item),
          );
        },
        { isPrepared: true },
      );
      return acks.map(() => "accepted" as const);
    },
    {
      maxItems: options.maxItems ?? 200,
      maxWeight: Number.POSITIVE_INFINITY,
      weightOf: () => 1,
      maxInFlight: options.maxInFlight ?? 2,
    },
  );
  return (ack) => committer.submit(ack);
}

/** Phase C: record the provider's answer and what follows from it. */
async function record(
  tx: TDbTx,
  deps: TSendDeps,
  item: TClaimedSend,
  prepared: TCallPrepared,
  result: TProviderSendResult,
): Promise<TSendOutcome> {
  const now = deps.clock();
  const nowMs = now.getTime();
  const { attempt } = prepared;
  const logContext = { tenantId: item.tenantId, messageId: item.messageId, attempt };

  if (result.ok) {
    await appendEvents(tx, item.tenantId, item.messageId, [accepted(attempt, result)], { now });
    await removeSends(tx, [item]);
    deps.log.debug({ ...logContext, wamid: result.providerMessageId }, "send accepted");
    return "accepted";
  }

  const failure = classifyFailure(result.failure);
  if (failure.disposition === "in_doubt") {
    // the provider may have the message: wait for a webhook with our callback data before
    // deciding to send it again (nothing is recorded in the ledger: the attempt stays started)
    await requeueSend(tx, item, {
      attempt,
      inDoubtAttempt: attempt,
      notBefore: new Date(nowMs + deps.config.retry.inDoubtGraceMs),
      lastError: failure.error,
      now,
    });
    deps.log.warn(
      { ...logContext, error: failure.error },
      "send in doubt: waiting for a webhook before resending",
    );
    return "awaiting_webhook";
  }

  let pairNotBeforeMs: number | null = null;
  if (failure.disposition === "pair_limit") pairNotBeforeMs = await paceRecipient(tx, deps, item, nowMs);
  if (failure.disposition === "throttle") await throttleSender(tx, deps, item, nowMs);

  const retry = decideRetry({
    failedAttempt: attempt,
    disposition: failure.disposition,
    error: failure.error,
    requestedAtMs: prepared.requestedAtMs,
    nowMs,
    random: deps.random(),
    pairNotBeforeMs,
    ttlMs: prepared.ttlMs,
    policy: deps.config.retry,
  });
  // a limit of the number, the WABA or the app: that level waits, and the retry with it
  const level = await applyLevelLimit(
    tx,
    { tenantId: item.tenantId, senderNumberId: item.senderNumberId, code: failure.error.code },
    now,
  );
  if (level !== null && retry.kind === "retry")
    retry.notBefore = Math.max(retry.notBefore, level.until.getTime());
  if (level !== null)
    deps.log.warn({ ...logContext, until: level.until, reason: level.reason }, "level limit");
  const drafts: TEventDraft[] = [];
  if (failure.isProviderAnswer) drafts.push(rejected(attempt, failure, result.record));
  if (retry.kind === "retry") {
    drafts.push(retryScheduled(retry.attempt, retry.notBefore, failure.error));
    await appendEvents(tx, item.tenantId, item.messageId, drafts, { now });
    await requeueSend(tx, item, {
      attempt: retry.attempt,
      inDoubtAttempt: null,
      notBefore: new Date(retry.notBefore),
      lastError: failure.error,
      now,
    });
  } else {
    drafts.push(deadLettered(attempt, retry.reason, failure.error));
    await appendEvents(tx, item.tenantId, item.messageId, drafts, { now });
    await removeSends(tx, [item]);
  }

  if (failure.disposition === "sender_blocked") {
    deps.credentials.forget(item.tenantId, item.senderNumberId);
    const isNew = await pauseSenderInTx(tx, {
      tenantId: item.tenantId,
      senderNumberId: item.senderNumberId,
      reason: `${failure.error.code} (${failure.error.title})`,
      errorCode: failure.error.code,
      messageId: item.messageId,
      actor: DISPATCHER_ACTOR,
      now,
    });
    if (isNew)
      deps.log.error({ ...logContext, alert: "sender_paused", error: failure.error }, "sender paused");
  }
  deps.log.info(
    { ...logContext, code: failure.error.code, disposition: failure.disposition, next: retry.kind },
    retry.kind === "retry" ? "send failed, retry scheduled" : `send dead-lettered: ${retry.reason}`,
  );
  return retry.kind === "retry" ? "retry_scheduled" : "dead_lettered";
}

/** An authentication template's time to live (the tenant's, else Meta's default); null for others. */
async function messageTtlMs(
  tx: TDbTx,
  tenantId: string,
  templateCategory: string | null,
): Promise<number | null> {
  if ((templateCategory ?? "").toUpperCase() !== "AUTHENTICATION") return null;
  const policy = await tx.tenantSendPolicy.findUnique({
    where: { tenantId },
    select: { authTemplateTtlSeconds: true },
  });
  return policy ? policy.authTemplateTtlSeconds * 1000 : AUTH_TEMPLATE_TTL_MS;
}

async function throttleSender(tx: TDbTx, deps: TSendDeps, item: TClaimedSend, nowMs: number): Promise<void> {
  const rows = await tx.$queryRaw<
    {
      max_rate: number | null;
      rate: number | null;
      rate_changed_at: Date | null;
      tokens: number;
      tokens_at: Date | null;
    }[]
  >`
    SELECT max_rate, rate, rate_changed_at, tokens, tokens_at FROM sender_dispatch
    WHERE tenant_id = ${item.tenantId}::uuid AND sender_number_id = ${item.senderNumberId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) return;
  const next = onThrottled(toRate(row), nowMs, deps.config.throughput);
  await tx.$executeRaw`
    UPDATE sender_dispatch
    SET rate = ${next.rate}, rate_changed_at = ${next.rateChangedAt === null ? null : new Date(next.rateChangedAt)},
        tokens = ${next.tokens}, tokens_at = ${new Date(nowMs)}, throttle_count = throttle_count + 1,
        last_throttled_at = ${new Date(nowMs)}, updated_at = ${new Date(nowMs)}
    WHERE tenant_id = ${item.tenantId}::uuid AND sender_number_id = ${item.senderNumberId}::uuid`;
}

/** A 131056: rest this (sender, recipient) pair, longer for each repeat within 10 minutes. */
async function paceRecipient(tx: TDbTx, deps: TSendDeps, item: TClaimedSend, nowMs: number): Promise<number> {
  const now = new Date(nowMs);
  const rows = await tx.$queryRaw<{ strikes: number }[]>`
    INSERT INTO pair_pacing (tenant_id, sender_number_id, recipient, next_allowed_at, strikes, updated_at)
    VALUES (${item.tenantId}::uuid, ${item.senderNumberId}::uuid, ${item.recipient}, ${now}, 1, ${now})
    ON CONFLICT (tenant_id, sender_number_id, recipient) DO UPDATE
      SET strikes = CASE WHEN pair_pacing.updated_at > ${now}::timestamptz - interval '10 minutes'
                         THEN pair_pacing.strikes + 1 ELSE 1 END,
          updated_at = EXCLUDED.updated_at
    RETURNING strikes`;
  const strikes = rows[0]?.strikes ?? 1;
  const notBefore = nowMs + pairRestMs(strikes, deps.config.retry);
  await tx.$executeRaw`
    UPDATE pair_pacing SET next_allowed_at = ${new Date(notBefore)}
    WHERE tenant_id = ${item.tenantId}::uuid AND sender_number_id = ${item.senderNumberId}::uuid
      AND recipient = ${item.recipient}`;
  return notBefore;
}

function accepted(attempt: number, result: Extract<TProviderSendResult, { ok: true }>): TEventDraft {
  return {
    type: "provider_accepted",
    source: "provider_response",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "accepted"),
    payload: {
      httpStatus: result.record.httpStatus,
      messageStatus: result.messageStatus,
      waId: result.waId,
      durationMs: result.record.durationMs,
    },
    attempt,
    providerMessageId: result.providerMessageId,
    ...pacingField(result.messageStatus),
  };
}

function attemptStarted(attempt: number): TEventDraft {
  return {
    type: "attempt_started",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "started"),
    payload: {},
    attempt,
  };
}

function retryScheduled(attempt: number, notBefore: number, error: TLedgerError): TEventDraft {
  return {
    type: "retry_scheduled",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "scheduled"),
    payload: {},
    attempt,
    notBefore,
    error,
  };
}

function deadLettered(attempt: number, reason: string, error: TLedgerError): TEventDraft {
  return {
    type: "dead_lettered",
    source: "worker",
    providerTimestamp: null,
    dedupeKey: dedupeKey.deadLettered(attempt),
    payload: {},
    attempt,
    reason,
    error,
  };
}

function rejected(attempt: number, failure: TFailureClass, record: TProviderRecord): TEventDraft {
  // Meta's error object whole (code, type, error_data, fbtrace_id...), for support and disputes
  const body = record.body;
  const providerError =
    typeof body === "object" && body !== null && "error" in body
      ? (JSON.parse(JSON.stringify(body.error)) as TJsonObject)
      : null;
  return {
    type: "provider_rejected",
    source: "provider_response",
    providerTimestamp: null,
    dedupeKey: dedupeKey.attempt(attempt, "rejected"),
    payload: { disposition: failure.disposition, httpStatus: record.httpStatus, providerError },
    attempt,
    error: failure.error,
  };
}

/** Meta's template pacing (`message_status` held or paused) as a fact of the acceptance. */
function pacingField(messageStatus: string | null): { templatePacing?: TTemplatePacing } {
  const pacing = templatePacingOf(messageStatus);
  return pacing === null ? {} : { templatePacing: pacing };
}
