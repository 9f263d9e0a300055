// In-doubt attempts: an attempt was started (attempt_started recorded) and its outcome never
// was, because the worker died between the call and the record, or the call timed out. The
// provider may have accepted it, so it is never resent blindly. A status webhook carrying our
// biz_opaque_callback_data settles it on its own (reconciliation: "sent webhook proves
// acceptance"); what no webhook settles, an engineer sees here and decides.
import type { TDb } from "@/server/db/client";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import type { TLedgerError } from "@/server/domain/ledger/ledger-event";
import { deriveState } from "@/server/domain/reconciliation/derive-state";
import { CURRENT_RULES } from "@/server/domain/reconciliation/rules";
import { summarizeAttempts } from "@/server/domain/sending/dispatch-decision";
import { maskRecipient } from "@/server/domain/sending/send-request";
import { actorLabel, type TActor } from "@/server/services/actor";
import { ServiceError } from "@/server/services/errors";
import { appendEvents } from "@/server/services/ledger/append-events";
import type { TEventDraft } from "@/server/services/ledger/rows";
import { loadChain } from "@/server/services/ledger/read-ledger";
import { lockMessage } from "./retry-message";
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

export async function resolveInDoubt(
  db: TDb,
  actor: TActor,
  input: TResolveInDoubtInput,
): Promise<{ attempt: number; state: string; isRepeat: boolean }> {
  return db.$transaction(
    async (tx) => {
      const message = await lockMessage(tx, input.tenantId, input.messageId);
      const chain = await loadChain(tx, input.tenantId, input.messageId);
      const operationKey = dedupeKey.operator(input.operationId);
      const derived = deriveState(chain, CURRENT_RULES);
      const done = chain.find((e) => e.dedupeKey === operationKey);
      if (done) {
        const attempt = typeof done.payload.attempt === "number" ? done.payload.attempt : 0;
        return { attempt, state: derived.state, isRepeat: true };
      }
      if (derived.state !== "submitting") {
        throw new ServiceError(
          "CONFLICT",
          `the attempt is no longer in doubt: the message is ${derived.state} (${derived.explanation})`,
        );
      }
      const started = summarizeAttempts(chain)
        .attempts.filter((a) => a.isStarted)
        .at(-1);
      if (!started) throw new ServiceError("CONFLICT", "no started attempt to resolve");
      const queued = await tx.sendQueueItem.findUnique({
        where: { tenantId_messageId: { tenantId: input.tenantId, messageId: input.messageId } },
        select: { leaseUntil: true },
      });
      if (queued?.leaseUntil && queued.leaseUntil >= input.now) {
        throw new ServiceError("CONFLICT", "a worker is making this attempt right now; wait for its outcome");
      }
      const attempt = started.attempt;
      const label = actorLabel(actor);
      const drafts: TEventDraft[] = [
        {
          type: "manual_action",
          source: "operator",
          providerTimestamp: null,
          dedupeKey: operationKey,
          payload: { attempt, resolution: input.resolution.kind },
          action: "resolve_in_doubt",
          actor: label,
          reason: input.reason,
        },
      ];
      switch (input.resolution.kind) {
        case "accepted":
          drafts.push({
            type: "provider_accepted",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: dedupeKey.attempt(attempt, "accepted"),
            payload: { resolvedBy: label },
            attempt,
            providerMessageId: input.resolution.providerMessageId,
          });
          break;
        case "retry":
          drafts.push({
            type: "retry_scheduled",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: dedupeKey.attempt(attempt + 1, "scheduled"),
            payload: { resolvedBy: label },
            attempt: attempt + 1,
            notBefore: input.now.getTime(),
            error: {
              code: "waybill.in_doubt",
              title: "Attempt in doubt",
              message: `attempt ${attempt} resolved as not sent by ${label}: ${input.reason}`,
              details: null,
            },
          });
          break;
        case "give_up":
          drafts.push({
            type: "dead_lettered",
            source: "operator",
            providerTimestamp: null,
            dedupeKey: dedupeKey.deadLettered(attempt),
            payload: { resolvedBy: label },
            attempt,
            reason: `attempt ${attempt} was in doubt and ${label} gave up: ${input.reason}`,
            error: null,
          });
          break;
        default: {
          const unreachable: never = input.resolution;
          return unreachable;
        }
      }
      const result = await appendEvents(tx, input.tenantId, input.messageId, drafts, { now: input.now });
      if (input.resolution.kind === "retry") {
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
      return { attempt, state: result.derived.state, isRepeat: false };
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}
