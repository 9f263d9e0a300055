// Managing a tenant's webhook endpoints: create, update, enable/disable, rotate the signing secret
// with an overlap window, delete. Every change is audited in its own transaction. Secrets are
// sealed with the platform key (own table) and returned only when created or rotated.
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import { checkEndpointUrl, type TUrlPolicy } from "@/server/domain/triggers/endpoint-url";
import { OPT_IN_WARNINGS, type TTriggerEventType } from "@/server/domain/triggers/event-types";
import type { TSecretBox } from "@/server/platform/secret-box";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import type { TEndpointFields, TUpdateEndpoint } from "./inputs";
import { newSigningSecret } from "./signing";

export const endpointSelect = {
  id: true,
  tenantId: true,
  url: true,
  description: true,
  eventTypes: true,
  senderNumberIds: true,
  templateNames: true,
  includeFullNumbers: true,
  isEnabled: true,
  disabledAt: true,
  disabledReason: true,
  failingSince: true,
  maxConcurrency: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type TEndpointView = {
  id: string;
  tenantId: string;
  url: string;
  description: string;
  eventTypes: string[];
  senderNumberIds: string[];
  templateNames: string[];
  includeFullNumbers: boolean;
  isEnabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
  maxConcurrency: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

/** Warnings to show beside the chosen types (message.accepted: acceptance is not delivery). */
export function subscriptionWarnings(types: readonly string[]): string[] {
  return types.flatMap((t) => OPT_IN_WARNINGS[t as TTriggerEventType] ?? []);
}

function secretContext(tenantId: string, endpointId: string, secretId: string) {
  // binds the ciphertext to its row: a sealed secret moved to another endpoint does not open
  return `webhook_endpoint_secret:${tenantId}:${endpointId}:${secretId}`;
}

async function storeSecret(tx: TDbTx, box: TSecretBox, tenantId: string, endpointId: string, now: Date) {
  const secret = newSigningSecret();
  const id = crypto.randomUUID();
  const sealed = box.seal(secret, secretContext(tenantId, endpointId, id));
  await tx.webhookEndpointSecret.create({
    data: {
      tenantId,
      endpointId,
      id,
      keyId: sealed.keyId,
      ciphertext: new Uint8Array(sealed.ciphertext),
      iv: new Uint8Array(sealed.iv),
      authTag: new Uint8Array(sealed.authTag),
      createdAt: now,
    },
  });
  return secret;
}

async function checkSenders(tx: TDbTx, tenantId: string, ids: readonly string[]) {
  if (ids.length === 0) return;
  const found = await tx.senderNumber.count({ where: { tenantId, id: { in: [...ids] } } });
  if (found !== new Set(ids).size)
    throw new ServiceError("BAD_REQUEST", "senderNumberIds: not all are your sender numbers");
}

function checkUrl(url: string, policy: TUrlPolicy): string {
  const checked = checkEndpointUrl(url, policy);
  if (!checked.ok) throw new ServiceError("BAD_REQUEST", `url ${checked.reason}`);
  return checked.url;
}

export async function createEndpoint(
  db: TDb,
  box: TSecretBox,
  actor: TActor,
  input: { tenantId: string } & TEndpointFields,
  policy: TUrlPolicy,
  now: Date,
): Promise<{ endpoint: TEndpointView; secret: string; warnings: string[] }> {
  const url = checkUrl(input.url, policy);
  return db.$transaction(async (tx) => {
    await checkSenders(tx, input.tenantId, input.senderNumberIds);
    const id = crypto.randomUUID();
    const endpoint = await tx.webhookEndpoint.create({
      data: {
        tenantId: input.tenantId,
        id,
        url,
        description: input.description,
        eventTypes: input.eventTypes,
        senderNumberIds: input.senderNumberIds,
        templateNames: input.templateNames,
        includeFullNumbers: input.includeFullNumbers,
        maxConcurrency: input.maxConcurrency,
        createdBy: actorLabel(actor),
        createdAt: now,
        updatedAt: now,
      },
      select: endpointSelect,
    });
    const secret = await storeSecret(tx, box, input.tenantId, id, now);
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.created",
      tenantId: input.tenantId,
      targetType: "webhook_endpoint",
      targetId: id,
      data: { url, eventTypes: input.eventTypes },
    });
    return { endpoint, secret, warnings: subscriptionWarnings(input.eventTypes) };
  });
}

export async function updateEndpoint(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; endpointId: string } & TUpdateEndpoint,
  policy: TUrlPolicy,
  now: Date,
): Promise<{ endpoint: TEndpointView; warnings: string[] }> {
  const { tenantId, endpointId, ...changes } = input;
  const url = changes.url === undefined ? undefined : checkUrl(changes.url, policy);
  return db.$transaction(async (tx) => {
    const existing = await tx.webhookEndpoint.findUnique({
      where: { tenantId_id: { tenantId, id: endpointId } },
      select: { id: true },
    });
    if (!existing) throw new ServiceError("NOT_FOUND", "no such endpoint in this tenant");
    if (changes.senderNumberIds) await checkSenders(tx, tenantId, changes.senderNumberIds);
    const enabling = changes.isEnabled === true;
    const endpoint = await tx.webhookEndpoint.update({
      where: { tenantId_id: { tenantId, id: endpointId } },
      data: {
        ...(url === undefined ? {} : { url }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        ...(changes.eventTypes === undefined ? {} : { eventTypes: changes.eventTypes }),
        ...(changes.senderNumberIds === undefined ? {} : { senderNumberIds: changes.senderNumberIds }),
        ...(changes.templateNames === undefined ? {} : { templateNames: changes.templateNames }),
        ...(changes.includeFullNumbers === undefined
          ? {}
          : { includeFullNumbers: changes.includeFullNumbers }),
        ...(changes.maxConcurrency === undefined ? {} : { maxConcurrency: changes.maxConcurrency }),
        ...(changes.isEnabled === undefined
          ? {}
          : enabling
            ? // a re-enabled endpoint starts with a clean failure record
              { isEnabled: true, disabledAt: null, disabledReason: null, failingSince: null }
            : { isEnabled: false, disabledAt: now, disabledReason: `disabled by ${actorLabel(actor)}` }),
        updatedAt: now,
      },
      select: endpointSelect,
    });
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.updated",
      tenantId,
      targetType: "webhook_endpoint",
      targetId: endpointId,
      data: JSON.parse(JSON.stringify(changes)) as Record<string, string>,
    });
    return { endpoint, warnings: subscriptionWarnings(endpoint.eventTypes) };
  });
}

/**
 * A new signing secret; the previous ones keep signing beside it for `overlapHours` so receivers
 * can switch without dropping a delivery (0: they stop at once).
 */
export async function rotateEndpointSecret(
  db: TDb,
  box: TSecretBox,
  actor: TActor,
  input: { tenantId: string; endpointId: string; overlapHours: number },
  now: Date,
): Promise<{ secret: string; previousExpireAt: Date }> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.endpointId } },
      select: { id: true },
    });
    if (!endpoint) throw new ServiceError("NOT_FOUND", "no such endpoint in this tenant");
    const previousExpireAt = new Date(now.getTime() + input.overlapHours * 3_600_000);
    await tx.webhookEndpointSecret.updateMany({
      where: {
        tenantId: input.tenantId,
        endpointId: input.endpointId,
        OR: [{ expiresAt: null }, { expiresAt: { gt: previousExpireAt } }],
      },
      data: { expiresAt: previousExpireAt },
    });
    const secret = await storeSecret(tx, box, input.tenantId, input.endpointId, now);
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.secret_rotated",
      tenantId: input.tenantId,
      targetType: "webhook_endpoint",
      targetId: input.endpointId,
      data: { overlapHours: input.overlapHours },
    });
    return { secret, previousExpireAt };
  });
}

export async function deleteEndpoint(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; endpointId: string },
): Promise<void> {
  await db.$transaction(async (tx) => {
    const deleted = await tx.webhookEndpoint.deleteMany({
      where: { tenantId: input.tenantId, id: input.endpointId },
    });
    if (deleted.count === 0) throw new ServiceError("NOT_FOUND", "no such endpoint in this tenant");
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.deleted",
      tenantId: input.tenantId,
      targetType: "webhook_endpoint",
      targetId: input.endpointId,
    });
  });
}

export async function listEndpoints(db: TDbTx, tenantId: string): Promise<TEndpointView[]> {
  return db.webhookEndpoint.findMany({
    where: { tenantId },
    orderBy: { createdAt: "asc" },
    select: endpointSelect,
  });
}

export async function getEndpoint(
  db: TDbTx,
  tenantId: string,
  endpointId: string,
): Promise<TEndpointView | null> {
  return db.webhookEndpoint.findUnique({
    where: { tenantId_id: { tenantId, id: endpointId } },
    select: endpointSelect,
  });
}

/** The secrets that sign now (newest first): the current one and any still inside its overlap. */
export async function liveSecrets(
  db: TDb | TDbTx,
  box: TSecretBox,
  tenantId: string,
  endpointId: string,
  now: Date,
): Promise<string[]> {
  const rows = await db.webhookEndpointSecret.findMany({
    where: { tenantId, endpointId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) =>
    box.open(
      {
        keyId: row.keyId,
        ciphertext: Buffer.from(row.ciphertext),
        iv: Buffer.from(row.iv),
        authTag: Buffer.from(row.authTag),
      },
      secretContext(tenantId, endpointId, row.id),
    ),
  );
}
