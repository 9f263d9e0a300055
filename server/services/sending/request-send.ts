// A send request, from the tenant API or the console: the message, its `requested` event, the
// request record and the queue row, in ONE transaction; the worker does the rest. Idempotent by
// the tenant's Idempotency-Key: the same key with the same canonical body returns the same
// message, with a different body it is a conflict (409), also when both arrive at once.
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import { canonicalJson } from "@/server/domain/ledger/canonical-json";
import { dedupeKey } from "@/server/domain/ledger/dedupe-key";
import {
  buildCloudMessageBody,
  canonicalSendRequest,
  normalizeRecipient,
  ZSendMessageRequestSchema,
  type TSendMessageRequest,
} from "@/server/domain/sending/send-request";
import { actorLabel, type TActor } from "@/server/services/actor";
import { createMessage } from "@/server/services/ledger/append-events";
import { sha256Hex } from "@/server/services/ledger/rows";
import { isUniqueViolation } from "@/server/services/errors";
import { getMessageView, type TMessageView } from "./message-views";
import { enqueueSend } from "./send-queue";

export type TSendOrigin = { kind: "api"; apiKeyId: string } | { kind: "operator"; actor: TActor };

export type TRequestSendInput = {
  tenantId: string;
  request: TSendMessageRequest;
  idempotencyKey: string | null;
  origin: TSendOrigin;
  now: Date;
};

export type TRequestSendResult =
  | { kind: "created"; message: TMessageView }
  | { kind: "replayed"; message: TMessageView }
  | { kind: "idempotency_conflict"; messageId: string }
  | { kind: "unknown_sender"; from: string };

type TTxOutcome =
  | { kind: "created" | "replayed"; messageId: string }
  | { kind: "idempotency_conflict"; messageId: string }
  | { kind: "unknown_sender"; from: string };

export async function requestSend(db: TDb, input: TRequestSendInput): Promise<TRequestSendResult> {
  const request = ZSendMessageRequestSchema.parse(input.request);
  let outcome: TTxOutcome;
  try {
    outcome = await db.$transaction((tx) => record(tx, input, request), { maxWait: 10_000, timeout: 20_000 });
  } catch (error) {
    // belt and braces: the advisory lock serialises equal keys, but should two inserts still
    // race, the loser re-reads the winner's message and compares bodies like any replay
    if (!input.idempotencyKey || !isUniqueViolation(error)) throw error;
    outcome = await db.$transaction((tx) => record(tx, input, request), { maxWait: 10_000, timeout: 20_000 });
  }
  switch (outcome.kind) {
    case "created":
    case "replayed": {
      const message = await getMessageView(db, input.tenantId, outcome.messageId);
      if (!message) throw new Error(`message ${outcome.messageId} vanished after commit`);
      return { kind: outcome.kind, message };
    }
    case "idempotency_conflict":
    case "unknown_sender":
      return outcome;
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

async function record(
  tx: TDbTx,
  input: TRequestSendInput,
  request: TSendMessageRequest,
): Promise<TTxOutcome> {
  const { tenantId, idempotencyKey, now } = input;
  if (idempotencyKey) {
    // serialises requests with the same key (and only those) until this transaction ends
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`send:${tenantId}:${idempotencyKey}`}, 0))`;
  }
  const sender = await resolveSender(tx, tenantId, request.from);
  const canonical = sender ? canonicalSendRequest(request, sender.id) : null;
  const requestHash = canonical ? sha256Hex(canonicalJson(canonical)) : null;

  if (idempotencyKey) {
    const existing = await tx.message.findUnique({
      where: { tenantId_idempotencyKey: { tenantId, idempotencyKey } },
      select: { id: true },
    });
    if (existing) {
      const stored = await tx.sendRequest.findUnique({
        where: { tenantId_messageId: { tenantId, messageId: existing.id } },
        select: { requestHash: true },
      });
      return stored && stored.requestHash === requestHash
        ? { kind: "replayed", messageId: existing.id }
        : { kind: "idempotency_conflict", messageId: existing.id };
    }
  }
  if (!sender || !canonical || !requestHash) return { kind: "unknown_sender", from: request.from };

  const messageId = crypto.randomUUID();
  const body = buildCloudMessageBody(request, messageId);
  const origin = input.origin;
  const label = origin.kind === "api" ? `api_key:${origin.apiKeyId}` : actorLabel(origin.actor);
  const { messageId: createdId } = await createMessage(
    tx,
    {
      tenantId,
      id: messageId,
      senderNumberId: sender.id,
      recipient: normalizeRecipient(request.to),
      contentKind: request.type,
      templateName: request.type === "template" ? request.template.name : null,
      templateLanguage: request.type === "template" ? request.template.language : null,
      templateCategory:
        request.type === "template" && request.template.category
          ? request.template.category.toUpperCase()
          : null,
      requestPayload: body,
      idempotencyKey,
    },
    {
      type: "requested",
      source: origin.kind === "api" ? "api" : "operator",
      providerTimestamp: null,
      dedupeKey: dedupeKey.requested(),
      payload: {
        via: origin.kind === "api" ? "tenant_api" : "console",
        requestedBy: label,
        requestHash,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
    },
    { now },
  );
  await tx.sendRequest.create({
    data: {
      tenantId,
      messageId: createdId,
      apiKeyId: origin.kind === "api" ? origin.apiKeyId : null,
      actorLabel: label,
      requestHash,
      request: canonical,
      createdAt: now,
    },
  });
  await enqueueSend(tx, {
    tenantId,
    messageId: createdId,
    senderNumberId: sender.id,
    recipient: normalizeRecipient(request.to),
    attempt: 1,
    notBefore: now,
    now,
  });
  return { kind: "created", messageId: createdId };
}

/** The tenant's sender named by its Waybill id, its Graph phone_number_id or its display number. */
async function resolveSender(tx: TDbTx, tenantId: string, from: string) {
  const select = { id: true, phoneNumberId: true } as const;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(from)) {
    return tx.senderNumber.findUnique({
      where: { tenantId_id: { tenantId, id: from.toLowerCase() } },
      select,
    });
  }
  if (from.startsWith("+")) {
    return tx.senderNumber.findFirst({ where: { tenantId, displayNumber: from }, select });
  }
  return tx.senderNumber.findUnique({
    where: { tenantId_phoneNumberId: { tenantId, phoneNumberId: from } },
    select,
  });
}
