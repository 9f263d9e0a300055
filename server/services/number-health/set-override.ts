// An operator's override of a number's sending decision: hold it, or send despite a state, with
// a reason and an expiry; or clear it. Appended to the number's health history as an operator
// fact (so the view and the timeline show it), audited, in one transaction.
import crypto from "node:crypto";
import type { TDb } from "@/server/db/client";
import { toSql } from "@/server/db/sql";
import { actorLabel, type TActor } from "@/server/services/actor";
import { recordAudit } from "@/server/services/audit";
import { ServiceError } from "@/server/services/errors";
import { notifyQueue } from "@/server/services/sending/send-queue";
import { appendHealthFact, refreshNumberHealth } from "./health-store";

export const MAX_OVERRIDE_MS = 30 * 86_400_000;

export type TSetOverrideInput = {
  tenantId: string;
  senderNumberId: string;
  mode: "hold" | "send" | "clear";
  reason: string;
  /** required for hold and send; at most 30 days ahead */
  expiresAt: Date | null;
};

export async function setHealthOverride(db: TDb, actor: TActor, input: TSetOverrideInput, now: Date) {
  if (input.mode !== "clear") {
    if (input.expiresAt === null) throw new ServiceError("BAD_REQUEST", "an override needs an expiry");
    const ms = input.expiresAt.getTime() - now.getTime();
    if (ms <= 0) throw new ServiceError("BAD_REQUEST", "the expiry must be in the future");
    if (ms > MAX_OVERRIDE_MS) throw new ServiceError("BAD_REQUEST", "an override lasts at most 30 days");
  }
  return db.$transaction(async (tx) => {
    const sender = await tx.senderNumber.findUnique({
      where: { tenantId_id: { tenantId: input.tenantId, id: input.senderNumberId } },
      select: { wabaId: true },
    });
    if (!sender) throw new ServiceError("NOT_FOUND", "no such sender number in this tenant");
    const sql = toSql(tx);
    const label = actorLabel(actor);
    await appendHealthFact(sql, {
      tenantId: input.tenantId,
      senderNumberId: input.senderNumberId,
      wabaId: sender.wabaId,
      source: "operator",
      field: "operator.override",
      event: input.mode,
      providerTimestamp: null,
      value: {
        mode: input.mode,
        reason: input.reason,
        actor: label,
        ...(input.expiresAt ? { expiresAt: input.expiresAt.getTime() } : {}),
      },
      dedupeKey: `operator:${crypto.randomUUID()}`,
      rawWebhookId: null,
      actor: label,
      now,
    });
    const { health } = await refreshNumberHealth(sql, input.tenantId, input.senderNumberId, now);
    await recordAudit(tx, {
      actor,
      action: "number_health.override_set",
      tenantId: input.tenantId,
      targetType: "sender_number",
      targetId: input.senderNumberId,
      reason: input.reason,
      data: { mode: input.mode, expiresAt: input.expiresAt?.toISOString() ?? null },
    });
    // a lifted hold lets the queue flow again: wake the dispatchers
    await notifyQueue(tx, input.tenantId);
    return { override: health.override };
  });
}
