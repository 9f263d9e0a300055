// Writes the append-only audit trail for actions that are not about one message.
import type { TDbTx } from "@/server/db/client";
import type { TSql } from "@/server/db/sql";
import type { Prisma } from "@/server/db/generated/client";
import { actorId, actorLabel, type TActor } from "./actor";

export type TAuditInput = {
  actor: TActor;
  action: string;
  tenantId?: string | null;
  targetType?: string;
  targetId?: string;
  reason?: string;
  data?: Prisma.InputJsonObject;
  ip?: string | null;
};

export async function recordAudit(tx: TDbTx | TSql, input: TAuditInput): Promise<void> {
  // a plain-pg transaction (webhook processing pausing a number) writes the same row by hand
  if (!("$queryRawUnsafe" in tx)) {
    await tx.query(
      `INSERT INTO audit_event (tenant_id, actor_id, actor_label, action, target_type, target_id, reason, data, ip)
       VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9)`,
      [
        input.tenantId ?? null,
        actorId(input.actor),
        actorLabel(input.actor),
        input.action,
        input.targetType ?? null,
        input.targetId ?? null,
        input.reason ?? null,
        JSON.stringify(input.data ?? {}),
        input.ip ?? null,
      ],
    );
    return;
  }
  await tx.auditEvent.create({
    data: {
      tenantId: input.tenantId ?? null,
      actorId: actorId(input.actor),
      actorLabel: actorLabel(input.actor),
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      reason: input.reason ?? null,
      data: input.data ?? {},
      ip: input.ip ?? null,
    },
  });
}
