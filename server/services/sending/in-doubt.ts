// In-doubt attempts: an attempt was started (attempt_started recorded) and its outcome never
// was, because the worker died between the call and the record, or the call timed out. The
// provider may have accepted it, so it is never resent blindly. A status webhook carrying our
// biz_opaque_callback_data settles it on its own (reconciliation: "sent webhook proves
// acceptance"); what no webhook settles, an engineer sees here and decides.
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { whyNotResolvableInDoubt } from "@/server/domain/operator-actions/eligibility";
import { summarizeAttempts } from "@/server/domain/sending/dispatch-decision";
import { maskRecipient } from "@/server/domain/sending/send-request";
import type { TActor } from "@/server/services/actor";
import type { TEventDraft } from "@/server/services/ledger/rows";
import {
  attemptOf,
  runOperatorAction,
  type TActionContext,
  type TOperatorAction,
} from "@/server/services/operator-actions/run-operator-action";
import { enqueueSend, removeSends } from "./send-queue";

export type TInDoubtAttempt = {
  tenantId: string;
  tenantSlug: string;
  messageId: string;
  senderNumberId: string;
  senderDisplayNumber: string;
  /** Masked: engineers do not hold message.reveal_recipient. */
  recipient: string;
  attempt: number;
  startedAt: Date;
  explanation: string;
  /**
   * `automatic`: the call timed out; unless a webhook proves acceptance first, the pipeline
   * retries at `autoRetryAt`. `held`: the worker died mid-attempt; an engineer decides.
   */
  handling: "automatic" | "held";
  autoRetryAt: Date | null;
  lastError: TLedgerError | null;
};

export async function listInDoubtAttempts(
  db: TDb,
  filter: { tenantId?: string | null; olderThanMs: number; limit: number },
  now: Date,
): Promise<TInDoubtAttempt[]> {
  const cutoff = new Date(now.getTime() - filter.olderThanMs);
  const tenantId = filter.tenantId ?? null;
  const rows = await db.$queryRaw<
    {
      tenant_id: string;
      tenant_slug: string;
      message_id: string;
      sender_number_id: string;
      display_number: string;
      recipient: string;
      attempt_count: number;
      state_reached_at: Date;
      state_explanation: string;
      in_doubt_attempt: number | null;
      not_before: Date | null;
      last_error: TLedgerError | null;
    }[]
  >`
    SELECT m.tenant_id::text, t.slug AS tenant_slug, m.id::text AS message_id,
           m.sender_number_id::text, s.display_number, m.recipient, m.attempt_count,
           m.state_reached_at, m.state_explanation, q.in_doubt_attempt, q.not_before, q.last_error
    FROM message m
    JOIN tenant t ON t.id = m.tenant_id
    JOIN sender_number s ON s.tenant_id = m.tenant_id AND s.id = m.sender_number_id
    LEFT JOIN send_queue q ON q.tenant_id = m.tenant_id AND q.message_id = m.id
    WHERE m.state = 'submitting' AND m.state_reached_at <= ${cutoff}
      AND (${tenantId}::uuid IS NULL OR m.tenant_id = ${tenantId}::uuid)
      -- an attempt a live worker is still making is in flight, not in doubt
      AND (q.lease_until IS NULL OR q.lease_until < ${now})
    ORDER BY m.state_reached_at
    LIMIT ${filter.limit}`;
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    tenantSlug: row.tenant_slug,
    messageId: row.message_id,
    senderNumberId: row.sender_number_id,
    senderDisplayNumber: row.display_number,
    recipient: maskRecipient(row.recipient),
    attempt: row.attempt_count,
    startedAt: row.state_reached_at,
    explanation: row.state_explanation,
    handling: row.in_doubt_attempt === null ? "held" : "automatic",
    autoRetryAt: row.in_doubt_attempt === null ? null : row.not_before,
    lastError: row.last_error,
  }));
}

export type TInDoubtResolution =
  /** Support proved the provider accepted it (e.g. Meta support named the wamid). */
  | { kind: "accepted"; providerMessageId: string }
  /** It never reached the provider: send it again as a new attempt. */
  | { kind: "retry" }
  /** Stop: dead-letter it (the tenant is told it was not sent by Waybill). */
  | { kind: "give_up" };

export type TResolveInDoubtInput = {
  tenantId: string;
  messageId: string;
  resolution: TInDoubtResolution;
  reason: string;
  operationId: string;
  now: Date;
};

type TInDoubtLoaded = { leaseUntil: Date | null };

export type TResolveInDoubtResult = { attempt: number; state: string; isRepeat: boolean };

/** The attempt in doubt: the latest one started (the predicate refuses when there is none). */
function startedAttempt(context: TActionContext<unknown>): number | null {
  return (
    summarizeAttempts(context.chain)
      .attempts.filter((a) => a.isStarted)
      .at(-1)?.attempt ?? null
  );
}

function resolveInDoubtAction(
  resolution: TInDoubtResolution,
): TOperatorAction<TInDoubtLoaded, TResolveInDoubtResult> {
  return {
    action: "resolve_in_doubt",
    load: async (tx, input) => ({
      leaseUntil:
        (
          await tx.sendQueueItem.findUnique({
            where: { tenantId_messageId: { tenantId: input.tenantId, messageId: input.messageId } },
            select: { leaseUntil: true },
          })
        )?.leaseUntil ?? null,
    }),
    repeated: (done, { derived }) => ({ attempt: attemptOf(done), state: derived.state, isRepeat: true }),
    decide: (context) => {
      const { derived, input, actor, loaded } = context;
      const attempt = startedAttempt(context);
      const refusal = whyNotResolvableInDoubt({
        state: derived.state,
        explanation: derived.explanation,
        startedAttempt: attempt,
        leaseUntilMs: loaded.leaseUntil?.getTime() ?? null,
        nowMs: input.now.getTime(),
      });
      if (refusal) return { kind: "refuse", refusal };
      // the predicate refuses a message with no started attempt
      if (attempt === null) throw new Error("an in-doubt message without a started attempt");
      return {
        kind: "append",
        payload: { attempt, resolution: resolution.kind },
        facts: [resolutionFact(resolution, attempt, actor, input.reason, input.now)],
      };
    },
    commit: async (tx, context) => {
      const { input, message } = context;
      const attempt = startedAttempt(context) ?? 0;
      if (resolution.kind === "retry") {
        await enqueueSend(tx, {
          tenantId: input.tenantId,
          messageId: input.messageId,
          senderNumberId: message.senderNumberId,
          recipient: message.recipient,
          attempt: attempt + 1,
          notBefore: input.now,
          now: input.now,
        });
      } else {
        await removeSends(tx, [{ tenantId: input.tenantId, messageId: input.messageId }]);
      }
    },
    result: (context, appended) => ({
      attempt: startedAttempt(context) ?? 0,
      state: appended.derived.state,
      isRepeat: false,
    }),
  };
}

/** What settles the attempt: its acceptance, the next attempt, or a dead letter. */
function resolutionFact(
  resolution: TInDoubtResolution,
  attempt: number,
  label: string,
  reason: string,
  now: Date,
): TEventDraft {
  switch (resolution.kind) {
    case "accepted":
      return {
        type: "provider_accepted",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.attempt(attempt, "accepted"),
        payload: { resolvedBy: label },
        attempt,
        providerMessageId: resolution.providerMessageId,
      };
    case "retry":
      return {
        type: "retry_scheduled",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.attempt(attempt + 1, "scheduled"),
        payload: { resolvedBy: label },
        attempt: attempt + 1,
        notBefore: now.getTime(),
        error: {
          code: "waybill.in_doubt",
          title: "Attempt in doubt",
          message: `attempt ${attempt} resolved as not sent by ${label}: ${reason}`,
          details: null,
        },
      };
    case "give_up":
      return {
        type: "dead_lettered",
        source: "operator",
        providerTimestamp: null,
        dedupeKey: dedupeKey.deadLettered(attempt),
        payload: { resolvedBy: label },
        attempt,
        reason: `attempt ${attempt} was in doubt and ${label} gave up: ${reason}`,
        error: null,
      };
    default: {
      const unreachable: never = resolution;
      return unreachable;
    }
  }
}

export async function resolveInDoubt(
  db: TDb,
  actor: TActor,
  input: TResolveInDoubtInput,
): Promise<TResolveInDoubtResult> {
  return runOperatorAction(db, actor, resolveInDoubtAction(input.resolution), input);
}
