// The dispatcher's claim (part of the send queue module, send-queue.ts): in one transaction, lock
// the senders that have due work and may send (no hold of theirs applies), refill their
// throughput buckets, deal the free slots fairly across tenants
// (server/domain/sending/fair-share.ts), and lease that many due rows per sender with FOR UPDATE
// SKIP LOCKED, so several workers never take the same row or the same sender's budget. See
// docs/decisions/006-send-queue-table.md.
import type pg from "pg";
import { inPgTransaction } from "@/server/db/pg-transaction";
import type { TSql } from "@/server/db/sql";
import {
  heldAllReasonSql,
  heldTemplatesReasonSql,
  isTemplateRowSql,
} from "@/server/services/number-health/hold-sql";
import { levelBlockedSql } from "./level-limits";
import { allocateSlots, type TSlotCandidate } from "@/server/domain/sending/fair-share";
import {
  availableSends,
  effectiveRate,
  maxRateOf,
  nextSendAt,
  take,
  type TSenderRate,
  type TThroughputConfig,
} from "@/server/domain/sending/throughput";

/**
 * What keeps a whole number from sending at `at`: one SQL condition per hold, over `d`
 * (sender_dispatch), `t` (tenant) and `h` (its sender_health row, possibly missing). A new kind
 * of number-level hold is one more entry.
 */
export function senderHoldsSql(at: string): string[] {
  return [
    // an operator's pause, or one the dispatcher made after a sender-level error
    "d.paused_at IS NOT NULL",
    "t.status <> 'active'",
    // number health: a hard state or an operator hold
    `${heldAllReasonSql("h", at)} IS NOT NULL`,
    // a number cooling down, or in the scope of an open circuit (the app's, its WABA's)
    levelBlockedSql("d", at),
  ];
}

/**
 * What keeps one due row `q` (send_queue) waiting while its number sends others: one SQL
 * condition per hold. `templatesHeld` says whether the number's template rows wait (a boolean
 * SQL expression: number health's business-messaging restriction). A new kind of per-message
 * hold is one more entry.
 */
export function rowHoldsSql(q: string, templatesHeld: string): string[] {
  return [
    `(${templatesHeld} AND ${isTemplateRowSql(q)})`,
    // held at dispatch with a reason (its template paused or disabled at Meta) until released
    `${q}.held_reason IS NOT NULL`,
  ];
}

/** True when any of the conditions holds (a NULL counts as not holding). */
export function anyHoldSql(conditions: readonly string[]): string {
  return conditions.length === 0 ? "false" : conditions.map((c) => `coalesce(${c}, false)`).join(" OR ");
}

export type TClaimedSend = {
  tenantId: string;
  messageId: string;
  senderNumberId: string;
  recipient: string;
  attempt: number;
  inDoubtAttempt: number | null;
  claimCount: number;
};

export type TClaimResult = {
  claimed: TClaimedSend[];
  /** Senders with due work that were eligible (for the dispatcher's next wake-up). */
  candidates: number;
  /** When a throttled sender may next send (epoch ms), if one is waiting for its bucket. */
  nextSendAt: number | null;
};

type TCandidateRow = {
  tenant_id: string;
  sender_number_id: string;
  max_rate: number | null;
  templates_held: boolean;
  rate: number | null;
  rate_changed_at: Date | null;
  tokens: number;
  tokens_at: Date | null;
  last_served_at: Date | null;
  due: number;
};

export type TClaimOptions = {
  slots: number;
  workerId: string;
  leaseMs: number;
  now: Date;
  throughput: TThroughputConfig;
};

/**
 * A claim in a transaction of its own, on plain pg rather than a Prisma interactive transaction:
 * the claim runs several times a second per worker and its statements are the same every time.
 */
export async function claimSends(pool: pg.Pool, options: TClaimOptions): Promise<TClaimResult> {
  if (options.slots <= 0) return { claimed: [], candidates: 0, nextSendAt: null };
  return inPgTransaction(pool, (sql) => claimSendsIn(sql, options), { isPrepared: true });
}

/**
 * The claim on the caller's transaction: its leases and the buckets' takings commit with whatever
 * else that transaction records (the dispatcher prepares the claimed sends in it too, so the
 * leases and their `attempt_started` commit together). The caller's TSql should be prepared
 * (`isPrepared`): the texts never change.
 */
export async function claimSendsIn(sql: TSql, options: TClaimOptions): Promise<TClaimResult> {
  const { now, throughput } = options;
  if (options.slots <= 0) return { claimed: [], candidates: 0, nextSendAt: null };
  // `now` is $1 of both statements that read the holds: their texts never change, so they run as
  // prepared statements (the claim runs many times a second)
  const at = "$1::timestamptz";
  const templatesHeld = `(${heldTemplatesReasonSql("h", at)} IS NOT NULL)`;
  const senderHeld = anyHoldSql(senderHoldsSql(at));
  const rowHeld = anyHoldSql(rowHoldsSql("q", templatesHeld));
  const pickedRowHeld = anyHoldSql(rowHoldsSql("q", "a.templates_held"));
  // senders with at least one due, unleased row; locked so a second dispatcher skips them.
  // Their due rows are counted per sender through the queue's (sender, not_before) index, up to
  // the slots on offer: a sender with one message is not dealt more slots than it can use, and
  // "has due work" is that count above zero. (An EXISTS beside the count let the planner turn it
  // into a semi-join over the whole queue, a scan that grew with the backlog on every claim.)
  const rows = await sql.query<TCandidateRow>(
    `SELECT d.tenant_id::text, d.sender_number_id::text,
          -- the throughput level is Meta's ceiling; an operator's max_rate can only go lower
          LEAST(d.max_rate, h.rate_ceiling)::float8 AS max_rate, d.rate::float8 AS rate, d.rate_changed_at,
          d.tokens::float8 AS tokens, d.tokens_at, d.last_served_at, ${templatesHeld} AS templates_held,
          due.n AS due
   FROM sender_dispatch d
   JOIN tenant t ON t.id = d.tenant_id
   LEFT JOIN sender_health h ON h.tenant_id = d.tenant_id AND h.sender_number_id = d.sender_number_id
   CROSS JOIN LATERAL (
     SELECT count(*)::int AS n FROM (
       SELECT 1 FROM send_queue q
       WHERE q.tenant_id = d.tenant_id AND q.sender_number_id = d.sender_number_id
         AND q.not_before <= $1 AND (q.lease_until IS NULL OR q.lease_until < $1)
         AND NOT (${rowHeld})
       LIMIT $2) due_rows) due
   WHERE NOT (${senderHeld}) AND due.n > 0
   FOR UPDATE OF d SKIP LOCKED`,
    [now, options.slots],
  );
  if (rows.length === 0) return { claimed: [], candidates: 0, nextSendAt: null };

  const nowMs = now.getTime();
  const states = new Map<string, { row: TCandidateRow; rate: TSenderRate }>();
  const candidates: TSlotCandidate[] = [];
  let earliestSend: number | null = null;
  for (const row of rows) {
    const rate = toRate(row);
    states.set(key(row.tenant_id, row.sender_number_id), { row, rate });
    const tokens = availableSends(rate, nowMs, throughput);
    const available = Math.min(tokens, row.due);
    if (tokens === 0) {
      const at = nextSendAt(rate, nowMs, throughput);
      earliestSend = earliestSend === null ? at : Math.min(earliestSend, at);
    }
    candidates.push({
      tenantId: row.tenant_id,
      senderNumberId: row.sender_number_id,
      available,
      lastServedAt: row.last_served_at?.getTime() ?? null,
    });
  }
  const allocation = allocateSlots(candidates, options.slots);
  if (allocation.length === 0) return { claimed: [], candidates: rows.length, nextSendAt: earliestSend };

  const leaseUntil = new Date(nowMs + options.leaseMs);
  const claimed = await sql.query<{
    tenant_id: string;
    message_id: string;
    sender_number_id: string;
    recipient: string;
    attempt: number;
    in_doubt_attempt: number | null;
    claim_count: number;
  }>(
    `WITH alloc AS (
     SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::boolean[])
            AS a(tenant_id, sender_number_id, n, templates_held)
   ), picked AS (
     SELECT p.tenant_id, p.message_id
     FROM alloc a
     CROSS JOIN LATERAL (
       SELECT q.tenant_id, q.message_id FROM send_queue q
       WHERE q.tenant_id = a.tenant_id AND q.sender_number_id = a.sender_number_id
         AND q.not_before <= $1 AND (q.lease_until IS NULL OR q.lease_until < $1)
         AND NOT (${pickedRowHeld})
         -- one message per recipient in flight: keeps their order, and pair limits
         -- (OFFSET 0 keeps each NOT EXISTS a probe per candidate row on its recipient's index
         -- entries; as an anti-join, the plan could look up the sender's whole queue for every
         -- candidate, a cost that grew with the backlog on every claim)
         AND NOT EXISTS (
           SELECT 1 FROM send_queue o
           WHERE o.tenant_id = q.tenant_id AND o.sender_number_id = q.sender_number_id
             AND o.recipient = q.recipient AND o.lease_until >= $1 AND o.message_id <> q.message_id
           OFFSET 0)
         -- a recipient resting after a pair-limit error
         AND NOT EXISTS (
           SELECT 1 FROM pair_pacing pp
           WHERE pp.tenant_id = q.tenant_id AND pp.sender_number_id = q.sender_number_id
             AND pp.recipient = q.recipient AND pp.next_allowed_at > $1
           OFFSET 0)
       ORDER BY q.not_before, q.enqueued_at
       LIMIT a.n
       FOR UPDATE OF q SKIP LOCKED
     ) p
   )
   UPDATE send_queue s
   SET lease_until = $6, leased_by = $7, claim_count = s.claim_count + 1
   FROM picked
   WHERE s.tenant_id = picked.tenant_id AND s.message_id = picked.message_id
   RETURNING s.tenant_id::text, s.message_id::text, s.sender_number_id::text, s.recipient, s.attempt,
             s.in_doubt_attempt, s.claim_count`,
    [
      now,
      allocation.map((a) => a.tenantId),
      allocation.map((a) => a.senderNumberId),
      allocation.map((a) => a.count),
      allocation.map((a) => states.get(key(a.tenantId, a.senderNumberId))?.row.templates_held ?? false),
      leaseUntil,
      options.workerId,
    ],
  );

  // take what was actually claimed out of each sender's bucket, every sender in one statement
  const perSender = new Map<string, number>();
  for (const row of claimed) {
    const k = key(row.tenant_id, row.sender_number_id);
    perSender.set(k, (perSender.get(k) ?? 0) + 1);
  }
  const updates = [...perSender].flatMap(([k, count]) => {
    const state = states.get(k);
    if (!state) return [];
    const next = normalize(take(state.rate, count, nowMs, throughput), nowMs, throughput);
    return [{ row: state.row, next }];
  });
  if (updates.length > 0) {
    await sql.query(
      `UPDATE sender_dispatch d
     SET tokens = u.tokens, tokens_at = u.tokens_at, rate = u.rate, rate_changed_at = u.rate_changed_at,
         last_served_at = $1
     FROM unnest($2::uuid[], $3::uuid[], $4::float8[], $5::timestamptz[], $6::float8[], $7::timestamptz[])
       AS u (tenant_id, sender_number_id, tokens, tokens_at, rate, rate_changed_at)
     WHERE d.tenant_id = u.tenant_id AND d.sender_number_id = u.sender_number_id`,
      [
        now,
        updates.map((u) => u.row.tenant_id),
        updates.map((u) => u.row.sender_number_id),
        updates.map((u) => u.next.tokens),
        updates.map((u) => new Date(u.next.tokensAt ?? nowMs).toISOString()),
        updates.map((u) => u.next.rate),
        updates.map((u) =>
          u.next.rateChangedAt === null ? null : new Date(u.next.rateChangedAt).toISOString(),
        ),
      ],
    );
  }
  return {
    claimed: claimed.map((row) => ({
      tenantId: row.tenant_id,
      messageId: row.message_id,
      senderNumberId: row.sender_number_id,
      recipient: row.recipient,
      attempt: row.attempt,
      inDoubtAttempt: row.in_doubt_attempt,
      claimCount: row.claim_count,
    })),
    candidates: rows.length,
    nextSendAt: earliestSend,
  };
}

export function toRate(row: {
  max_rate: number | null;
  rate: number | null;
  rate_changed_at: Date | null;
  tokens: number;
  tokens_at: Date | null;
}): TSenderRate {
  return {
    maxRate: row.max_rate,
    rate: row.rate,
    rateChangedAt: row.rate_changed_at?.getTime() ?? null,
    tokens: row.tokens,
    tokensAt: row.tokens_at?.getTime() ?? null,
  };
}

/** Once the adapted rate has climbed back to the maximum, forget the adaptation. */
function normalize(state: TSenderRate, nowMs: number, throughput: TThroughputConfig): TSenderRate {
  if (state.rate !== null && effectiveRate(state, nowMs, throughput) >= maxRateOf(state, throughput)) {
    return { ...state, rate: null, rateChangedAt: null };
  }
  return state;
}

function key(tenantId: string, senderNumberId: string): string {
  return `${tenantId}/${senderNumberId}`;
}
