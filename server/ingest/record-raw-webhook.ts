// The hot path: store verified raw requests durably, one statement, plain `pg` (no Prisma: this
// runs once per webhook and must stay cheap). The Next.js route and the ingest listener both
// write through `createWebhookStore`: the rows of concurrent requests go into one statement and
// one commit (group commit), and each request learns its own outcome after that commit.
//
// Idempotent by body hash: the same signed payload posted again (Meta's retry after a lost 200)
// adds no row and no processing; it is counted on the original row and in the per-tenant
// `requests_duplicate` counter, in the same statement, so the count is exactly as durable as
// the 200 that follows it.
import crypto from "node:crypto";
import { createGroupCommitter, type TGroupCommitter } from "./group-commit";
import { uuidV7 } from "./uuid-v7";

/** Anything with pg's `query` (a Pool, a PoolClient, a Client). */
export type TQueryable = {
  query: <R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ) => Promise<{ rows: R[] }>;
};

export type TRawWebhookInput = {
  body: Uint8Array;
  receivedAt: Date;
  /** relevant request headers, lower-case names (see pickStoredHeaders) */
  headers: Record<string, string>;
  /** index of the WHATSAPP_APP_SECRET entry that verified the signature */
  signatureKeyIndex: number;
};

export type TRecordOutcome =
  { kind: "stored"; id: string } | { kind: "duplicate"; id: string; duplicateCount: number };

/** Headers worth keeping with a raw request; everything else (cookies, auth) is dropped. */
const STORED_HEADERS = [
  "content-type",
  "content-length",
  "user-agent",
  "x-hub-signature-256",
  "x-hub-signature",
  "x-forwarded-for",
  "x-real-ip",
  "x-request-id",
] as const;

export function pickStoredHeaders(header: (name: string) => string | null): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = header(name);
    if (value !== null) picked[name] = value.slice(0, 1024);
  }
  return picked;
}

// One statement: insert the new bodies, count the re-deliveries (on the row and per tenant).
// `extra` = further copies of the same body inside this group (group commit); the tenants of a
// duplicate are those its original named (known once processed), else the "no tenant" counter.
// Rows come sorted by body hash and counters by tenant: two groups in flight that share bodies
// or tenants then lock them in the same order and never deadlock.
const RECORD_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::bytea[], $3::timestamptz[], $4::bytea[], $5::int[], $6::jsonb[], $7::int[], $8::int[])
    AS t(id, body_sha256, received_at, body, body_bytes, headers, signature_key_index, extra)
),
up AS (
  INSERT INTO webhook_inbox AS w
    (id, body_sha256, received_at, body, body_bytes, headers, signature_key_index, available_at,
     duplicate_count, last_duplicate_at)
  SELECT id, body_sha256, received_at, body, body_bytes, headers, signature_key_index, received_at,
         extra, CASE WHEN extra > 0 THEN received_at END
  FROM input
  ON CONFLICT (body_sha256) DO UPDATE
    SET duplicate_count = w.duplicate_count + EXCLUDED.duplicate_count + 1,
        last_duplicate_at = EXCLUDED.received_at
  RETURNING w.id, w.body_sha256, (w.xmax = 0) AS inserted, w.duplicate_count, w.tenant_ids
),
counted AS (
  INSERT INTO ingest_counter AS c (metric, tenant_id, value, updated_at)
  SELECT 'requests_duplicate', d.tenant_id, sum(d.n), now()
  FROM (
    SELECT unnest(CASE WHEN cardinality(up.tenant_ids) > 0 THEN up.tenant_ids ELSE ARRAY[NULL::uuid] END) AS tenant_id,
           CASE WHEN up.inserted THEN i.extra ELSE i.extra + 1 END AS n
    FROM up JOIN input i ON i.body_sha256 = up.body_sha256
  ) d
  WHERE d.n > 0
  GROUP BY d.tenant_id
  ORDER BY d.tenant_id
  ON CONFLICT (metric, tenant_id) DO UPDATE SET value = c.value + EXCLUDED.value, updated_at = EXCLUDED.updated_at
)
SELECT id::text AS id, encode(body_sha256, 'hex') AS sha, inserted, duplicate_count FROM up`;

export function sha256(body: Uint8Array): Buffer {
  return crypto.createHash("sha256").update(body).digest();
}

/**
 * Stores `inputs` in one statement (one commit when `db` is a pool). Returns one outcome per
 * input, in order. Throws when the database does not answer: the caller must then answer 503,
 * never 200.
 */
export async function recordRawWebhooks(
  db: TQueryable,
  inputs: readonly TRawWebhookInput[],
): Promise<TRecordOutcome[]> {
  if (inputs.length === 0) return [];
  // copies of one body inside the group: the first is inserted, the others are its duplicates
  // (a multi-row ON CONFLICT DO UPDATE may not touch one row twice)
  const hashes = inputs.map((input) => sha256(input.body));
  const firstIndexByHash = new Map<string, number>();
  const extra = new Map<number, number>();
  const firstOf: number[] = [];
  for (const [index, hash] of hashes.entries()) {
    const key = hash.toString("hex");
    const first = firstIndexByHash.get(key);
    if (first === undefined) {
      firstIndexByHash.set(key, index);
      extra.set(index, 0);
      firstOf.push(index);
    } else {
      extra.set(first, (extra.get(first) ?? 0) + 1);
      firstOf.push(first);
    }
  }
  const unique = [...firstIndexByHash.values()].sort((a, b) => Buffer.compare(hashes[a]!, hashes[b]!));
  const rows = unique.map((index) => {
    const input = inputs[index]!;
    return {
      id: uuidV7(input.receivedAt.getTime()),
      hash: hashes[index]!,
      receivedAt: input.receivedAt,
      body: Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength),
      bodyBytes: input.body.byteLength,
      headers: JSON.stringify(input.headers),
      keyIndex: input.signatureKeyIndex,
      extra: extra.get(index) ?? 0,
    };
  });
  const { rows: stored } = await db.query<{
    id: string;
    sha: string;
    inserted: boolean;
    duplicate_count: number;
  }>(RECORD_SQL, [
    rows.map((r) => r.id),
    rows.map((r) => r.hash),
    rows.map((r) => r.receivedAt),
    rows.map((r) => r.body),
    rows.map((r) => r.bodyBytes),
    rows.map((r) => r.headers),
    rows.map((r) => r.keyIndex),
    rows.map((r) => r.extra),
  ]);
  const byHash = new Map(stored.map((row) => [row.sha, row]));
  return inputs.map((_, index) => {
    const row = byHash.get(hashes[index]!.toString("hex"));
    if (!row) throw new Error("webhook_inbox: a stored row is missing from RETURNING");
    const isFirstCopy = firstOf[index] === index;
    return isFirstCopy && row.inserted
      ? { kind: "stored", id: row.id }
      : { kind: "duplicate", id: row.id, duplicateCount: row.duplicate_count };
  });
}

/** The hot path's store: concurrent requests' rows are written by one statement (group commit). */
export type TWebhookStore = TGroupCommitter<TRawWebhookInput, TRecordOutcome>;

export type TWebhookStoreOptions = {
  /** requests per statement at most */
  maxRows: number;
  /** statements in flight at once: the pool's size */
  maxInFlight: number;
  onFlush?: (rows: number, seconds: number) => void;
};

/** Body bytes per statement at most (a single larger body still goes alone). */
const MAX_GROUP_BYTES = 8 * 1024 * 1024;

export function createWebhookStore(db: TQueryable, options: TWebhookStoreOptions): TWebhookStore {
  return createGroupCommitter<TRawWebhookInput, TRecordOutcome>((inputs) => recordRawWebhooks(db, inputs), {
    maxItems: options.maxRows,
    maxWeight: MAX_GROUP_BYTES,
    weightOf: (input) => input.body.byteLength,
    maxInFlight: options.maxInFlight,
    onFlush: options.onFlush,
  });
}
