// Operators closing what ingestion could not: a quarantine item judged irrelevant, an orphan
// status that will never match (a message sent outside Waybill). Each is audited in the same
// transaction and stays visible (resolved, with who and why).
import type { TDb } from "@/server/db/client";
import type { TActor } from "@/server/services/actor";
import { actorLabel } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";

export async function discardQuarantineItem(
  db: TDb,
  actor: TActor,
  input: { id: string; reason: string },
  now: Date,
) {
  return db.$transaction(async (tx) => {
    const updated = await tx.webhookQuarantine.updateMany({
      where: { id: input.id, resolvedAt: null },
      data: { resolvedAt: now, resolution: "discarded", resolvedBy: actorLabel(actor) },
    });
    if (updated.count === 0) {
      const exists = await tx.webhookQuarantine.findUnique({ where: { id: input.id }, select: { id: true } });
      throw exists
        ? new ServiceError("CONFLICT", "this quarantine item is already resolved")
        : new ServiceError("NOT_FOUND", "no such quarantine item");
    }
    const item = await tx.webhookQuarantine.findUniqueOrThrow({ where: { id: input.id } });
    await recordAudit(tx, {
      actor,
      action: "webhook.quarantine_discarded",
      tenantId: item.tenantId,
      targetType: "webhook_quarantine",
      targetId: item.id,
      reason: input.reason,
      data: { rawWebhookId: item.rawWebhookId, itemPath: item.itemPath, quarantineReason: item.reason },
    });
    return item;
  });
}

export async function discardOrphan(
  db: TDb,
  actor: TActor,
  input: { tenantId: string; orphanId: string; reason: string },
  now: Date,
) {
  return db.$transaction(async (tx) => {
    const updated = await tx.webhookOrphanStatus.updateMany({
      where: { tenantId: input.tenantId, id: input.orphanId, attachedAt: null, discardedAt: null },
      data: { discardedAt: now, discardedBy: actorLabel(actor), discardReason: input.reason },
    });
    if (updated.count === 0) {
      const exists = await tx.webhookOrphanStatus.findUnique({
        where: { tenantId_id: { tenantId: input.tenantId, id: input.orphanId } },
        select: { id: true },
      });
      throw exists
        ? new ServiceError("CONFLICT", "this orphan status is already attached or discarded")
        : new ServiceError("NOT_FOUND", "no such orphan status in this tenant");
    }
    const orphan = await tx.webhookOrphanStatus.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.orphanId } },
      select: { id: true, providerMessageId: true, status: true, senderNumberId: true, discardedAt: true },
    });
    await recordAudit(tx, {
      actor,
      action: "webhook.orphan_discarded",
      tenantId: input.tenantId,
      targetType: "webhook_orphan_status",
      targetId: orphan.id,
      reason: input.reason,
      data: { providerMessageId: orphan.providerMessageId, status: orphan.status },
    });
    return orphan;
  });
}
