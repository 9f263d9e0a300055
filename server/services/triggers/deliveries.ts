// The read side of outbound webhooks (deliveries and their attempts, a message's triggers) and
// the operator actions on them: redeliver one or every dead delivery of an endpoint, and send a
// sample event to an endpoint. Every query is scoped by tenant.
import crypto from "node:crypto";
import type { TDb, TDbTx } from "@/server/db/client";
import { sqlOfPrisma } from "@/server/db/sql";
import type { TTriggerEventType } from "@/server/domain/triggers/event-types";
import { uuidV7 } from "@/server/ingest/uuid-v7";
import type { TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";

export type TDeliveryRow = {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  messageId: string | null;
  status: "pending" | "succeeded" | "failed";
  attemptCount: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  succeededAt: Date | null;
  createdAt: Date;
};

export async function listDeliveries(
  db: TDbTx,
  tenantId: string,
  filter: {
    endpointId?: string;
    status?: TDeliveryRow["status"];
    messageId?: string;
    limit: number;
    before?: Date;
  },
): Promise<TDeliveryRow[]> {
  return sqlOfPrisma(db).query<TDeliveryRow>(
    `SELECT d.id::text AS "id", d.endpoint_id::text AS "endpointId", d.event_id::text AS "eventId", ev.type AS "eventType",
            ev.message_id::text AS "messageId", d.status::text AS "status", d.attempt_count::int AS "attemptCount",
            d.next_attempt_at AS "nextAttemptAt", d.last_attempt_at AS "lastAttemptAt",
            d.last_status_code AS "lastStatusCode", d.last_error AS "lastError", d.succeeded_at AS "succeededAt",
            d.created_at AS "createdAt"
     FROM webhook_delivery d
     JOIN trigger_event ev ON ev.tenant_id = d.tenant_id AND ev.id = d.event_id
     WHERE d.tenant_id = $1::uuid
       AND ($2::uuid IS NULL OR d.endpoint_id = $2::uuid)
       AND ($3::text IS NULL OR d.status = $3::webhook_delivery_status)
       AND ($4::uuid IS NULL OR ev.message_id = $4::uuid)
       AND ($5::timestamptz IS NULL OR d.created_at < $5)
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT $6`,
    [
      tenantId,
      filter.endpointId ?? null,
      filter.status ?? null,
      filter.messageId ?? null,
      filter.before ?? null,
      filter.limit,
    ],
  );
}

export type TAttemptRow = {
  id: string;
  attempt: number;
  startedAt: Date;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseBody: string | null;
  latencyMs: number;
  error: string | null;
};

export async function listAttempts(db: TDbTx, tenantId: string, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return new Map<string, TAttemptRow[]>();
  const rows = await sqlOfPrisma(db).query<TAttemptRow & { deliveryId: string }>(
    `SELECT id::text AS "id", delivery_id::text AS "deliveryId", attempt, started_at AS "startedAt", url,
            request_headers AS "requestHeaders", response_status AS "responseStatus",
            response_body AS "responseBody", latency_ms AS "latencyMs", error
     FROM webhook_attempt WHERE tenant_id = $1::uuid AND delivery_id = ANY ($2::uuid[]) ORDER BY id`,
    [tenantId, [...deliveryIds]],
  );
  const byDelivery = new Map<string, TAttemptRow[]>();
  for (const { deliveryId, ...row } of rows) {
    const list = byDelivery.get(deliveryId) ?? [];
    list.push(row);
    byDelivery.set(deliveryId, list);
  }
  return byDelivery;
}

/** The events a message fired (timeline) with each delivery's outcome. */
export async function triggersOfMessage(db: TDb, tenantId: string, messageId: string) {
  const events = await db.triggerEvent.findMany({
    where: { tenantId, messageId },
    orderBy: { id: "asc" },
    select: {
      id: true,
      type: true,
      occurredAt: true,
      createdAt: true,
      payload: true,
      deliveries: {
        select: {
          id: true,
          endpointId: true,
          status: true,
          attemptCount: true,
          lastStatusCode: true,
          lastError: true,
          succeededAt: true,
          endpoint: { select: { url: true } },
        },
      },
    },
  });
  const attempts = await listAttempts(
    db,
    tenantId,
    events.flatMap((e) => e.deliveries.map((d) => d.id)),
  );
  return events.map((e) => {
    const payload = e.payload as { inferred?: boolean; previousState?: unknown };
    return {
      id: e.id,
      type: e.type,
      occurredAt: e.occurredAt,
      createdAt: e.createdAt,
      inferred: payload.inferred === true,
      previousState: typeof payload.previousState === "string" ? payload.previousState : null,
      deliveries: e.deliveries.map(({ endpoint, ...d }) => ({
        ...d,
        url: endpoint.url,
        // what each try sent back, oldest first (the request headers stay on the endpoints page)
        attempts: (attempts.get(d.id) ?? []).map((a) => ({
          attempt: a.attempt,
          startedAt: a.startedAt,
          responseStatus: a.responseStatus,
          latencyMs: a.latencyMs,
          error: a.error,
        })),
      })),
    };
  });
}

/** Queues a delivery again from the start of the schedule (dead or still retrying). */
export async function redeliver(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; deliveryId: string; endpointId?: string },
  now: Date,
): Promise<void> {
  const scope = {
    tenantId: input.tenantId,
    id: input.deliveryId,
    ...(input.endpointId === undefined ? {} : { endpointId: input.endpointId }),
  };
  await db.$transaction(async (tx) => {
    const updated = await tx.webhookDelivery.updateMany({
      where: { ...scope, status: { in: ["failed", "pending"] } },
      data: { status: "pending", attemptCount: 0, nextAttemptAt: now, leasedUntil: null, updatedAt: now },
    });
    if (updated.count === 0) {
      const exists = await tx.webhookDelivery.count({ where: scope });
      throw exists
        ? new ServiceError("CONFLICT", "this delivery already succeeded")
        : new ServiceError("NOT_FOUND", "no such delivery in this tenant");
    }
    await recordAudit(tx, {
      actor,
      action: "webhook_delivery.redelivered",
      tenantId: input.tenantId,
      targetType: "webhook_delivery",
      targetId: input.deliveryId,
    });
  });
}

/** Redelivers every dead delivery of an endpoint (optionally only those created since). */
export async function redeliverFailed(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; endpointId: string; since?: Date },
  now: Date,
): Promise<number> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.count({
      where: { tenantId: input.tenantId, id: input.endpointId },
    });
    if (!endpoint) throw new ServiceError("NOT_FOUND", "no such endpoint in this tenant");
    const updated = await tx.webhookDelivery.updateMany({
      where: {
        tenantId: input.tenantId,
        endpointId: input.endpointId,
        status: "failed",
        ...(input.since ? { createdAt: { gte: input.since } } : {}),
      },
      data: { status: "pending", attemptCount: 0, nextAttemptAt: now, leasedUntil: null, updatedAt: now },
    });
    await recordAudit(tx, {
      actor,
      action: "webhook_delivery.bulk_redelivered",
      tenantId: input.tenantId,
      targetType: "webhook_endpoint",
      targetId: input.endpointId,
      data: { count: updated.count, since: input.since?.toISOString() ?? null },
    });
    return updated.count;
  });
}

/** A sample event to one endpoint (whatever it subscribes to), marked `test: true`. */
export async function sendTestEvent(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; endpointId: string; type: TTriggerEventType },
  now: Date,
): Promise<{ eventId: string; deliveryId: string }> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.endpointId } },
      select: { id: true },
    });
    if (!endpoint) throw new ServiceError("NOT_FOUND", "no such endpoint in this tenant");
    const eventId = uuidV7(now.getTime());
    const deliveryId = crypto.randomUUID();
    const sampleMessageId = "00000000-0000-4000-8000-000000000000";
    await tx.triggerEvent.create({
      data: {
        tenantId: input.tenantId,
        id: eventId,
        type: input.type,
        messageId: null,
        dedupeKey: `test:${eventId}`,
        occurredAt: now,
        createdAt: now,
        payload: input.type.startsWith("message.")
          ? {
              test: true,
              messageId: sampleMessageId,
              tenantId: input.tenantId,
              recipient: "15551234567",
              state: input.type.slice("message.".length),
              explanation: "A sample event sent from Waybill to test this endpoint.",
              inferred: false,
              providerTimestamp: now.toISOString(),
            }
          : {
              test: true,
              tenantId: input.tenantId,
              title: "A sample event sent from Waybill to test this endpoint.",
            },
      },
    });
    await tx.webhookDelivery.create({
      data: {
        tenantId: input.tenantId,
        id: deliveryId,
        eventId,
        endpointId: input.endpointId,
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      },
    });
    await recordAudit(tx, {
      actor,
      action: "webhook_endpoint.test_sent",
      tenantId: input.tenantId,
      targetType: "webhook_endpoint",
      targetId: input.endpointId,
      data: { type: input.type, eventId },
    });
    return { eventId, deliveryId };
  });
}
