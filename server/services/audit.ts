// Writes the append-only audit trail for actions that are not about one message.
import type { TDbTx } from "@/server/db/client";
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

export async function recordAudit(tx: TDbTx, input: TAuditInput): Promise<void> {
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
