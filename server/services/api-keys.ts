// Tenant API keys. The key names its tenant and key id, so authentication is a primary-key read
// (tenant first) followed by a constant-time comparison of the secret's SHA-256.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
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

export async function revokeApiKey(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; keyId: string; reason?: string },
) {
  const data = ZRevokeApiKeySchema.parse(input);
  return db.$transaction(async (tx) => {
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
}

export type TApiKeyAuth =
  | { ok: true; tenantId: string; keyId: string }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "tenant_inactive" };

/** Authenticates a bearer token. Never says which part of a well-formed key was wrong. */
export async function authenticateApiKey(db: TDb, token: string, now: Date): Promise<TApiKeyAuth> {
  const match = KEY_PATTERN.exec(token);
  if (!match) return { ok: false, reason: "malformed" };
  const [, tenantId, keyId, secret] = match as unknown as [string, string, string, string];
  const key = await db.apiKey.findUnique({
    where: { tenantId_id: { tenantId, id: keyId } },
    select: { secretHash: true, revokedAt: true, lastUsedAt: true, tenant: { select: { status: true } } },
  });
  const expected = Buffer.from(key?.secretHash ?? "0".repeat(64), "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  const isMatch = crypto.timingSafeEqual(expected, actual) && key !== null;
  if (!key || !isMatch) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  if (key.tenant.status !== "active") return { ok: false, reason: "tenant_inactive" };
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db.apiKey.updateMany({ where: { tenantId, id: keyId }, data: { lastUsedAt: now } });
  }
  return { ok: true, tenantId, keyId };
}
