// Failures Meta reports by webhook, acted on like failures on the send call (the decision is
// server/domain/sending/async-failure.ts): as a message's statuses are appended, under the
// ledger's lock on the message, a failed status of the attempt in flight is run through the error
// catalogue (against the message as it stands then, not as read earlier); a temporary failure the
// tenant's policy resends gets its retry_scheduled in the same append (so the dead-letter
// projection never sees it as given up) and its send-queue row; a sender-level code pauses the
// number and opens its alert. The dead letter itself is derived from the ledger
// (deriveDeadLetter), so it also appears for failures that arrive any other way (orphans).
import type { TSql } from "@/server/db/sql";
import { eventDrafts, type TEventDraft } from "@/server/domain/ledger/event-drafts";
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
import type { TDecisionView } from "@/server/services/ledger/append-batch";
import { enqueueSend } from "@/server/services/sending/send-queue";
import { applyLevelLimit } from "@/server/services/sending/level-limits";
import { pauseSenderInTx } from "@/server/services/sending/sender-control";

const WEBHOOK_ACTOR: TActor = { kind: "system", label: "webhook-failures" };

export type TAsyncFailureOptions = { retryPolicy: TRetryPolicy; random: () => number };

const DEFAULT_OPTIONS: TAsyncFailureOptions = { retryPolicy: DEFAULT_RETRY_POLICY, random: Math.random };

export type TAsyncFailurePolicy = TAsyncRetryPolicy & { authTemplateTtlMs: number };

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

const failedStatusOf = (drafts: readonly TStatusDraft[]) =>
  drafts.find(
    (d): d is Extract<TStatusDraft, { type: "status_failed" }> & { attempt: number } =>
      d.type === "status_failed" && d.attempt !== null,
  ) ?? null;

/** Whether these statuses carry a failure to decide on (the common case: no). */
export function hasAsyncFailure(drafts: readonly TStatusDraft[]): boolean {
  return failedStatusOf(drafts) !== null;
}

/** The tenants' policies in one statement (the defaults for a tenant without a row). */
export async function loadAsyncRetryPolicies(
  sql: TSql,
  tenantIds: readonly string[],
): Promise<Map<string, TAsyncFailurePolicy>> {
  const policies = new Map<string, TAsyncFailurePolicy>();
  if (tenantIds.length === 0) return policies;
  const rows = await sql.query<{
    tenant_id: string;
    retry_async_transient_marketing: boolean;
    retry_async_transient_other: boolean;
    auth_template_ttl_seconds: number;
  }>(
    `SELECT tenant_id::text AS tenant_id, retry_async_transient_marketing, retry_async_transient_other,
            auth_template_ttl_seconds::int AS auth_template_ttl_seconds
     FROM tenant_send_policy WHERE tenant_id = ANY($1::uuid[])`,
    [[...new Set(tenantIds)]],
  );
  for (const tenantId of tenantIds)
    policies.set(tenantId, { ...DEFAULT_ASYNC_RETRY_POLICY, authTemplateTtlMs: AUTH_TEMPLATE_TTL_MS });
  for (const row of rows)
    policies.set(row.tenant_id, {
      retryTransientMarketing: row.retry_async_transient_marketing,
      retryTransientOther: row.retry_async_transient_other,
      authTemplateTtlMs: row.auth_template_ttl_seconds * 1000,
    });
  return policies;
}

/**
 * What a failed status among a message's statuses calls for, decided by the ledger append from
 * the message as it stands under the batch's lock (`decide`, given to appendBatch): the retry it
 * schedules is appended with the statuses, and `plan()` afterwards says what to act on (the retry
 * to queue, the number to pause). Null when there is no failure to decide on.
 */
export function asyncFailureDecider(
  group: { tenantId: string; messageId: string; drafts: readonly TStatusDraft[] },
  policy: TAsyncFailurePolicy,
  now: Date,
  options: TAsyncFailureOptions = DEFAULT_OPTIONS,
): { decide: (message: TDecisionView) => TEventDraft[]; plan: () => TAsyncFailurePlan | null } | null {
  const failed = failedStatusOf(group.drafts);
  if (!failed) return null;
  let plan: TAsyncFailurePlan | null = null;
  const decide = (message: TDecisionView): TEventDraft[] => {
    const isAuthentication = (message.templateCategory ?? "").toUpperCase() === "AUTHENTICATION";
    const decision = decideAsyncFailure({
      error: failed.error,
      failedAttempt: failed.attempt,
      message: {
        state: message.state,
        latestAttempt: message.latestAttempt,
        templateCategory: message.templateCategory,
        requestedAtMs: message.createdAtMs,
        ttlMs: isAuthentication ? policy.authTemplateTtlMs : null,
      },
      hasDeliveryEvidence: group.drafts.some(
        (d) => DELIVERY_TYPES.has(d.type) && d.attempt === failed.attempt,
      ),
      policy,
      retryPolicy: options.retryPolicy,
      nowMs: now.getTime(),
      random: options.random(),
    });
    if (decision.kind === "ignore") return [];
    const extraDrafts: TEventDraft[] = decision.retry
      ? [
          eventDrafts.retryScheduled(decision.retry.attempt, decision.retry.notBefore, failed.error, {
            cause: "failed_webhook",
          }),
        ]
      : [];
    plan = {
      tenantId: group.tenantId,
      messageId: group.messageId,
      senderNumberId: message.senderNumberId,
      recipient: message.recipient,
      error: failed.error,
      decision,
      extraDrafts,
    };
    return extraDrafts;
  };
  return { decide, plan: () => plan };
}

/** After the append: queue the retry the ledger now announces, pause a number that cannot send. */
export async function applyAsyncFailure(
  sql: TSql,
  plan: TAsyncFailurePlan,
  derivedState: TMessageState,
  now: Date,
): Promise<void> {
  const { decision } = plan;
  // a limit of the number, the WABA or the app (131048, 131064, 4, 80007): that level waits
  const level = await applyLevelLimit(
    sql,
    { tenantId: plan.tenantId, senderNumberId: plan.senderNumberId, code: plan.error.code },
    now,
  );
  if (decision.retry && derivedState === "retrying") {
    await enqueueSend(sql, {
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
    await pauseSenderInTx(sql, {
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
