// The sync of number health from the Graph API: GET /{phone_number_id} for the numbers read
// longest ago, with each sender's own token, at most `readsPerSecond` reads. Webhooks no longer
// carry every field (and a missed one is never re-sent), so the read fills the gaps; only what
// differs from the number's view is recorded, as a `sync` fact, and the view is re-derived in
// the same transaction. A failed read is recorded too (once per distinct failure), so the number's
// history says when its token stopped working or Graph stopped answering.
import crypto from "node:crypto";
import pThrottle from "p-throttle";
import type { TDb } from "@/server/db/client";
import { toSql, type TSql } from "@/server/db/sql";
import { deriveHealth } from "@/server/domain/number-health/derive-health";
import type { TNumberHealth } from "@/server/domain/number-health/health-model";
import { isNewSyncFailure, SYNC_FIELDS, syncDifference } from "@/server/domain/number-health/sync-diff";
import type { TPhoneNumberReader } from "@/server/providers/whatsapp-cloud/client";
import { appendHealthFact, loadHealthFacts, refreshNumberHealth } from "./health-store";

export type TSyncDeps = {
  db: TDb;
  reader: TPhoneNumberReader;
  /** The sender's own access token (decrypted); throws when there is none usable. */
  accessToken: (tenantId: string, senderNumberId: string) => Promise<string>;
  clock: () => Date;
};

export type TSyncOptions = {
  /** numbers read per run, least recently synced first */
  batchSize: number;
  /** a number is read again only this long after its last read */
  minIntervalMs: number;
  /** Graph reads per second, across the run */
  readsPerSecond: number;
  /** only this tenant's numbers (an operator's "sync now") */
  tenantId?: string;
};

export type TSyncOutcome = "recorded" | "unchanged" | "failed" | "failure_repeated";

export type TSyncReport = {
  read: number;
  recorded: number;
  unchanged: number;
  failed: number;
  results: { tenantId: string; senderNumberId: string; outcome: TSyncOutcome }[];
};

type TDueNumber = { tenant_id: string; id: string; phone_number_id: string; waba_id: string };

async function dueNumbers(db: TDb, options: TSyncOptions, now: Date): Promise<TDueNumber[]> {
  const due = new Date(now.getTime() - options.minIntervalMs);
  return toSql(db).query<TDueNumber>(
    `SELECT s.tenant_id::text, s.id::text, s.phone_number_id, s.waba_id
     FROM sender_number s
     LEFT JOIN sender_health h ON h.tenant_id = s.tenant_id AND h.sender_number_id = s.id
     WHERE (h.synced_at IS NULL OR h.synced_at <= $1::timestamptz)
       AND ($3::uuid IS NULL OR s.tenant_id = $3::uuid)
     ORDER BY h.synced_at ASC NULLS FIRST, s.tenant_id, s.id
     LIMIT $2`,
    [due, options.batchSize, options.tenantId ?? null],
  );
}

/** The number's view under its row's lock (created when missing), for comparing a read with it. */
async function lockedHealth(sql: TSql, number: TDueNumber, now: Date): Promise<TNumberHealth> {
  await sql.query(
    `INSERT INTO sender_health (tenant_id, sender_number_id, rules_version, health, derived_at)
     VALUES ($1::uuid, $2::uuid, 0, '{}'::jsonb, $3::timestamptz)
     ON CONFLICT (tenant_id, sender_number_id) DO NOTHING`,
    [number.tenant_id, number.id, now],
  );
  await sql.query(
    `SELECT 1 FROM sender_health WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid FOR UPDATE`,
    [number.tenant_id, number.id],
  );
  // derived here rather than read: a carried-over view (rules version 0) would compare wrongly
  return deriveHealth(await loadHealthFacts(sql, number.tenant_id, number.id));
}

function hashOf(value: unknown): string {
  return crypto.createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

/** Reads one number and records what differs (or the failure), in one transaction. */
async function syncOne(deps: TSyncDeps, number: TDueNumber, signal?: AbortSignal): Promise<TSyncOutcome> {
  let read: Awaited<ReturnType<TPhoneNumberReader["read"]>>;
  try {
    const accessToken = await deps.accessToken(number.tenant_id, number.id);
    read = await deps.reader.read(
      { phoneNumberId: number.phone_number_id, accessToken, fields: SYNC_FIELDS },
      signal,
    );
  } catch (error) {
    // our side cannot read the number at all (no credential, a key that no longer decrypts it)
    read = {
      ok: false,
      error: {
        code: null,
        message: `no usable access token: ${error instanceof Error ? error.message : String(error)}`,
        httpStatus: null,
      },
      record: { httpStatus: null, body: null, durationMs: 0 },
    };
  }
  const now = deps.clock();
  return deps.db.$transaction(async (tx) => {
    const sql = toSql(tx);
    const health = await lockedHealth(sql, number, now);
    let outcome: TSyncOutcome;
    let value: Record<string, unknown> | null = null;
    let field = "sync.phone_number";
    if (read.ok) {
      const difference = syncDifference(health, read.fields);
      value = difference ? difference.value : null;
      outcome = difference ? "recorded" : "unchanged";
    } else {
      const failure = {
        error: { code: read.error.code, message: read.error.message },
        httpStatus: read.error.httpStatus,
      };
      field = "sync.failed";
      value = isNewSyncFailure(health, failure) ? failure : null;
      outcome = value ? "failed" : "failure_repeated";
    }
    if (value !== null) {
      await appendHealthFact(sql, {
        tenantId: number.tenant_id,
        senderNumberId: number.id,
        wabaId: number.waba_id,
        source: "sync",
        field,
        event: read.ok ? null : read.error.code === null ? "failed" : `error_${read.error.code}`,
        providerTimestamp: null,
        value,
        dedupeKey: `sync:${now.toISOString()}:${hashOf(value)}`,
        rawWebhookId: null,
        actor: null,
        now,
      });
      await refreshNumberHealth(sql, number.tenant_id, number.id, now);
    }
    await sql.query(
      `UPDATE sender_health SET synced_at = $3::timestamptz WHERE tenant_id = $1::uuid AND sender_number_id = $2::uuid`,
      [number.tenant_id, number.id, now],
    );
    return outcome;
  });
}

/** One sync run: the due numbers, read at the configured rate; stops early when `signal` aborts. */
export async function syncNumberHealth(
  deps: TSyncDeps,
  options: TSyncOptions,
  signal?: AbortSignal,
): Promise<TSyncReport> {
  const numbers = await dueNumbers(deps.db, options, deps.clock());
  // one read per slot, evenly spaced: Graph's per-app rate limits count calls, not bursts
  const throttled = pThrottle({ limit: 1, interval: Math.ceil(1000 / options.readsPerSecond) })(
    (number: TDueNumber) => syncOne(deps, number, signal),
  );
  const report: TSyncReport = { read: 0, recorded: 0, unchanged: 0, failed: 0, results: [] };
  // one at a time: the throttle spaces the reads, and a slow Graph never has many in flight
  for (const number of numbers) {
    if (signal?.aborted) break;
    const outcome = await throttled(number);
    report.read += 1;
    if (outcome === "recorded") report.recorded += 1;
    else if (outcome === "unchanged") report.unchanged += 1;
    else report.failed += 1;
    report.results.push({ tenantId: number.tenant_id, senderNumberId: number.id, outcome });
  }
  return report;
}
