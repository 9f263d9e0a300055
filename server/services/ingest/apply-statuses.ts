// Statuses of a batch: known wamid -> the message's ledger (one appendBatch for the whole batch,
// each status with the attempt the wamid was given and its raw request's id); unknown wamid -> a
// parked orphan (orphans.ts).
import crypto from "node:crypto";
import type { TSql } from "@/server/db/sql";
import { sqlTemplate } from "@/server/db/sql-template";
import { statusDraft, type TStatusDraft } from "@/server/ingest/status-draft";
import { compareStrings } from "@/server/domain/ledger/group-receipts";
import { appendBatch, type TAppendRequest } from "@/server/services/ledger/append-batch";
import type { TMessageMove } from "@/server/services/monitoring/alerts";
import type { TClaimedRow, TProcessingResult, TResolvedStatus } from "./batch-types";
import {
  applyAsyncFailure,
  asyncFailureDecider,
  hasAsyncFailure,
  loadAsyncRetryPolicies,
} from "./async-failures";
import type { CounterBag } from "./counters";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import { parseCallbackData } from "@/server/domain/sending/send-request";
import { lockWamids, wamidLockKey } from "./orphans";
import { lookupWamids, wamidKey, type TKnownWamid, type TStatusPair } from "./lock-status-messages";

export async function applyStatuses(
  sql: TSql,
  statuses: readonly TResolvedStatus[],
  results: Map<string, TProcessingResult>,
  now: Date,
  counters: CounterBag,
  /** the wamids whose messages the caller already locked (lockStatusMessages); else looked up here */
  locked?: ReadonlyMap<string, TKnownWamid>,
): Promise<TMessageMove[]> {
  if (statuses.length === 0) return [];
  const q = sqlTemplate(sql);
  const key = wamidKey;
  const lookup = (pairs: readonly TStatusPair[]) => lookupWamids(sql, pairs);
  const distinctPairs = (list: readonly TResolvedStatus[]) => {
    const seen = new Map<string, { tenantId: string; wamid: string }>();
    for (const s of list)
      seen.set(key(s.tenantId, s.item.status.providerMessageId), {
        tenantId: s.tenantId,
        wamid: s.item.status.providerMessageId,
      });
    return [...seen.values()];
  };

  const known = new Map<string, TKnownWamid>(locked ?? []);
  if (!locked)
    for (const r of await lookup(distinctPairs(statuses)))
      known.set(key(r.tenant_id, r.provider_message_id), { messageId: r.message_id, attempt: r.attempt });
  const unknownPairs = distinctPairs(statuses).filter((p) => !known.has(key(p.tenantId, p.wamid)));
  if (unknownPairs.length > 0) {
    await lockWamids(
      sql,
      unknownPairs.map((p) => wamidLockKey(p.tenantId, p.wamid)),
    );
    for (const r of await lookup(unknownPairs))
      known.set(key(r.tenant_id, r.provider_message_id), { messageId: r.message_id, attempt: r.attempt });
  }

  // An attempt in doubt (sent, its answer never recorded: a timeout, a dropped connection) is
  // proven accepted at once by a status whose callback data names it, without waiting for the
  // orphan grace period: the wamid is recorded for that attempt, and its statuses are appended.
  for (const match of await matchInDoubt(sql, statuses, known, key)) {
    known.set(key(match.tenantId, match.wamid), { messageId: match.messageId, attempt: match.attempt });
    counters.add("statuses_reattached", match.tenantId);
  }

  // ledger appends grouped per (message, raw request), in (tenant, message) order: concurrent
  // batches lock message rows in the same order
  const groups = new Map<
    string,
    { tenantId: string; messageId: string; row: TClaimedRow; drafts: TStatusDraft[] }
  >();
  const orphans: TResolvedStatus[] = [];
  for (const s of statuses) {
    const found = known.get(key(s.tenantId, s.item.status.providerMessageId));
    if (!found) {
      orphans.push(s);
      continue;
    }
    const groupKey = `${s.tenantId}|${found.messageId}|${s.row.id}`;
    const group = groups.get(groupKey) ?? {
      tenantId: s.tenantId,
      messageId: found.messageId,
      row: s.row,
      drafts: [],
    };
    group.drafts.push(statusDraft(s.item.status, found.attempt));
    groups.set(groupKey, group);
  }
  const ordered = [...groups.values()].sort(
    (a, b) =>
      compareStrings(a.tenantId, b.tenantId) ||
      compareStrings(a.messageId, b.messageId) ||
      compareStrings(a.row.id, b.row.id),
  );

  // a replay re-runs a request already applied: facts this request already delivered get no
  // second receipt (receipts count arrivals from Meta, and a replay is not one)
  const replayed = ordered.filter((g) => results.get(g.row.id)!.isReplay);
  const seenByGroup = new Map<string, Set<string>>();
  if (replayed.length > 0) {
    const seen = await q<{
      tenant_id: string;
      message_id: string;
      raw_webhook_id: string;
      dedupe_key: string;
    }>`
      SELECT r.tenant_id::text AS tenant_id, r.message_id::text AS message_id, r.raw_webhook_id::text AS raw_webhook_id,
             r.dedupe_key
      FROM message_event_receipt r
      JOIN unnest(${replayed.map((g) => g.tenantId)}::uuid[], ${replayed.map((g) => g.messageId)}::uuid[],
                  ${replayed.map((g) => g.row.id)}::uuid[]) AS k(tenant_id, message_id, raw_webhook_id)
        ON r.tenant_id = k.tenant_id AND r.message_id = k.message_id AND r.raw_webhook_id = k.raw_webhook_id`;
    for (const row of seen) {
      const groupKey = `${row.tenant_id}|${row.message_id}|${row.raw_webhook_id}`;
      seenByGroup.set(groupKey, (seenByGroup.get(groupKey) ?? new Set()).add(row.dedupe_key));
    }
  }

  // every message's statuses in one ledger append (one lock statement, one insert per table); a
  // failed status is decided on under that lock (asyncFailureDecider), with the tenants' policies
  // read once for the batch
  const policies = await loadAsyncRetryPolicies(
    sql,
    ordered.filter((g) => hasAsyncFailure(g.drafts)).map((g) => g.tenantId),
  );
  const requests: (TAppendRequest & {
    group: (typeof ordered)[number];
    failure: ReturnType<typeof asyncFailureDecider>;
  })[] = [];
  for (const group of ordered) {
    const result = results.get(group.row.id)!;
    let drafts = group.drafts;
    if (result.isReplay) {
      const seen =
        seenByGroup.get(`${group.tenantId}|${group.messageId}|${group.row.id}`) ?? new Set<string>();
      const fresh = drafts.filter((d) => !seen.has(d.dedupeKey));
      result.statuses.alreadyRecorded += drafts.length - fresh.length;
      drafts = fresh;
      if (drafts.length === 0) continue;
    }
    const policy = policies.get(group.tenantId);
    const failure = policy ? asyncFailureDecider({ ...group, drafts }, policy, now) : null;
    requests.push({
      tenantId: group.tenantId,
      messageId: group.messageId,
      drafts,
      rawWebhookId: group.row.id,
      ...(failure ? { decide: failure.decide } : {}),
      group,
      failure,
    });
  }
  const batch = await appendBatch(sql, requests, { now });
  const derivedOf = new Map(batch.messages.map((m) => [`${m.tenantId}|${m.messageId}`, m.derived]));
  const moves = new Map<string, TMessageMove>();
  for (const [index, request] of requests.entries()) {
    const appended = batch.requests[index]!;
    const derived = derivedOf.get(`${request.tenantId.toLowerCase()}|${request.messageId.toLowerCase()}`)!;
    const plan = request.failure?.plan() ?? null;
    if (plan) await applyAsyncFailure(sql, plan, derived.state, now);
    const result = results.get(request.group.row.id)!;
    // statuses only (a retry this failure scheduled is not one)
    const statusesApplied = appended.appended.filter((e) => e.type.startsWith("status_")).length;
    result.statuses.applied += statusesApplied;
    result.statuses.duplicate += appended.duplicates.length;
    counters.add("statuses_applied", request.tenantId, statusesApplied);
    counters.add("statuses_duplicate", request.tenantId, appended.duplicates.length);
    moves.set(`${request.tenantId}|${request.messageId}`, {
      tenantId: request.tenantId,
      messageId: request.messageId,
      state: derived.state,
      deciderKey: derived.decider?.dedupeKey ?? null,
    });
  }

  if (orphans.length > 0) {
    const rows = orphans.map((s) => ({
      tenant_id: s.tenantId,
      id: crypto.randomUUID(),
      sender_number_id: s.senderNumberId,
      provider_message_id: s.item.status.providerMessageId,
      status: s.item.status.status,
      provider_timestamp: new Date(s.item.status.providerTimestamp).toISOString(),
      biz_opaque_callback_data: s.item.status.bizOpaqueCallbackData,
      draft: statusDraft(s.item.status, null),
      raw_webhook_id: s.row.id,
      item_path: s.item.path,
      received_at: s.row.receivedAt.toISOString(),
    }));
    const inserted = await q<{ raw_webhook_id: string; tenant_id: string }>`
      INSERT INTO webhook_orphan_status (tenant_id, id, sender_number_id, provider_message_id, status, provider_timestamp,
                                         biz_opaque_callback_data, draft, raw_webhook_id, item_path, received_at)
      SELECT r.tenant_id, r.id, r.sender_number_id, r.provider_message_id, r.status, r.provider_timestamp,
             r.biz_opaque_callback_data, r.draft, r.raw_webhook_id, r.item_path, r.received_at
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(
        tenant_id uuid, id uuid, sender_number_id uuid, provider_message_id text, status text,
        provider_timestamp timestamptz, biz_opaque_callback_data text, draft jsonb, raw_webhook_id uuid,
        item_path text, received_at timestamptz)
      ON CONFLICT (tenant_id, raw_webhook_id, item_path) DO NOTHING
      RETURNING raw_webhook_id::text AS raw_webhook_id, tenant_id::text AS tenant_id`;
    for (const row of inserted) {
      results.get(row.raw_webhook_id)!.statuses.orphaned += 1;
      counters.add("statuses_orphaned", row.tenant_id);
    }
    // the rest were parked by an earlier run of the same request (a replay): not new
    for (const s of orphans) results.get(s.row.id)!.statuses.alreadyRecorded += 1;
    for (const row of inserted) results.get(row.raw_webhook_id)!.statuses.alreadyRecorded -= 1;
  }
  return [...moves.values()];
}

/**
 * Statuses of still unknown wamids whose callback data (`<message id>:<attempt>`) names an
 * attempt of a message of the same tenant and sender number that was started and whose answer
 * was never recorded: that attempt is in doubt, and the status proves it was accepted. Records
 * the wamid for the attempt (message_provider_id, under the wamid locks already held) and returns
 * the matches. The older callback form (no attempt) is left to the orphan sweep's grace period.
 */
async function matchInDoubt(
  sql: TSql,
  statuses: readonly TResolvedStatus[],
  known: ReadonlyMap<string, { messageId: string; attempt: number }>,
  key: (tenantId: string, wamid: string) => string,
): Promise<{ tenantId: string; wamid: string; messageId: string; attempt: number }[]> {
  const q = sqlTemplate(sql);
  const candidates = new Map<
    string,
    { tenantId: string; senderNumberId: string; wamid: string; messageId: string; attempt: number }
  >();
  for (const s of statuses) {
    const wamid = s.item.status.providerMessageId;
    if (known.has(key(s.tenantId, wamid)) || candidates.has(key(s.tenantId, wamid))) continue;
    const callback = parseCallbackData(s.item.status.bizOpaqueCallbackData);
    if (!callback || callback.attempt === null) continue;
    candidates.set(key(s.tenantId, wamid), {
      tenantId: s.tenantId,
      senderNumberId: s.senderNumberId,
      wamid,
      messageId: callback.messageId,
      attempt: callback.attempt,
    });
  }
  if (candidates.size === 0) return [];
  const list = [...candidates.values()];
  const rows = await q<{ tenant_id: string; wamid: string; message_id: string; attempt: number }>`
    INSERT INTO message_provider_id (tenant_id, provider_message_id, message_id, attempt)
    SELECT m.tenant_id, q.wamid, m.id, q.attempt
    FROM unnest(${list.map((c) => c.tenantId)}::uuid[], ${list.map((c) => c.senderNumberId)}::uuid[],
                ${list.map((c) => c.wamid)}::text[], ${list.map((c) => c.messageId)}::uuid[],
                ${list.map((c) => c.attempt)}::int[], ${list.map((c) => dedupeKey.attempt(c.attempt, "started"))}::text[],
                ${list.map((c) => dedupeKey.attempt(c.attempt, "accepted"))}::text[])
         AS q(tenant_id, sender_number_id, wamid, message_id, attempt, started_key, accepted_key)
    JOIN message m ON m.tenant_id = q.tenant_id AND m.id = q.message_id AND m.sender_number_id = q.sender_number_id
    WHERE q.attempt <= m.attempt_count
      -- in doubt: the attempt was started and no answer (accept) was ever recorded for it
      AND EXISTS (SELECT 1 FROM message_event e WHERE e.tenant_id = m.tenant_id AND e.message_id = m.id
                    AND e.dedupe_key = q.started_key)
      AND NOT EXISTS (SELECT 1 FROM message_event e WHERE e.tenant_id = m.tenant_id AND e.message_id = m.id
                        AND e.dedupe_key = q.accepted_key)
    ORDER BY m.tenant_id, m.id
    ON CONFLICT (tenant_id, provider_message_id) DO NOTHING
    RETURNING tenant_id::text AS tenant_id, provider_message_id AS wamid, message_id::text AS message_id, attempt`;
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    wamid: r.wamid,
    messageId: r.message_id,
    attempt: r.attempt,
  }));
}

/** Records a health event per sender concerned and applies it unless a newer one was applied. */
