// The delivery loop (worker): claims due deliveries, signs and posts them, records every attempt.
//   - Per-endpoint concurrency: each round takes at most (max_concurrency - in flight) deliveries
//     of each endpoint, endpoint by endpoint, round-robin; a slow endpoint holds its own slots only,
//     so one tenant's slow receiver never delays another's.
//   - At-least-once: a delivery is leased while in flight; a worker that dies leaves the lease to
//     expire and the delivery is taken again. The webhook-id is the event's, stable across retries.
//   - Retries follow RETRY_DELAYS_MS (about 27 h, jittered); when spent the delivery is `failed`
//     (dead) and can be redelivered by hand. An endpoint failing without a success for
//     `disableAfterMs` is disabled, with an alert to its tenant.
//   - Recording: a success (almost every attempt) is recorded with the others of its moment, one
//     plain-pg transaction and three multi-row statements per group (`createSuccessRecorder`); a
//     failure decides a retry, maybe the endpoint's disabling and its alert, and is recorded alone.
import { performance } from "node:perf_hooks";
import type pg from "pg";
import type { TDb } from "@/server/db/client";
import { inPgTransaction } from "@/server/db/pg-transaction";
import { createGroupCommitter } from "@/server/ingest/group-commit";
import { sqlOfPrisma, type TSql } from "@/server/db/sql";
import { renderPayload, webhookId } from "@/server/domain/triggers/render-payload";
import {
  isDeliveredStatus,
  nextAttemptAt,
  shouldDisableEndpoint,
} from "@/server/domain/triggers/retry-schedule";
import type { TLogger } from "@/server/platform/logger";
import type { TSecretBox } from "@/server/platform/secret-box";
import { raiseAlert } from "@/server/services/monitoring/alerts";
import { liveSecrets } from "./endpoints";
import { signWebhook } from "./signing";
import { createPollWaker } from "@/server/platform/poll-waker";

export type TDeliveryConfig = {
  /** deliveries in flight at once in this process */
  concurrency: number;
  /** an attempt without a complete answer within this fails (timeout) */
  timeoutMs: number;
  /** an idle loop looks for due work this often */
  pollMs: number;
  /** an endpoint failing this long without a success is disabled */
  disableAfterMs: number;
  publicBaseUrl: string | null;
};

export type TDeliveryDeps = {
  db: TDb;
  /** plain-pg connections on which successes are recorded in groups; without them, one by one */
  pool?: pg.Pool;
  box: TSecretBox;
  log: TLogger;
  now?: () => Date;
  random?: () => number;
};

const RESPONSE_BYTES = 1024;
// well inside the lease's margin beyond the attempt's timeout (30 s), so a record that waited still
// lands before the delivery can be claimed again
const RECORD_TX = { maxWait: 10_000, timeout: 15_000 } as const;
const SECRET_CACHE_MS = 5_000;

type TClaimed = {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  attempt_count: number;
  url: string;
  include_full_numbers: boolean;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  display_number: string | null;
};

export type TAttemptOutcome = {
  status: number | null;
  body: string | null;
  error: string | null;
  latencyMs: number;
  requestHeaders: Record<string, string>;
};

/** Claims up to `limit` due deliveries, respecting each endpoint's concurrency. */
export async function claimDeliveries(
  db: TDb,
  input: { now: Date; limit: number; leaseMs: number; inFlight: ReadonlyMap<string, number> },
): Promise<TClaimed[]> {
  if (input.limit <= 0) return [];
  return sqlOfPrisma(db).query<TClaimed>(
    `WITH cand AS (
       SELECT d.tenant_id, d.id, d.next_attempt_at,
              row_number() OVER (PARTITION BY d.tenant_id, d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS rn
       FROM webhook_endpoint e
       CROSS JOIN LATERAL (
         SELECT d.tenant_id, d.id, d.endpoint_id, d.next_attempt_at FROM webhook_delivery d
         WHERE d.tenant_id = e.tenant_id AND d.endpoint_id = e.id AND d.status = 'pending'
           AND d.next_attempt_at <= $1 AND (d.leased_until IS NULL OR d.leased_until < $1)
         ORDER BY d.next_attempt_at, d.id
         LIMIT greatest(e.max_concurrency - coalesce(($2::jsonb ->> e.id::text)::int, 0), 0)
       ) d
       WHERE e.is_enabled
     ), pick AS (
       SELECT tenant_id, id FROM cand ORDER BY rn, next_attempt_at LIMIT $3
     ), leased AS (
       UPDATE webhook_delivery d SET leased_until = $4, updated_at = $1
       FROM pick WHERE d.tenant_id = pick.tenant_id AND d.id = pick.id AND d.status = 'pending'
         AND (d.leased_until IS NULL OR d.leased_until < $1)
       RETURNING d.tenant_id, d.id, d.endpoint_id, d.event_id, d.attempt_count
     )
     SELECT l.tenant_id::text AS tenant_id, l.id::text AS id, l.endpoint_id::text AS endpoint_id,
            l.attempt_count::int AS attempt_count, e.url, e.include_full_numbers,
            ev.id::text AS event_id, ev.type AS event_type, ev.occurred_at, ev.payload,
            s.display_number
     FROM leased l
     JOIN webhook_endpoint e ON e.tenant_id = l.tenant_id AND e.id = l.endpoint_id
     JOIN trigger_event ev ON ev.tenant_id = l.tenant_id AND ev.id = l.event_id
     LEFT JOIN sender_number s ON s.tenant_id = l.tenant_id AND s.id::text = ev.payload ->> 'senderNumberId'`,
    [
      input.now,
      JSON.stringify(Object.fromEntries(input.inFlight)),
      input.limit,
      new Date(input.now.getTime() + input.leaseMs),
    ],
  );
}

/** One HTTP attempt: never throws; a network error or timeout is an outcome. */
export async function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<TAttemptOutcome> {
  const started = performance.now();
  const requestHeaders = {
    "content-type": "application/json",
    "user-agent": "Waybill-Webhooks/1.0",
    ...headers,
  };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: requestHeaders,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readPrefix(response, RESPONSE_BYTES);
    return {
      status: response.status,
      body: text,
      error: isDeliveredStatus(response.status) ? null : `HTTP ${response.status}`,
      latencyMs: Math.round(performance.now() - started),
      requestHeaders,
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message =
      name === "TimeoutError" || name === "AbortError"
        ? `timeout after ${timeoutMs} ms`
        : error instanceof Error
          ? describeNetworkError(error)
          : String(error);
    return {
      status: null,
      body: null,
      error: message,
      latencyMs: Math.round(performance.now() - started),
      requestHeaders,
    };
  }
}

function describeNetworkError(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}: ${cause.message ?? error.message}` : error.message;
}

async function readPrefix(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, limit).toString("utf8");
}

/** Records an attempt and moves the delivery (and its endpoint's health) on, in one transaction. */
export async function recordAttempt(
  deps: TDeliveryDeps,
  config: Pick<TDeliveryConfig, "disableAfterMs">,
  claimed: Pick<TClaimed, "tenant_id" | "id" | "endpoint_id" | "attempt_count" | "url">,
  outcome: TAttemptOutcome,
  startedAt: Date,
  now: Date,
): Promise<{ status: "succeeded" | "pending" | "failed"; endpointDisabled: boolean }> {
  const ok = outcome.status !== null && isDeliveredStatus(outcome.status);
  const attempt = claimed.attempt_count + 1;
  const next = ok ? null : nextAttemptAt(attempt, now.getTime(), (deps.random ?? Math.random)());
  const status = ok ? "succeeded" : next === null ? "failed" : "pending";
  return deps.db.$transaction(async (tx) => {
    const sql = sqlOfPrisma(tx);
    await sql.query(
      `INSERT INTO webhook_attempt (tenant_id, delivery_id, endpoint_id, attempt, started_at, url, request_headers,
                                    response_status, response_body, latency_ms, error)
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)`,
      [
        claimed.tenant_id,
        claimed.id,
        claimed.endpoint_id,
        attempt,
        startedAt,
        claimed.url,
        // the signature is kept (it proves what was sent); it cannot be replayed after the
        // receiver's timestamp tolerance
        JSON.stringify(outcome.requestHeaders),
        outcome.status,
        outcome.body,
        outcome.latencyMs,
        outcome.error,
      ],
    );
    await sql.query(
      `UPDATE webhook_delivery SET status = $3::webhook_delivery_status, attempt_count = $4, leased_until = NULL,
              next_attempt_at = coalesce($5, next_attempt_at), last_attempt_at = $6, last_status_code = $7,
              last_error = $8, succeeded_at = CASE WHEN $3 = 'succeeded' THEN $6 ELSE succeeded_at END, updated_at = $6
       WHERE tenant_id = $1::uuid AND id = $2::uuid`,
      [
        claimed.tenant_id,
        claimed.id,
        status,
        attempt,
        next === null ? null : new Date(next),
        now,
        outcome.status,
        outcome.error,
      ],
    );
    if (ok) {
      await clearFailingSince(sql, [claimed]);
      return { status, endpointDisabled: false };
    }
    const [endpoint] = await sql.query<{ failing_since: Date | null; is_enabled: boolean; url: string }>(
      `UPDATE webhook_endpoint SET failing_since = coalesce(failing_since, $3)
       WHERE tenant_id = $1::uuid AND id = $2::uuid
       RETURNING failing_since, is_enabled, url`,
      [claimed.tenant_id, claimed.endpoint_id, startedAt],
    );
    let endpointDisabled = false;
    if (
      endpoint?.is_enabled &&
      shouldDisableEndpoint(endpoint.failing_since?.getTime() ?? null, now.getTime(), config.disableAfterMs)
    ) {
      const reason = `every attempt failed since ${endpoint.failing_since?.toISOString()} (last: ${outcome.error ?? "no answer"})`;
      await sql.query(
        `UPDATE webhook_endpoint SET is_enabled = false, disabled_at = $3, disabled_reason = $4, updated_at = $3
         WHERE tenant_id = $1::uuid AND id = $2::uuid`,
        [claimed.tenant_id, claimed.endpoint_id, now, `disabled automatically: ${reason}`],
      );
      await raiseAlert(
        tx,
        {
          tenantId: claimed.tenant_id,
          senderNumberId: null,
          kind: "endpoint_disabled",
          dedupeKey: `endpoint_disabled:${claimed.endpoint_id}`,
          severity: "critical",
          title: `Webhook endpoint ${endpoint.url} was disabled: ${reason}`,
          details: {
            endpointId: claimed.endpoint_id,
            url: endpoint.url,
            failingSince: endpoint.failing_since?.toISOString() ?? null,
          },
          isNewOccurrence: true,
        },
        now,
      );
      endpointDisabled = true;
    }
    return { status, endpointDisabled };
    // the loop keeps more attempts in flight than its pool has connections, so under load a record
    // queues for one; past Prisma's default wait (2 s) it was dropped, and the event, already
    // posted, was posted again once its lease ran out
  }, RECORD_TX);
}

/**
 * A success clears its endpoint's failure state. Only rows with one are written: a healthy
 * endpoint (nearly always) costs no row version, no lock and no wait behind the endpoint's other
 * deliveries recording at the same moment.
 */
async function clearFailingSince(
  sql: TSql,
  claimed: readonly Pick<TClaimed, "tenant_id" | "endpoint_id">[],
): Promise<void> {
  // distinct and in one order, so two groups touching the same endpoints cannot deadlock
  const keys = [...new Set(claimed.map((c) => `${c.tenant_id}/${c.endpoint_id}`))].sort();
  await sql.query(
    `UPDATE webhook_endpoint e SET failing_since = NULL
     FROM unnest($1::uuid[], $2::uuid[]) AS k (tenant_id, id)
     WHERE e.tenant_id = k.tenant_id AND e.id = k.id AND e.failing_since IS NOT NULL`,
    [keys.map((k) => k.split("/")[0]), keys.map((k) => k.split("/")[1])],
  );
}

export type TSuccess = {
  claimed: Pick<TClaimed, "tenant_id" | "id" | "endpoint_id" | "attempt_count" | "url">;
  outcome: TAttemptOutcome;
  startedAt: Date;
  /** when the answer was read: the delivery's last_attempt_at and succeeded_at */
  now: Date;
};

/**
 * Records successful attempts together: each attempt's row, its delivery `succeeded`, and the
 * failure state of the endpoints that had one, in one transaction of three statements whatever
 * the group's size. What each row holds is what `recordAttempt` writes for a success.
 */
export async function recordSuccesses(pool: pg.Pool, successes: readonly TSuccess[]): Promise<void> {
  if (successes.length === 0) return;
  // delivery rows locked in one order, as the endpoints' are
  const items = [...successes].sort((a, b) => (a.claimed.id < b.claimed.id ? -1 : 1));
  await inPgTransaction(pool, async (sql) => {
    await sql.query(
      `INSERT INTO webhook_attempt (tenant_id, delivery_id, endpoint_id, attempt, started_at, url, request_headers,
                                    response_status, response_body, latency_ms, error)
       SELECT tenant_id, delivery_id, endpoint_id, attempt, started_at, url, request_headers,
              response_status, response_body, latency_ms, NULL
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[], $6::text[], $7::jsonb[],
                   $8::int[], $9::text[], $10::int[])
            AS a (tenant_id, delivery_id, endpoint_id, attempt, started_at, url, request_headers,
                  response_status, response_body, latency_ms)`,
      [
        items.map((s) => s.claimed.tenant_id),
        items.map((s) => s.claimed.id),
        items.map((s) => s.claimed.endpoint_id),
        items.map((s) => s.claimed.attempt_count + 1),
        items.map((s) => s.startedAt),
        items.map((s) => s.claimed.url),
        items.map((s) => JSON.stringify(s.outcome.requestHeaders)),
        items.map((s) => s.outcome.status),
        items.map((s) => s.outcome.body),
        items.map((s) => s.outcome.latencyMs),
      ],
    );
    await sql.query(
      `UPDATE webhook_delivery d SET status = 'succeeded', attempt_count = k.attempt, leased_until = NULL,
              last_attempt_at = k.at, last_status_code = k.response_status, last_error = NULL,
              succeeded_at = k.at, updated_at = k.at
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[])
            AS k (tenant_id, id, attempt, at, response_status)
       WHERE d.tenant_id = k.tenant_id AND d.id = k.id`,
      [
        items.map((s) => s.claimed.tenant_id),
        items.map((s) => s.claimed.id),
        items.map((s) => s.claimed.attempt_count + 1),
        items.map((s) => s.now),
        items.map((s) => s.outcome.status),
      ],
    );
    await clearFailingSince(
      sql,
      items.map((s) => s.claimed),
    );
  });
}

/**
 * Successes submitted while a group is being written join the next one, so N attempts answered
 * at the same moment cost one commit instead of N (the send dispatcher's acknowledgements do the
 * same). Each caller's promise settles only after its group committed: a success is not counted
 * done, and its slot not freed, before its record is durable. A failed group fails each of its
 * callers; their leases then run out and the events are posted again (at-least-once).
 */
export function createSuccessRecorder(
  pool: pg.Pool,
  options: { maxInFlight?: number; maxItems?: number } = {},
): (success: TSuccess) => Promise<void> {
  const committer = createGroupCommitter<TSuccess, void>(
    async (successes) => {
      await recordSuccesses(pool, successes);
      return successes.map(() => undefined);
    },
    {
      maxItems: options.maxItems ?? 200,
      maxWeight: Number.POSITIVE_INFINITY,
      weightOf: () => 1,
      maxInFlight: options.maxInFlight ?? 2,
    },
  );
  return (success) => committer.submit(success);
}

export type TDeliveryLoop = { stop: () => Promise<void>; wake: () => void };

/** Starts the loop; `stop` waits for attempts in flight (their results are recorded). */
export function startDeliveryLoop(deps: TDeliveryDeps, config: TDeliveryConfig): TDeliveryLoop {
  const now = deps.now ?? (() => new Date());
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const secretCache = new Map<string, { at: number; secrets: string[] }>();
  let isStopping = false;
  const waker = createPollWaker();
  let total = 0;
  const recordSuccess = deps.pool ? createSuccessRecorder(deps.pool) : null;

  const secretsOf = async (tenantId: string, endpointId: string, at: Date) => {
    const cached = secretCache.get(endpointId);
    if (cached && at.getTime() - cached.at < SECRET_CACHE_MS) return cached.secrets;
    const secrets = await liveSecrets(deps.db, deps.box, tenantId, endpointId, at);
    secretCache.set(endpointId, { at: at.getTime(), secrets });
    return secrets;
  };

  const deliver = async (claimed: TClaimed) => {
    const startedAt = now();
    let outcome: TAttemptOutcome;
    try {
      const body = renderPayload(
        {
          id: claimed.event_id,
          type: claimed.event_type,
          occurredAt: claimed.occurred_at,
          payload: claimed.payload,
        },
        {
          includeFullNumbers: claimed.include_full_numbers,
          publicBaseUrl: config.publicBaseUrl,
          senderDisplayNumber: claimed.display_number,
        },
      );
      const secrets = await secretsOf(claimed.tenant_id, claimed.endpoint_id, startedAt);
      const headers = signWebhook(secrets, webhookId(claimed.event_id), startedAt, body);
      outcome = await postWebhook(claimed.url, headers, body, config.timeoutMs);
    } catch (error) {
      outcome = {
        status: null,
        body: null,
        error: error instanceof Error ? error.message : String(error),
        latencyMs: 0,
        requestHeaders: {},
      };
    }
    const finishedAt = now();
    if (recordSuccess && outcome.status !== null && isDeliveredStatus(outcome.status)) {
      await recordSuccess({ claimed, outcome, startedAt, now: finishedAt });
      return;
    }
    await recordAttempt(deps, config, claimed, outcome, startedAt, finishedAt);
  };

  const loop = async () => {
    while (!isStopping) {
      let claimed: TClaimed[] = [];
      try {
        claimed = await claimDeliveries(deps.db, {
          now: now(),
          limit: config.concurrency - total,
          // the lease outlives the attempt's timeout, so a live attempt is never taken twice
          leaseMs: config.timeoutMs + 30_000,
          inFlight,
        });
      } catch (error) {
        deps.log.warn({ err: error }, "webhook delivery claim failed");
      }
      for (const row of claimed) {
        total += 1;
        inFlight.set(row.endpoint_id, (inFlight.get(row.endpoint_id) ?? 0) + 1);
        const p = deliver(row)
          .catch((error: unknown) =>
            deps.log.error({ err: error, deliveryId: row.id }, "webhook delivery failed to record"),
          )
          .finally(() => {
            total -= 1;
            const left = (inFlight.get(row.endpoint_id) ?? 1) - 1;
            if (left <= 0) inFlight.delete(row.endpoint_id);
            else inFlight.set(row.endpoint_id, left);
            running.delete(p);
            waker.wake();
          });
        running.add(p);
      }
      if (isStopping) break;
      // a full round (or a freed slot) goes again at once; otherwise wait for the poll or a wake
      if (claimed.length > 0 && total < config.concurrency) continue;
      await waker.sleep(config.pollMs);
    }
  };
  const done = loop();
  return {
    wake: () => waker.wake(),
    stop: async () => {
      isStopping = true;
      waker.wake();
      await done;
      await Promise.all(running);
    },
  };
}
