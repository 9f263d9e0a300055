// Tenants and their sender numbers: platform administration use cases.
import type { TDb } from "@/server/db/client";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TActor } from "./actor";
import { recordAudit } from "./audit";
import { ServiceError, isUniqueViolation } from "./errors";
import {
  ZAddSenderNumberSchema,
  ZCreateTenantSchema,
  type TAddSenderNumber,
  type TCreateTenant,
} from "./inputs";

export async function createTenant(db: TDb, actor: TActor, input: TCreateTenant) {
  const data = ZCreateTenantSchema.parse(input);
  try {
    return await db.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data, select: { id: true, slug: true, name: true } });
      await recordAudit(tx, {
        actor,
        action: "tenant.created",
        tenantId: tenant.id,
        targetType: "tenant",
        targetId: tenant.id,
        data: { slug: tenant.slug, name: tenant.name },
      });
      return tenant;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ServiceError("CONFLICT", `tenant slug "${data.slug}" is taken`);
    throw error;
  }
}

/** Resolves a tenant by id or slug (CLI and scripts accept either). */
export async function findTenant(db: TDb, idOrSlug: string) {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrSlug);
  const tenant = await db.tenant.findFirst({
    where: isUuid ? { id: idOrSlug } : { slug: idOrSlug },
    select: { id: true, slug: true, name: true, status: true },
  });
  if (!tenant) throw new ServiceError("NOT_FOUND", `no tenant "${idOrSlug}"`);
  return tenant;
}

export function senderCredentialContext(tenantId: string, senderNumberId: string): string {
  return `sender-credential:${tenantId}:${senderNumberId}`;
}

export async function addSenderNumber(db: TDb, box: TSecretBox, actor: TActor, input: TAddSenderNumber) {
  const data = ZAddSenderNumberSchema.parse(input);
  try {
    return await db.$transaction(async (tx) => {
      const sender = await tx.senderNumber.create({
        data: {
          tenantId: data.tenantId,
          wabaId: data.wabaId,
          phoneNumberId: data.phoneNumberId,
          displayNumber: data.displayNumber,
          label: data.label ?? null,
        },
        select: { tenantId: true, id: true, phoneNumberId: true, displayNumber: true, wabaId: true },
      });
      // the directory's primary key makes phone_number_id unique across the platform
      await tx.phoneNumberDirectory.create({
        data: {
          phoneNumberId: sender.phoneNumberId,
          tenantId: sender.tenantId,
          senderNumberId: sender.id,
          wabaId: sender.wabaId,
        },
      });
      const sealed = box.seal(data.accessToken, senderCredentialContext(sender.tenantId, sender.id));
      await tx.senderCredential.create({
        data: {
          tenantId: sender.tenantId,
          senderNumberId: sender.id,
          keyId: sealed.keyId,
          ciphertext: new Uint8Array(sealed.ciphertext),
          iv: new Uint8Array(sealed.iv),
          authTag: new Uint8Array(sealed.authTag),
        },
      });
      await recordAudit(tx, {
        actor,
        action: "sender_number.added",
        tenantId: sender.tenantId,
        targetType: "sender_number",
        targetId: sender.id,
        data: {
          phoneNumberId: sender.phoneNumberId,
          displayNumber: sender.displayNumber,
          wabaId: sender.wabaId,
        },
      });
      return sender;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ServiceError("CONFLICT", `phone_number_id ${data.phoneNumberId} is already registered`);
    }
    throw error;
  }
}

/** Decrypts a sender's Graph API access token (worker only, at send time). */
export async function readSenderAccessToken(
  db: TDb,
  box: TSecretBox,
  tenantId: string,
  senderNumberId: string,
): Promise<string> {
  const row = await db.senderCredential.findUnique({
    where: { tenantId_senderNumberId: { tenantId, senderNumberId } },
  });
  if (!row) throw new ServiceError("NOT_FOUND", "sender number has no stored credential");
  return box.open(
    {
      keyId: row.keyId,
      ciphertext: Buffer.from(row.ciphertext),
      iv: Buffer.from(row.iv),
      authTag: Buffer.from(row.authTag),
    },
    senderCredentialContext(tenantId, senderNumberId),
  );
}
