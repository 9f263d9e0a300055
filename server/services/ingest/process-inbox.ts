// Draining the raw inbox (ADR 005): claim a batch of pending rows with FOR UPDATE SKIP LOCKED
// inside the processing transaction, process them, mark them, commit. Concurrent drainers (in
// one worker or many) skip each other's rows; a drainer killed mid-batch loses its connection,
// PostgreSQL rolls its transaction back and releases the rows, and the next claim takes them:
// every request is processed once in effect, never lost and never applied twice.
//
// A batch that throws is retried one row per transaction, so one poisonous request cannot hold
// back the others; a row that keeps failing backs off and, after maxAttempts, is marked failed
// (visible, replayable).
//
// The worker drains on plain `pg` (a pool client in BEGIN/COMMIT): a fixed number of statements
// per batch, none per message. Given a Prisma client instead (the demo seed), the same statements
// run in a Prisma interactive transaction.
import type pg from "pg";
import type { TDb } from "@/server/db/client";
import { inPgTransaction } from "@/server/db/pg-transaction";
import { sqlTemplate } from "@/server/db/sql-template";
import { sqlOfPg, sqlOfPrisma, type TSql } from "@/server/db/sql";
import { CounterBag, addCounters } from "./counters";
import { processClaimedRows, type TClaimedRow, type TRowOutcome } from "./process-batch";

export type TDrainConfig = {
  batchSize: number;
  maxAttempts: number;
  now: () => Date;
  /** logs a row's processing failure (no body: it may hold anything) */
  onRowError?: (rowId: string, error: unknown, attempts: number) => void;
};

export type TDrainReport = {
  claimed: number;
  /** the rows this step claimed (committed when it returns) */
  claimedIds: string[];
  processed: number;
  quarantined: number;
  failed: number;
  retried: number;
  /** claimed, but left pending: a message of theirs was held by another transaction */
  deferred: number;
};

/** Where the drain runs its transactions: a pg pool (the hot path) or a Prisma client. */
export type TDrainDb = pg.Pool | TDb;

const PRISMA_TX_OPTIONS = { maxWait: 10_000, timeout: 120_000 } as const;

function transact<T>(db: TDrainDb, body: (sql: TSql) => Promise<T>): Promise<T> {
  if ("$transaction" in db) return db.$transaction((tx) => body(sqlOfPrisma(tx)), PRISMA_TX_OPTIONS);
  return inPgTransaction(db, body, { idleTimeoutMs: PRISMA_TX_OPTIONS.timeout });
}

type TClaimRow = {
  id: string;
  body: Uint8Array | null;
  received_at: Date;
  process_count: number;
  replay_id: string | null;
};

function toClaimed(row: TClaimRow): TClaimedRow {
  return {
    id: row.id,
    body: row.body,
    receivedAt: row.received_at,
    processCount: row.process_count,
    replayId: row.replay_id,
  };
}

async function claimBatch(sql: TSql, limit: number, now: Date): Promise<TClaimedRow[]> {
  const rows = await sqlTemplate(sql)<TClaimRow>`
    SELECT id::text AS id, body, received_at, process_count, replay_id::text AS replay_id
    FROM webhook_inbox
    WHERE status = 'pending' AND available_at <= ${now}
    ORDER BY available_at
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`;
  return rows.map(toClaimed);
}

async function claimOne(sql: TSql, id: string): Promise<TClaimedRow | null> {
  const rows = await sqlTemplate(sql)<TClaimRow>`
    SELECT id::text AS id, body, received_at, process_count, replay_id::text AS replay_id
    FROM webhook_inbox
    WHERE id = ${id}::uuid AND status = 'pending'
    FOR UPDATE SKIP LOCKED`;
  return rows[0] ? toClaimed(rows[0]) : null;
}

/** Writes the outcomes of processed rows, their replay items and the batch's counters. */
async function finishRows(
  sql: TSql,
  rows: readonly TClaimedRow[],
  outcomes: readonly TRowOutcome[],
  counters: CounterBag,
  now: Date,
): Promise<void> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const outcome of outcomes) {
    const row = byId.get(outcome.id)!;
    const tenants = outcome.tenantIds.length > 0 ? outcome.tenantIds : [null];
    for (const tenantId of tenants) {
      if (row.processCount === 0) counters.add("requests_received", tenantId);
      else counters.add("requests_replayed", tenantId);
      counters.add(
        outcome.status === "quarantined" ? "requests_quarantined" : "requests_processed",
        tenantId,
      );
    }
  }
  const records = outcomes.map((o) => ({
    id: o.id,
    status: o.status,
    tenant_ids: o.tenantIds,
    result: o.result,
  }));
  const q = sqlTemplate(sql);
  await q`
    UPDATE webhook_inbox w SET
      status = r.status::webhook_inbox_status, result = r.result, tenant_ids = r.tenant_ids,
      processed_at = ${now}, process_count = w.process_count + 1, attempts = 0, last_error = NULL, replay_id = NULL
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(id uuid, status text, tenant_ids uuid[], result jsonb)
    WHERE w.id = r.id`;
  const replayed = outcomes.filter((o) => byId.get(o.id)!.replayId !== null);
  if (replayed.length > 0) {
    const items = replayed.map((o) => ({
      replay_id: byId.get(o.id)!.replayId,
      raw_webhook_id: o.id,
      status: o.status,
      result: o.result,
    }));
    await q`
      UPDATE webhook_replay_item i SET status = r.status::webhook_inbox_status, result = r.result, processed_at = ${now}
      FROM jsonb_to_recordset(${JSON.stringify(items)}::jsonb) AS r(replay_id uuid, raw_webhook_id uuid, status text, result jsonb)
      WHERE i.replay_id = r.replay_id AND i.raw_webhook_id = r.raw_webhook_id`;
  }
  // last: the shared counter rows stay locked for the shortest time
  await addCounters(sql, counters.deltas());
}

/**
 * One drain step: claims up to batchSize pending rows and processes them in one transaction.
 * Returns what it did; `claimed < batchSize` means the inbox is (momentarily) drained.
 */
export async function drainInboxOnce(db: TDrainDb, config: TDrainConfig): Promise<TDrainReport> {
  const report: TDrainReport = {
    claimed: 0,
    claimedIds: [],
    processed: 0,
    quarantined: 0,
    failed: 0,
    retried: 0,
    deferred: 0,
  };
  let claimedIds: string[] = [];
  try {
    const outcomes = await transact(db, async (sql) => {
      const now = config.now();
      const rows = await claimBatch(sql, config.batchSize, now);
      claimedIds = rows.map((r) => r.id);
      if (rows.length === 0) return [];
      const counters = new CounterBag();
      const result = await processClaimedRows(sql, rows, now, counters, { deferBusyMessages: true });
      await finishRows(sql, rows, result, counters, now);
      return result;
    });
    report.claimed = claimedIds.length;
    report.claimedIds = claimedIds;
    for (const o of outcomes) report[o.status] += 1;
    report.deferred = claimedIds.length - outcomes.length;
    return report;
  } catch (batchError) {
    if (claimedIds.length === 0) throw batchError; // the claim itself failed: the database is down
    // isolate the culprit: each claimed row alone (the others are usually fine)
    report.claimed = claimedIds.length;
    report.claimedIds = claimedIds;
    for (const id of claimedIds) {
      const outcome = await processOneRow(db, id, config);
      if (outcome === "skipped") continue;
      report[outcome === "retry" ? "retried" : outcome] += 1;
    }
    return report;
  }
}

async function processOneRow(
  db: TDrainDb,
  id: string,
  config: TDrainConfig,
): Promise<"processed" | "quarantined" | "failed" | "retry" | "skipped"> {
  try {
    return await transact(db, async (sql) => {
      const now = config.now();
      const row = await claimOne(sql, id);
      if (!row) return "skipped" as const; // another drainer has it, or it is done
      const counters = new CounterBag();
      const [outcome] = await processClaimedRows(sql, [row], now, counters);
      if (!outcome) throw new Error("no outcome for a claimed row");
      await finishRows(sql, [row], [outcome], counters, now);
      return outcome.status;
    });
  } catch (error) {
    return recordRowFailure(db, id, error, config);
  }
}

/** Backs a failing row off (exponentially, capped at 15 min); marks it failed past maxAttempts. */
async function recordRowFailure(
  db: TDrainDb,
  id: string,
  error: unknown,
  config: TDrainConfig,
): Promise<"failed" | "retry"> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const now = config.now();
  const rows = await sqlTemplate("$transaction" in db ? sqlOfPrisma(db) : sqlOfPg(db))<{
    attempts: number;
    status: string;
    tenant_ids: string[];
  }>`
    UPDATE webhook_inbox SET
      attempts = attempts + 1,
      last_error = ${message.slice(0, 4000)},
      status = CASE WHEN attempts + 1 >= ${config.maxAttempts} THEN 'failed'::webhook_inbox_status ELSE status END,
      available_at = ${now}::timestamptz + least(interval '1 second' * power(2, attempts + 1), interval '15 minutes')
    WHERE id = ${id}::uuid AND status = 'pending'
    RETURNING attempts, status::text AS status, tenant_ids::text[] AS tenant_ids`;
  const row = rows[0];
  config.onRowError?.(id, error, row?.attempts ?? 0);
  if (row?.status === "failed") {
    await transact(db, async (sql) => {
      const counters = new CounterBag();
      for (const tenantId of row.tenant_ids.length > 0 ? row.tenant_ids : [null])
        counters.add("requests_failed", tenantId);
      await addCounters(sql, counters.deltas());
      await sqlTemplate(sql)`
        UPDATE webhook_replay_item i SET status = 'failed', processed_at = ${now}
        FROM webhook_inbox w WHERE w.id = ${id}::uuid AND i.replay_id = w.replay_id AND i.raw_webhook_id = w.id`;
    });
    return "failed";
  }
  return "retry";
}
