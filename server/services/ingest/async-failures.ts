// Failures Meta reports by webhook, acted on like failures on the send call (the decision is
// server/domain/sending/async-failure.ts): before a message's statuses are appended, a failed
// status of the attempt in flight is run through the error catalogue; a temporary failure the
// tenant's policy resends gets its retry_scheduled in the same append (so the dead-letter
// projection never sees it as given up) and its send-queue row; a sender-level code pauses the
// number and opens its alert. The dead letter itself is derived from the ledger
// (deriveDeadLetter), so it also appears for failures that arrive any other way (orphans).
import type { TDbTx } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import type { TMessageState } from "@/server/domain/reconciliation/message-state";
import {
  DEFAULT_ASYNC_RETRY_POLICY,
  decideAsyncFailure,
  type TAsyncFailureDecision,
  type TAsyncRetryPolicy,
} from "@/server/domain/sending/async-failure";
import {
  AUTH_TEMPLATE_TTL_MS,
  DEFAULT_RETRY_POLICY,
  type TRetryPolicy,
} from "@/server/domain/sending/retry-policy";
import type { TStatusDraft } from "@/server/ingest/status-draft";
import type { TActor } from "@/server/services/actor";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { enqueueSend } from "@/server/services/sending/send-queue";
import { applyLevelLimit } from "@/server/services/sending/level-limits";
import { pauseSenderInTx } from "@/server/services/sending/sender-control";

const WEBHOOK_ACTOR: TActor = { kind: "system", label: "webhook-failures" };

export type TAsyncFailureOptions = { retryPolicy: TRetryPolicy; random: () => number };

const DEFAULT_OPTIONS: TAsyncFailureOptions = { retryPolicy: DEFAULT_RETRY_POLICY, random: Math.random };

export type TAsyncFailurePlan = {
  tenantId: string;
  messageId: string;
  senderNumberId: string;
  recipient: string;
  error: TLedgerError;
  decision: Extract<TAsyncFailureDecision, { kind: "act" }>;
  /** appended together with the statuses */
  extraDrafts: TEventDraft[];
};

const DELIVERY_TYPES = new Set(["status_delivered", "status_read", "status_played"]);

/** A tenant's policy (the defaults when it has no row). */
export async function loadAsyncRetryPolicy(
  tx: TDbTx,
  tenantId: string,
): Promise<TAsyncRetryPolicy & { authTemplateTtlMs: number }> {
  const row = await tx.tenantSendPolicy.findUnique({
    where: { tenantId },
    select: {
      retryAsyncTransientMarketing: true,
      retryAsyncTransientOther: true,
      authTemplateTtlSeconds: true,
    },
  });
  if (!row) return { ...DEFAULT_ASYNC_RETRY_POLICY, authTemplateTtlMs: AUTH_TEMPLATE_TTL_MS };
  return {
    retryTransientMarketing: row.retryAsyncTransientMarketing,
    retryTransientOther: row.retryAsyncTransientOther,
    authTemplateTtlMs: row.authTemplateTtlSeconds * 1000,
  };
}

/**
 * Decides, before a message's statuses are appended, what a failed status among them calls for.
 * Returns null when there is no failure to act on (the common case costs nothing: no query).
 */
export async function planAsyncFailure(
  tx: TDbTx,
  group: { tenantId: string; messageId: string; drafts: readonly TStatusDraft[] },
  now: Date,
  options: TAsyncFailureOptions = DEFAULT_OPTIONS,
): Promise<TAsyncFailurePlan | null> {
  const failed = group.drafts.find(
    (d): d is Extract<TStatusDraft, { type: "status_failed" }> =>
      d.type === "status_failed" && d.attempt !== null,
  );
  if (!failed || failed.attempt === null) return null;
  const rows = await tx.$queryRaw<
    {
      state: TMessageState;
      attempt_count: number;
      template_category: string | null;
      created_at: Date;
      sender_number_id: string;
      recipient: string;
    }[]
  >`
    SELECT state::text AS state, attempt_count, template_category, created_at,
           sender_number_id::text AS sender_number_id, recipient
    FROM message WHERE tenant_id = ${group.tenantId}::uuid AND id = ${group.messageId}::uuid
    FOR UPDATE`;
  const message = rows[0];
  if (!message) return null;
  const policy = await loadAsyncRetryPolicy(tx, group.tenantId);
  const isAuthentication = (message.template_category ?? "").toUpperCase() === "AUTHENTICATION";
  const decision = decideAsyncFailure({
    error: failed.error,
    failedAttempt: failed.attempt,
    message: {
      state: message.state,
      latestAttempt: message.attempt_count,
      templateCategory: message.template_category,
      requestedAtMs: message.created_at.getTime(),
      ttlMs: isAuthentication ? policy.authTemplateTtlMs : null,
    },
    hasDeliveryEvidence: group.drafts.some((d) => DELIVERY_TYPES.has(d.type) && d.attempt === failed.attempt),
    policy,
    retryPolicy: options.retryPolicy,
    nowMs: now.getTime(),
    random: options.random(),
  });
  if (decision.kind === "ignore") return null;
  const extraDrafts: TEventDraft[] = decision.retry
    ? [
        {
          type: "retry_scheduled",
          source: "worker",
          providerTimestamp: null,
          dedupeKey: dedupeKey.attempt(decision.retry.attempt, "scheduled"),
          payload: { cause: "failed_webhook" },
          attempt: decision.retry.attempt,
          notBefore: decision.retry.notBefore,
          error: failed.error,
        },
      ]
    : [];
  return {
    tenantId: group.tenantId,
    messageId: group.messageId,
    senderNumberId: message.sender_number_id,
    recipient: message.recipient,
    error: failed.error,
    decision,
    extraDrafts,
  };
}

/** After the append: queue the retry the ledger now announces, pause a number that cannot send. */
export async function applyAsyncFailure(
  tx: TDbTx,
  plan: TAsyncFailurePlan,
  derivedState: TMessageState,
  now: Date,
): Promise<void> {
  const { decision } = plan;
  // a limit of the number, the WABA or the app (131048, 131064, 4, 80007): that level waits
  const level = await applyLevelLimit(
    tx,
    { tenantId: plan.tenantId, senderNumberId: plan.senderNumberId, code: plan.error.code },
    now,
  );
  if (decision.retry && derivedState === "retrying") {
    await enqueueSend(tx, {
      tenantId: plan.tenantId,
      messageId: plan.messageId,
      senderNumberId: plan.senderNumberId,
      recipient: plan.recipient,
      attempt: decision.retry.attempt,
      // the ledger's notBefore is when it may go; the level's wait keeps it no earlier than that
      notBefore: new Date(Math.max(decision.retry.notBefore, level?.until.getTime() ?? 0)),
      now,
    });
  }
  if (decision.pauseSender) {
    await pauseSenderInTx(tx, {
      tenantId: plan.tenantId,
      senderNumberId: plan.senderNumberId,
      reason: `${plan.error.code} (${plan.error.title}) reported by webhook`,
      errorCode: plan.error.code,
      messageId: plan.messageId,
      actor: WEBHOOK_ACTOR,
      now,
    });
  }
}
