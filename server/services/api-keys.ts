// Tenant API keys. The key names its tenant and key id, so authentication is a primary-key read
// (tenant first) followed by a constant-time comparison of the secret's SHA-256.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { scopedSqlOfPrisma, type TScopedSql } from "@/server/db/scoped-sql";
import type { TSql } from "@/server/db/sql";
import type { TActor } from "./actor";
import { actorLabel } from "./actor";
import { recordAudit } from "./audit";
import { ServiceError } from "./errors";
import { ZCreateApiKeySchema, ZRevokeApiKeySchema } from "./inputs";

const KEY_PATTERN =
  /^wbk_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
// last_used_at is a convenience for admins, not an audit: write it at most this often
const LAST_USED_RESOLUTION_MS = 60_000;

function hashSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

export function formatApiKey(tenantId: string, keyId: string, secret: string): string {
  return `wbk_${tenantId}_${keyId}_${secret}`;
}

export async function createApiKey(db: TDb, actor: TActor, input: { tenantId: string; name: string }) {
  const data = ZCreateApiKeySchema.parse(input);
  const secret = crypto.randomBytes(32).toString("base64url");
  const keyId = crypto.randomUUID();
  const apiKey = formatApiKey(data.tenantId, keyId, secret);
  const record = await db.$transaction(async (tx) => {
    const tenant = await tx.tenant.findUnique({ where: { id: data.tenantId }, select: { id: true } });
    if (!tenant) throw new ServiceError("NOT_FOUND", "no such tenant");
    const key = await tx.apiKey.create({
      data: {
        tenantId: data.tenantId,
        id: keyId,
        name: data.name,
        hint: secret.slice(-4),
        secretHash: hashSecret(secret),
        createdByLabel: actorLabel(actor),
      },
      select: { tenantId: true, id: true, name: true, hint: true, createdAt: true },
    });
    await recordAudit(tx, {
      actor,
      action: "api_key.created",
      tenantId: key.tenantId,
      targetType: "api_key",
      targetId: key.id,
      data: { name: key.name, hint: key.hint },
    });
    return key;
  });
  // the plaintext key leaves this function once and is never stored
  return { ...record, apiKey };
}

/**
 * Bumped by every revocation committed in this process. The console and the tenant API are
 * served by the same web process, so a key revoked there stops working at once; another
 * process that had it cached stops within its verifier's `ttlMs`. Kept on globalThis because a
 * bundler may give two route handlers their own copies of this module.
 */
const revocations = ((globalThis as { [key: symbol]: { epoch: number } })[
  Symbol.for("waybill.apiKeyRevocations")
] ??= { epoch: 0 });

export async function revokeApiKey(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; keyId: string; reason?: string },
) {
  const data = ZRevokeApiKeySchema.parse(input);
  const revoked = await db.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({
      where: { tenantId: data.tenantId, id: data.keyId, revokedAt: null },
      data: { revokedAt: new Date(), revokedByLabel: actorLabel(actor) },
    });
    if (count === 0) throw new ServiceError("NOT_FOUND", "no such active key in this tenant");
    await recordAudit(tx, {
      actor,
      action: "api_key.revoked",
      tenantId: data.tenantId,
      targetType: "api_key",
      targetId: data.keyId,
      reason: data.reason,
    });
    return { tenantId: data.tenantId, id: data.keyId };
  });
  // after the commit: this process's verifiers forget every key they remembered
  revocations.epoch += 1;
  return revoked;
}

export type TApiKeyAuth =
  | { ok: true; tenantId: string; keyId: string }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "tenant_inactive" };

/** Authenticates a bearer token against the database. Never says which part of a well-formed key was wrong. */
export async function authenticateApiKey(db: TDb, token: string, now: Date): Promise<TApiKeyAuth> {
  return verifyApiKey(scopedSqlOfPrisma(db), token, now);
}

export type TApiKeyVerifier = (token: string, now: Date) => Promise<TApiKeyAuth>;

/**
 * The tenant API's verifier: a key that verified is remembered for `ttlMs` in this process,
 * keyed by the SHA-256 of the whole token (the plaintext is never kept), so a request makes no
 * database read for its key. A revocation committed in this process takes effect at once; one
 * made elsewhere, or a tenant paused, within `ttlMs` on a process that had the key cached. Concurrent first uses of a key share one read.
 * Failures are not remembered: an unknown or revoked key is read every time.
 */
export function createApiKeyVerifier(
  scoped: TScopedSql,
  options: { ttlMs?: number; clock?: () => number } = {},
): TApiKeyVerifier {
  const ttlMs = options.ttlMs ?? 5_000;
  const clock = options.clock ?? Date.now;
  const verified = new Map<string, { value: TApiKeyAuth; expiresAt: number; epoch: number }>();
  const reading = new Map<string, Promise<TApiKeyAuth>>();
  return async (token, now) => {
    const k = hashSecret(token);
    const hit = verified.get(k);
    if (hit && hit.expiresAt > clock() && hit.epoch === revocations.epoch) return hit.value;
    let pending = reading.get(k);
    if (!pending) {
      pending = verifyApiKey(scoped, token, now).finally(() => reading.delete(k));
      reading.set(k, pending);
    }
    const epoch = revocations.epoch;
    const value = await pending;
    if (value.ok && ttlMs > 0 && epoch === revocations.epoch) {
      if (verified.size >= MAX_CACHED_KEYS) verified.clear();
      verified.set(k, { value, expiresAt: clock() + ttlMs, epoch });
    }
    return value;
  };
}

const MAX_CACHED_KEYS = 10_000;

/**
 * Reads the key in the scope of the tenant the token names (the key embeds it): a token naming
 * another tenant than its key's finds no row, whatever the query's filter. One transaction per
 * verification, which the hot path's cache makes one per key per TTL, not one per request.
 */
async function verifyApiKey(scoped: TScopedSql, token: string, now: Date): Promise<TApiKeyAuth> {
  const match = KEY_PATTERN.exec(token);
  if (!match) return { ok: false, reason: "malformed" };
  const [, tenantId, keyId, secret] = match as unknown as [string, string, string, string];
  return scoped([tenantId], (sql) => verifyInScope(sql, tenantId, keyId, secret, now));
}

async function verifyInScope(
  sql: TSql,
  tenantId: string,
  keyId: string,
  secret: string,
  now: Date,
): Promise<TApiKeyAuth> {
  const rows = await sql.query<{
    secret_hash: string;
    revoked_at: Date | string | null;
    last_used_at: Date | string | null;
    tenant_status: string;
  }>(
    `SELECT k.secret_hash, k.revoked_at, k.last_used_at, t.status::text AS tenant_status
     FROM api_key k JOIN tenant t ON t.id = k.tenant_id
     WHERE k.tenant_id = $1::uuid AND k.id = $2::uuid`,
    [tenantId, keyId],
  );
  const key = rows[0] ?? null;
  const expected = Buffer.from(key?.secret_hash ?? "0".repeat(64), "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  const isMatch = crypto.timingSafeEqual(expected, actual) && key !== null;
  if (!key || !isMatch) return { ok: false, reason: "unknown" };
  if (key.revoked_at) return { ok: false, reason: "revoked" };
  if (key.tenant_status !== "active") return { ok: false, reason: "tenant_inactive" };
  const lastUsedMs = key.last_used_at === null ? null : new Date(key.last_used_at).getTime();
  if (lastUsedMs === null || now.getTime() - lastUsedMs > LAST_USED_RESOLUTION_MS) {
    // conditional, so requests racing here do not queue on the row one after another
    await sql.query(
      `UPDATE api_key SET last_used_at = $3::timestamptz
       WHERE tenant_id = $1::uuid AND id = $2::uuid
         AND (last_used_at IS NULL OR last_used_at < $3::timestamptz - interval '1 second' * $4::int)`,
      [tenantId, keyId, now.toISOString(), LAST_USED_RESOLUTION_MS / 1000],
    );
  }
  return { ok: true, tenantId, keyId };
}
